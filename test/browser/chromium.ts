/**
 * Debian's chromium (apt `chromium`, never a downloaded browser) driven by playwright-core, and a
 * tiny static server on 127.0.0.1 — shared by the browser suite and the demo page's test.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

export const CHROMIUM = process.env.LIFTPOOL_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Flags measured in SPEC §6 (Debian chromium 156, SwiftShader): headless, WebGL on ANGLE/SwiftShader,
 * WebGPU on Vulkan/SwiftShader (without `--use-vulkan=swiftshader` the device is lost at the first read-back).
 */
export const CHROMIUM_ARGS = [
  '--headless=new', '--no-sandbox', '--disable-dev-shm-usage',
  '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader',
];

/** Why the browser tests cannot run here, or null when they can. */
export async function browserUnavailable(): Promise<string | null> {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} not found (apt-get install -y chromium; .ci/run does)`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm ci)';
  }
  return null;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.json': 'application/json', '.css': 'text/css', '.png': 'image/png', '.bin': 'application/octet-stream', '.svg': 'image/svg+xml',
};

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `files` (URL path → content) and, for paths under a `mounts` prefix, files from a
 * directory. Paths under `/coi/` are sent with COOP/COEP headers (a cross-origin-isolated page, which
 * gets TF.js's threaded wasm build); `/coi/x` is otherwise the same as `/x`.
 */
export async function serve(files: Record<string, string | Uint8Array>, mounts: Record<string, string> = {}): Promise<StaticServer> {
  const server: Server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const coi = path.startsWith('/coi/');
    if (coi) path = path.slice(4);
    if (path.endsWith('/')) path += 'index.html';
    let body: string | Uint8Array | undefined = files[path];
    if (body == null) {
      for (const [prefix, dir] of Object.entries(mounts)) {
        if (!path.startsWith(prefix)) continue;
        const file = normalize(join(dir, path.slice(prefix.length)));
        if (file.startsWith(normalize(dir)) && existsSync(file)) body = readFileSync(file);
      }
    }
    const headers: Record<string, string> = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    if (coi) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    if (body == null) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
