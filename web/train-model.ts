/**
 * Retrains the LiftPool model the demo page's explorer shows (web/public/model/, committed) with the
 * CLI and the package's default LiftPool options, and writes its provenance.json from the run's
 * results.json. Deterministic for the fixed seed on the wasm backend.
 *
 *   npx tsx web/train-model.ts      # a few minutes on one core
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const outRel = join('.cache', 'web-model');
const out = join(root, outRel);
const args = [
  'train', '--dataset', 'fashion-mnist', '--arch', 'tiny', '--pool', 'lift', '--epochs', '3', '--batch-size', '32',
  '--lr', '0.002', '--train-limit', '5000', '--test-limit', '1000', '--seed', '0', '--backend', 'wasm', '--out', outRel, '--force', '--quiet',
];
execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], { cwd: root, stdio: 'inherit' });
const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Record<string, unknown>;
const dest = join(here, 'public', 'model');
mkdirSync(dest, { recursive: true });
for (const f of ['model.json', 'weights.bin']) copyFileSync(join(out, f), join(dest, f));
const keep = ['dataset', 'arch', 'pool', 'seed', 'epochs', 'testAccuracy', 'backend', 'liftpoolVersion', 'command', 'date'] as const;
writeFileSync(join(dest, 'provenance.json'), `${JSON.stringify(Object.fromEntries(keep.map((k) => [k, r[k]])), null, 2)}\n`);
console.log(`web/public/model: ${String(r.pool)} ${String(r.arch)}, test accuracy ${(100 * Number(r.testAccuracy)).toFixed(1)}% (${String(r.command)})`);
