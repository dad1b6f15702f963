import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate } from '../src/cli/commands/sweep.js';
import type { ClassifierResults } from '../src/cli/run-classifier.js';

const r = (pool: string, seed: number, testError: number): ClassifierResults =>
  ({ dataset: 'fashion-mnist', arch: 'vgg13', pool, seed, testError, params: 100, imagesPerSecond: 10 }) as ClassifierResults;

test('aggregate: mean ± sample std of test error (%) per pool, pools in the canonical order', () => {
  const rows = aggregate([r('lift', 0, 0.1), r('max', 0, 0.2), r('lift', 1, 0.12), r('max', 1, 0.2), r('lift', 2, 0.14)]);
  assert.deepEqual(rows.map((x) => x.pool), ['max', 'lift']);
  assert.equal(rows[0].testError.mean, 20);
  assert.equal(rows[0].testError.std, 0);
  assert.ok(Math.abs(rows[1].testError.mean - 12) < 1e-9);
  assert.ok(Math.abs(rows[1].testError.std - 2) < 1e-9);
  assert.deepEqual(rows[1].seeds, [0, 1, 2]);
  assert.equal(rows[1].text[3], '12.00 ± 2.00');
});
