import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The demo imports 'liftpool' from this checkout's sources (a user's app gets it from node_modules,
// where Vite needs no configuration: test/package.test.ts builds one).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: { alias: { liftpool: fileURLToPath(new URL('../src/index.ts', import.meta.url)) } },
  server: { host: '127.0.0.1', fs: { allow: ['..'] } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 8000 },
});
