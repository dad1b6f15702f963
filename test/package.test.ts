/**
 * The package as consumers get it: built with `npm run build`'s tsconfig into a throw-away
 * node_modules/liftpool (this checkout's dependencies linked beside it), then
 *
 * - bundled for the browser by esbuild and by Vite from `import 'liftpool'`: no `node:` import reachable;
 * - `require('liftpool')` from CommonJS (Node's require(esm), Node >= 20.19);
 * - a TypeScript consumer compiled as CommonJS, run with Node;
 * - `liftpool/node` from ESM: the Node-only parts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
let dir = '';

function node(args: string[], cwd = dir): string {
  return execFileSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'liftpool-pkg-'));
  const pkg = join(dir, 'node_modules', 'liftpool');
  mkdirSync(pkg, { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name !== 'liftpool' && !name.startsWith('.')) symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name));
  }
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(pkg, 'dist'), '--sourceMap', 'false'], { stdio: 'pipe' });
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('package entry points', () => {
  test('the root bundles for the browser (esbuild --platform=browser) with no node: import', async () => {
    const entry = join(dir, 'browser-entry.js');
    writeFileSync(entry, "import * as lp from 'liftpool';\nconsole.log(Object.keys(lp).length);\n");
    const r = await build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true, logLevel: 'silent', absWorkingDir: dir });
    const inputs = Object.keys(r.metafile.inputs);
    assert.deepEqual(inputs.filter((p) => p.startsWith('node:') || /(^|\/)(fs|path|os|module|crypto|worker_threads)$/.test(p)), []);
    assert.ok(inputs.some((p) => p.includes('liftpool/dist/src/lifting/fused-filter.js')), 'the bundle holds the lifting core');
    assert.ok(inputs.some((p) => p.includes('liftpool/dist/src/backend/wasm-kernels.js')), 'and the wasm training kernels');
  });

  test('Vite builds a page importing the root with no configuration', async () => {
    const { build: viteBuild } = await import('vite');
    const app = join(dir, 'vite-app');
    mkdirSync(app);
    writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    writeFileSync(join(app, 'main.js'), "import { LiftDownPool2D, useBestBackend } from 'liftpool';\nawait useBestBackend();\nconsole.log(new LiftDownPool2D({}).getClassName());\n");
    const out = await viteBuild({ root: app, configFile: false, logLevel: 'silent', build: { write: false, outDir: join(app, 'dist') } });
    const chunks = (Array.isArray(out) ? out : [out]).flatMap((o) => ('output' in o ? o.output : []));
    const code = chunks.map((c) => ('code' in c ? c.code : '')).join('\n');
    assert.ok(code.includes('LiftDownPool2D'), 'the bundle holds the layer');
    assert.ok(!/from ?["']node:/.test(code), 'no node: import left in the bundle');
  });

  test('bundling liftpool/node for the browser fails on its node: imports (the check can fail)', async () => {
    const entry = join(dir, 'node-entry.js');
    writeFileSync(entry, "import * as lp from 'liftpool/node';\nconsole.log(Object.keys(lp).length);\n");
    await assert.rejects(build({ entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent', absWorkingDir: dir }), /node:/);
  });

  test("require('liftpool') works from CommonJS and runs a lifting round trip", () => {
    const out = node(['-e', [
      "const tf = require('@tensorflow/tfjs');",
      "const lp = require('liftpool');",
      "tf.setBackend('cpu');",
      'const x = tf.randomNormal([1, 4, 6, 2], 0, 1, "float32", 3);',
      "const r = lp.liftDown2d(x, 'haar'); const y = lp.liftUp2d(r, 'haar');",
      'console.log(JSON.stringify({ v: lp.VERSION, err: tf.max(tf.abs(tf.sub(x, y))).dataSync()[0], layer: typeof lp.LiftDownPool2D, fileIO: typeof lp.fileIO }));',
    ].join('\n')]);
    const r = JSON.parse(out.trim().split('\n').pop()!) as { v: string; err: number; layer: string; fileIO: string };
    assert.equal(r.layer, 'function');
    assert.equal(r.fileIO, 'undefined', 'Node-only parts are not in the root');
    assert.ok(r.err < 1e-5, `round trip error ${r.err}`);
  });

  test('a TypeScript consumer compiled as CommonJS runs', () => {
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'commonjs' }));
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, outDir: 'out', skipLibCheck: true, types: ['node'] },
      files: ['main.ts'],
    }));
    writeFileSync(join(app, 'main.ts'), [
      "import * as tf from '@tensorflow/tfjs';",
      "import { LiftDownPool2D, VERSION, useBestBackend, type BackendPreference } from 'liftpool';",
      'async function run(): Promise<void> {',
      "  const pref: BackendPreference = 'cpu';",
      '  await useBestBackend(pref);',
      '  const layer = new LiftDownPool2D({ kernelSize: 3 });',
      '  const y = layer.apply(tf.ones([1, 4, 4, 2])) as tf.Tensor;',
      '  console.log(JSON.stringify({ VERSION, shape: y.shape, module: typeof module }));',
      '}',
      'void run();',
    ].join('\n'));
    execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(app, 'tsconfig.json')], { stdio: 'pipe' });
    const r = JSON.parse(node([join(app, 'out', 'main.js')], app).trim().split('\n').pop()!) as { shape: number[]; module: string };
    assert.deepEqual(r.shape, [1, 2, 2, 2]);
    assert.equal(r.module, 'object', 'compiled as CommonJS');
  });

  test("import 'liftpool/node' has the Node-only parts and the root's", () => {
    const out = node(['--input-type=module', '-e', "import * as n from 'liftpool/node'; console.log(JSON.stringify([typeof n.fileIO, typeof n.loadDataset, typeof n.liftDown2d]));"]);
    assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), ['function', 'function', 'function']);
  });
});
