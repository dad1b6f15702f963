import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  argmaxRows,
  corruptionError,
  errorPerCorruption,
  errorRate,
  flipRate,
  flipRateFlat,
  meanCorruptionError,
  meanFlipRate,
  relativeCorruptionError,
  relativeMeanCorruptionError,
  shiftConsistency,
} from '../src/train/robustness-metrics.js';

const close = (a: number, b: number, msg?: string) => assert.ok(Math.abs(a - b) < 1e-12, msg ?? `${a} != ${b}`);

test('errorRate and argmaxRows', () => {
  close(errorRate([0, 1, 2, 3], [0, 1, 1, 1]), 0.5);
  close(errorRate(new Int32Array([4, 4]), new Uint8Array([4, 4])), 0);
  assert.throws(() => errorRate([1, 2], [1]), /2 predictions but 1 labels/);
  assert.throws(() => errorRate([], []), /no predictions/);
  assert.deepEqual(Array.from(argmaxRows([0.1, 0.7, 0.2, 5, -1, 5], 2, 3)), [1, 0]);
  assert.throws(() => argmaxRows([1, 2, 3], 2, 2), /expected 2x2/);
});

// Hand-made errors for two corruptions, three severities.
const model = { a: [0.1, 0.2, 0.3], b: [0.2, 0.2, 0.2] };
const baseline = { a: [0.2, 0.4, 0.6], b: [0.1, 0.1, 0.2] };

test('errorPerCorruption averages over severities', () => {
  const e = errorPerCorruption(model);
  close(e.a, 0.2);
  close(e.b, 0.2);
});

test('CE and mCE (Hendrycks & Dietterich 2019) on hand-computed values', () => {
  // CE_a = 0.6 / 1.2 = 0.5; CE_b = 0.6 / 0.4 = 1.5; mCE = 1.0
  close(corruptionError(model.a, baseline.a), 0.5);
  const m = meanCorruptionError(model, baseline);
  close(m.perCorruption.a, 0.5);
  close(m.perCorruption.b, 1.5);
  close(m.mean, 1.0);
  close(meanCorruptionError(model, baseline, ['b']).mean, 1.5);
  // the baseline against itself scores 1
  close(meanCorruptionError(baseline, baseline).mean, 1);
});

test('relative CE and relative mCE on hand-computed values', () => {
  // clean errors: model 0.05, baseline 0.1
  // rel_a = (0.6 − 3·0.05) / (1.2 − 3·0.1) = 0.45 / 0.9 = 0.5
  // rel_b = (0.6 − 0.15) / (0.4 − 0.3) = 0.45 / 0.1 = 4.5; mean = 2.5
  close(relativeCorruptionError(model.a, 0.05, baseline.a, 0.1), 0.5);
  const r = relativeMeanCorruptionError(model, 0.05, baseline, 0.1);
  close(r.perCorruption.a, 0.5);
  assert.ok(Math.abs(r.perCorruption.b - 4.5) < 1e-9);
  assert.ok(Math.abs(r.mean - 2.5) < 1e-9);
});

test('CE functions reject bad input clearly', () => {
  assert.throws(() => corruptionError([0.1, 0.2], [0.1]), /model has 2 severities, baseline 1/);
  assert.throws(() => corruptionError([0.1], [0]), /baseline error is 0/);
  assert.throws(() => corruptionError([1.5], [0.5]), /fractions in \[0, 1\]/);
  assert.throws(() => corruptionError([], []), /no severities/);
  assert.throws(() => meanCorruptionError({ a: [0.1] }, { b: [0.1] }), /baseline has no errors for corruption 'a'/);
  assert.throws(() => meanCorruptionError(model, baseline, ['c']), /model has no errors for corruption 'c'/);
  assert.throws(() => meanCorruptionError({}, {}), /no corruptions/);
  assert.throws(() => relativeCorruptionError([0.2], 0.1, [0.1], 0.1), /relative CE is undefined/);
});

test('shift consistency: fraction of images with the same class under both shifts', () => {
  close(shiftConsistency([1, 2, 3, 4], [1, 2, 0, 4]), 0.75);
  close(shiftConsistency(new Int32Array([7]), new Int32Array([7])), 1);
  assert.throws(() => shiftConsistency([1], [1, 2]), /1 vs 2/);
  assert.throws(() => shiftConsistency([], []), /no predictions/);
});

test('flip rate along perturbation sequences (ImageNet-P)', () => {
  const seqs = [
    [1, 1, 2, 2], // consecutive flips 1; vs first 2
    [3, 3, 3, 3], // 0; 0
    [0, 1, 1, 1], // 1; 3
  ];
  close(flipRate(seqs), 2 / 9);
  close(flipRate(seqs, { reference: 'first' }), 5 / 9);
  close(flipRateFlat(new Int32Array(seqs.flat()), 3, 4), 2 / 9);
  close(flipRateFlat(seqs.flat(), 3, 4, { reference: 'first' }), 5 / 9);
  assert.throws(() => flipRate([[1, 2], [1]]), /sequence 1 has 1 frames/);
  assert.throws(() => flipRate([[1]]), /at least 2 frames/);
  assert.throws(() => flipRate([]), /no sequences/);
  assert.throws(() => flipRateFlat([1, 2, 3], 2, 2), /expected 2x2/);
});

test('mean flip rate normalised by a baseline', () => {
  const r = meanFlipRate({ translate: 0.1, rotate: 0.3 }, { translate: 0.2, rotate: 0.2 });
  close(r.perPerturbation.translate, 0.5);
  close(r.perPerturbation.rotate, 1.5);
  close(r.mean, 1);
  assert.throws(() => meanFlipRate({ translate: 0.1 }, { translate: 0 }), /undefined/);
  assert.throws(() => meanFlipRate({ translate: 0.1 }, {}), /baseline has no flip rate/);
});
