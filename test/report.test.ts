import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { incompleteBeta, meanCI, pairedDifference, studentTCdf, studentTQuantile, verdict } from '../src/report/stats.js';
import { DOWN_UP_ORDER, POOL_ORDER } from '../src/report/classification.js';
import { recipeFlags, resultKind } from '../src/report/collect.js';
import { compareToBaseline } from '../src/report/robustness.js';
import { POOL_NAMES } from '../src/models/pooling.js';
import { DOWN_UP_NAMES } from '../src/models/segnet.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const close = (a: number, b: number, tol = 1e-4) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('Student t quantiles and CDF match the tables; incomplete beta known values', () => {
  for (const [df, q] of [[1, 12.7062], [2, 4.3027], [4, 2.7764], [10, 2.2281], [30, 2.0423], [1000, 1.9623]]) close(studentTQuantile(0.975, df), q);
  close(studentTQuantile(0.95, 5), 2.0150);
  close(studentTQuantile(0.025, 3), -3.1824);
  close(studentTCdf(0, 7), 0.5, 1e-12);
  close(studentTCdf(2.0150, 5), 0.95);
  close(incompleteBeta(0.3, 1, 1), 0.3, 1e-12);
  close(incompleteBeta(0.5, 2.5, 2.5), 0.5, 1e-12);
  close(incompleteBeta(0.2, 2, 3), 1 - 0.8 ** 4 - 4 * 0.2 * 0.8 ** 3, 1e-12); // I_x(2,3) = P(Binomial(4, x) >= 2)
  assert.throws(() => studentTQuantile(1, 3), /p must be in \(0, 1\)/);
});

test('meanCI, pairedDifference and verdict', () => {
  const ci = meanCI([1, 2, 3]);
  close(ci.mean, 2);
  close(ci.std, 1);
  close(ci.half, 4.3027 / Math.sqrt(3));
  assert.ok(Number.isNaN(meanCI([5]).half));
  const d = pairedDifference(new Map([[0, 8], [1, 11], [2, 11], [7, 1]]), new Map([[0, 10], [1, 12], [2, 14]]));
  assert.deepEqual(d.seeds, [0, 1, 2]);
  close(d.mean, -2);
  close(d.lo, -2 - 4.3027 / Math.sqrt(3));
  assert.equal(verdict(d, true), 'indistinguishable');
  assert.equal(verdict(meanCI([-1, -1.2, -0.8]), true), 'better');
  assert.equal(verdict(meanCI([-1, -1.2, -0.8]), false), 'worse');
  assert.equal(verdict(meanCI([-1]), true), 'n/a');
});

test('the report knows every pool and down/up pair in the canonical order; recipe flags; result kinds', () => {
  assert.deepEqual(POOL_ORDER, [...POOL_NAMES]);
  assert.deepEqual(DOWN_UP_ORDER, [...DOWN_UP_NAMES]);
  assert.equal(recipeFlags('liftpool train --pool lift --seed 2 --lambda-u 0 --out runs/x --no-augment --epochs 3 --quiet'), '--lambda-u 0 --no-augment');
  assert.equal(resultKind({ command: 'x', date: 'd', rows: [] }), null);
});

// ---- fixtures: result files with known numbers ----
const prov = (command: string, i: number) => ({ command, date: `2026-01-01T00:00:0${i}Z`, liftpoolVersion: '0.1.0', backend: 'wasm' });
function classification(pool: string, seed: number, testError: number) {
  return {
    dataset: 'fashion-mnist', arch: 'vgg13', pool, seed, epochs: 2, batchSize: 32, lr: 0.003, optimizer: 'adam', schedule: 'cosine', width: 0.25,
    trainSize: 100, testSize: 50, testError, testAccuracy: 1 - testError, params: 1000, imagesPerSecond: 10,
    history: [{ epoch: 1, testAccuracy: 0.5 }, { epoch: 2, testAccuracy: 1 - testError }],
    ...prov(`liftpool train --pool ${pool} --seed ${seed} --epochs 2 --out runs/c/${pool}/seed${seed}`, seed),
  };
}
function robustness(pool: string, seed: number, a: number[], b: number[]) {
  return {
    dataset: 'fashion-mnist', testSize: 20, seed: 0, corruptions: ['ca', 'cb'],
    model: {
      dir: `runs/c/${pool}/seed${seed}`, arch: 'vgg13', pool, trainSeed: seed, width: 0.25, n: 20, seed: 0, cleanError: 0.1,
      corruptionErrors: { ca: a, cb: b }, errorPerCorruption: {}, meanCorruptionError: (a.reduce((x, y) => x + y) + b.reduce((x, y) => x + y)) / 10,
      severities: [1, 2, 3, 4, 5], shift: { maxShift: 3, mode: 'zero', consistency: 0.9 }, flipRate: { translate: pool === 'max' ? 0.1 : 0.2 }, meanFlipRate: 0.1, sequenceLength: 10,
    },
    ...prov(`liftpool robustness --model runs/c/${pool}/seed${seed} --json r/${pool}-${seed}.json`, seed),
  };
}
function segmentation(downUp: string, seed: number, noBg: number) {
  return {
    dataset: 'mnist', downUp, seed, epochs: 1, batchSize: 16, lr: 0.003, width: 0.25, depth: 3, sceneSize: 32, trainScenes: 10, testScenes: 5,
    mIoU: noBg + 0.1, mIoUNoBackground: noBg, pixelAccuracy: 0.9, params: 500, imagesPerSecond: 5, history: [{ epoch: 1, testMIoUNoBackground: noBg }],
    ...prov(`liftpool segment train --down-up ${downUp} --seed ${seed} --out runs/s/${downUp}/seed${seed}`, seed),
  };
}

function writeFixtures(dir: string): void {
  const put = (path: string, j: unknown) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), JSON.stringify(j));
  };
  const errors: Record<string, number[]> = { max: [0.1, 0.12, 0.14], lift: [0.08, 0.11, 0.11], avg: [0.2, 0.22, 0.21], blur: [0.09, 0.11, 0.13] };
  for (const [pool, es] of Object.entries(errors)) es.forEach((e, s) => put(`cls/${pool}/seed${s}/results.json`, classification(pool, s, e)));
  put('rob/max-0.json', robustness('max', 0, [0.1, 0.2, 0.3, 0.4, 0.5], [0.2, 0.2, 0.2, 0.2, 0.2]));
  put('rob/max-1.json', robustness('max', 1, [0.1, 0.2, 0.3, 0.4, 0.5], [0.2, 0.2, 0.2, 0.2, 0.2]));
  put('rob/lift-0.json', robustness('lift', 0, [0.1, 0.1, 0.3, 0.3, 0.5], [0.25, 0.25, 0.25, 0.25, 0.25]));
  put('rob/lift-1.json', robustness('lift', 1, [0.1, 0.1, 0.3, 0.3, 0.5], [0.3, 0.3, 0.3, 0.3, 0.3]));
  const seg: Record<string, number[]> = { 'max-maxunpool': [0.5, 0.6], 'lift-liftup': [0.4, 0.52] };
  for (const [v, ms] of Object.entries(seg)) ms.forEach((m, s) => put(`seg/${v}/seed${s}/results.json`, segmentation(v, s, m)));
  const png = new PNG({ width: 2, height: 2 });
  png.data.fill(200);
  writeFileSync(join(dir, 'seg/max-maxunpool/seed0/predictions.png'), PNG.sync.write(png));
  put('cls/table.json', { command: 'liftpool table', rows: [] }); // ignored
  writeFileSync(join(dir, 'cls/broken.json'), '{"command": '); // left out with a warning
}

test('compareToBaseline: mCE, relative mCE and mFR by hand', () => {
  const m = robustness('lift', 1, [0.1, 0.1, 0.3, 0.3, 0.5], [0.3, 0.3, 0.3, 0.3, 0.3]).model;
  const b = robustness('max', 1, [0.1, 0.2, 0.3, 0.4, 0.5], [0.2, 0.2, 0.2, 0.2, 0.2]).model;
  const c = compareToBaseline(m, b);
  close(c.mCE, (1.3 / 1.5 + 1.5 / 1.0) / 2);
  close(c.relativeMCE, ((1.3 - 0.5) / (1.5 - 0.5) + (1.5 - 0.5) / (1.0 - 0.5)) / 2);
  close(c.mFR, 2);
});

test('liftpool report: self-contained HTML and Markdown with the right numbers, charts, sheets and commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-report-'));
  try {
    writeFixtures(dir);
    const out = join(dir, 'out');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'report', join(dir, 'cls'), join(dir, 'rob'), join(dir, 'seg'), '--out', out], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /12 classification, 4 robustness, 4 segmentation results in 3 experiments/);
    assert.match(r.stderr, /warning: left out .*broken\.json: /);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    assert.doesNotMatch(html, /https?:\/\//, 'no URL in the page');
    assert.doesNotMatch(html, /<script|<link|src="(?!data:)/, 'nothing to fetch');
    assert.ok((html.match(/<svg/g) ?? []).length >= 6, 'bar, curve, severity, mCE, segmentation charts');
    assert.match(html, /<img alt="max-maxunpool, seed 0[^"]*" src="data:image\/png;base64,/);
    // classification: max 12.00 ± 2.00; lift diffs -2,-1,-3 -> -2.00 ± 4.3027/sqrt(3) = [-4.48, +0.48]
    assert.match(md, /\| max \| 3 \| 12\.00 ± 2\.00 \| \(reference\) \|/);
    assert.match(md, /\| lift \| 3 \| 10\.00 ± 1\.73 \| -2\.00 \[-4\.48, \+0\.48\] \| indistinguishable \|/);
    assert.match(md, /\| avg \| 3 \| 21\.00 ± 1\.00 \| \+9\.00 \[\+4\.70, \+13\.30\] \| worse \|/);
    assert.match(md, /\| blur \| 3 \| 11\.00 ± 2\.00 \| -1\.00 \[-1\.00, -1\.00\] \| better \|/);
    assert.match(md, /\| fashion-mnist vgg13 ×0\.25 \| indistinguishable \|/);
    // robustness: lift mCE per seed (1.3/1.5 + 1.25)/2 and (1.3/1.5 + 1.5)/2 -> 1.121 ± 12.706 * 0.0625 = 0.794
    assert.match(md, /\| lift \| 2 \| 10\.00 ± 0\.00 \| [\d.]+ ± [\d.]+ \| 1\.121 ± 0\.794 \| indistinguishable \| [\d.]+ ± [\d.]+ \| 90\.00 ± 0\.00 \| 10\.00 ± 0\.00 \| 2\.000 ± 0\.000 \|/);
    assert.match(md, /\| ca \| 2 \| 20\.00 ± 0\.00 \| 10\.00 ± 0\.00 \|/);
    // segmentation: diffs -10, -8 pp -> -9.00 ± 12.706 * 1 = [-21.71, +3.71]
    assert.match(md, /\| lift-liftup \| 2 \| 46\.00 ± 8\.49 \| -9\.00 \[-21\.71, \+3\.71\] \| indistinguishable \|/);
    // provenance: every row cites its runs, and the runs list gives each command
    assert.match(html, /<td><a href="#R1">R1<\/a> <a href="#R2">R2<\/a> <a href="#R3">R3<\/a><\/td>/);
    assert.match(html, /<tr id="R\d+">.*<code>liftpool train --pool lift --seed 2 --epochs 2 --out runs\/c\/lift\/seed2<\/code>/);
    assert.match(md, /`liftpool segment train --down-up lift-liftup --seed 1 --out runs\/s\/lift-liftup\/seed1`/);
    for (const f of ['charts/classification-fashion-mnist-vgg13-0-25-bars.svg', 'charts/classification-fashion-mnist-vgg13-0-25-curves.svg']) assert.ok(existsSync(join(out, f)), f);
    assert.ok(existsSync(join(out, 'sheets/mnist-scenes-32px-segnet-0-25-depth-3-max-maxunpool-seed0.png')));
    // liftpool table gives the same rows
    const t = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'table', join(dir, 'cls'), '--out', out], { cwd: root, encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /\| lift \| 3 \| 10\.00 ± 1\.73 \| -2\.00 \[-4\.48, \+0\.48\] \| indistinguishable \|/);
    assert.ok(existsSync(join(out, 'table.json')));
    // the README's results block regenerated from report.md keeps the numbers and points at the charts
    const readme = join(dir, 'README.md');
    writeFileSync(readme, '# x\n\n<!-- report:begin -->\nold\n<!-- report:end -->\n\ntail\n');
    const g = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/readme-results.ts', join(out, 'report.md'), readme], { cwd: root, encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    const block = readFileSync(readme, 'utf8');
    assert.doesNotMatch(block, /\nold\n/);
    assert.match(block, /^# x\n\n<!-- report:begin -->\n<!-- generated by/);
    assert.match(block, /<!-- report:end -->\n\ntail\n$/);
    assert.match(block, /\| lift \| 3 \| 10\.00 ± 1\.73 \| -2\.00 \[-4\.48, \+0\.48\] \| indistinguishable \|/);
    assert.match(block, /\| lift-liftup \| 2 \| 46\.00 ± 8\.49 \| -9\.00 \[-21\.71, \+3\.71\] \| indistinguishable \|/);
    assert.match(block, /\| fashion-mnist vgg13 ×0\.25 \| indistinguishable \|/);
    assert.match(block, /!\[[^\]]*\]\(out\/charts\/classification-fashion-mnist-vgg13-0-25-bars\.svg\)/);
    assert.doesNotMatch(block, /curves\.svg/);
    writeFileSync(readme, 'no markers\n');
    const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/readme-results.ts', join(out, 'report.md'), readme], { cwd: root, encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /no <!-- report:begin --> … <!-- report:end --> block to replace/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('liftpool report and table: a clear error without result files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-report-empty-'));
  try {
    for (const args of [['report', dir, '--out', join(dir, 'o')], ['table', dir], ['report', join(dir, 'missing')]]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /liftpool: error: (no result files|no such file or directory|no .*result files below)/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
