import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accumulateConfusion,
  confusionMatrix,
  segmentationScores,
  SegmentationMetrics,
} from '../src/train/segmentation-metrics.js';

const close = (a: number, b: number, msg?: string): void => assert.ok(Math.abs(a - b) < 1e-12, `${msg ?? ''} ${a} vs ${b}`);

// 4 classes: 0 = background, 1, 2, 3. Class 3 appears in neither map.
const truth = Uint8Array.from([0, 0, 0, 1, 1, 2, 2, 0]);
const pred = Int32Array.from([0, 2, 1, 1, 1, 2, 0, 0]);

test('confusion matrix: row = truth, column = prediction', () => {
  const cm = confusionMatrix(pred, truth, 4);
  // prettier-ignore
  assert.deepEqual(Array.from(cm), [
    2, 1, 1, 0,
    0, 2, 0, 0,
    1, 0, 1, 0,
    0, 0, 0, 0,
  ]);
});

test('IoU, mIoU with/without background, pixel accuracy: hand-computed', () => {
  const s = segmentationScores(confusionMatrix(pred, truth, 4), 4);
  // class 0: TP 2, FP 1, FN 2 -> 2/5; class 1: TP 2, FP 1, FN 0 -> 2/3; class 2: TP 1, FP 1, FN 1 -> 1/3.
  close(s.perClassIoU[0], 2 / 5);
  close(s.perClassIoU[1], 2 / 3);
  close(s.perClassIoU[2], 1 / 3);
  assert.ok(Number.isNaN(s.perClassIoU[3]), 'class absent from both has NaN IoU');
  assert.deepEqual(s.countedClasses, [0, 1, 2]);
  close(s.mIoU, (2 / 5 + 2 / 3 + 1 / 3) / 3, 'mIoU skips the absent class');
  close(s.mIoUNoBackground, (2 / 3 + 1 / 3) / 2, 'mIoU without background');
  close(s.pixelAccuracy, 5 / 8);
  close(s.foregroundAccuracy, 3 / 4);
  assert.equal(s.totalPixels, 8);
});

test('a class only predicted (or only in the truth) counts with IoU 0', () => {
  const s = segmentationScores(confusionMatrix([1, 3], [1, 1], 4), 4);
  close(s.perClassIoU[1], 1 / 2);
  close(s.perClassIoU[3], 0);
  assert.ok(Number.isNaN(s.perClassIoU[0]) && Number.isNaN(s.perClassIoU[2]));
  assert.deepEqual(s.countedClasses, [1, 3]);
  close(s.mIoU, 0.25);
  close(s.mIoUNoBackground, 0.25);
  close(s.pixelAccuracy, 0.5);
  close(s.foregroundAccuracy, 0.5);
});

test('all-background perfect prediction: mIoU 1, no foreground scores (NaN)', () => {
  const z = new Uint8Array(16);
  const s = segmentationScores(confusionMatrix(z, z, 3), 3);
  assert.equal(s.mIoU, 1);
  assert.ok(Number.isNaN(s.mIoUNoBackground));
  assert.ok(Number.isNaN(s.foregroundAccuracy));
  assert.equal(s.pixelAccuracy, 1);
  // backgroundClass option moves the excluded class.
  const t = segmentationScores(confusionMatrix(pred, truth, 4), 4, { backgroundClass: 1 });
  close(t.mIoUNoBackground, (2 / 5 + 1 / 3) / 2);
});

test('accumulating over batches equals one pass; reset clears', () => {
  const m = new SegmentationMetrics(4);
  m.update(pred.subarray(0, 3), truth.subarray(0, 3)).update(pred.subarray(3), truth.subarray(3));
  assert.deepEqual(Array.from(m.confusion), Array.from(confusionMatrix(pred, truth, 4)));
  close(m.scores().mIoU, (2 / 5 + 2 / 3 + 1 / 3) / 3);
  m.reset();
  assert.equal(m.scores().totalPixels, 0);
  assert.ok(Number.isNaN(m.scores().mIoU) && Number.isNaN(m.scores().pixelAccuracy));
});

test('ignoreIndex skips ground-truth pixels', () => {
  const s = segmentationScores(confusionMatrix([0, 1, 2], [0, 255, 1], 3, { ignoreIndex: 255 }), 3);
  assert.equal(s.totalPixels, 2);
  close(s.pixelAccuracy, 1 / 2);
});

test('clear errors: length mismatch, labels out of range; the matrix is left untouched', () => {
  assert.throws(() => confusionMatrix([0, 1], [0], 2), /2 predicted pixels but 1 ground-truth/);
  assert.throws(() => confusionMatrix([0, 0], [0, 4], 4), /ground-truth label 4 at pixel 1 is outside \[0, 4\)/);
  assert.throws(() => confusionMatrix([0, -1], [0, 0], 4), /predicted label -1 at pixel 1/);
  assert.throws(() => confusionMatrix([0, 1.5], [0, 0], 4), /predicted label 1.5/);
  assert.throws(() => confusionMatrix([0], [0], 0), /numClasses must be a positive integer/);
  assert.throws(() => segmentationScores(new Float64Array(8), 3), /9|3×3/);
  assert.throws(() => segmentationScores(new Float64Array(9), 3, { backgroundClass: 3 }), /backgroundClass 3/);
  const cm = confusionMatrix([1, 1], [1, 0], 2);
  const before = Array.from(cm);
  assert.throws(() => accumulateConfusion(cm, [0, 0, 0], [0, 0, 7], 2), /outside/);
  assert.deepEqual(Array.from(cm), before);
  assert.throws(() => accumulateConfusion(new Float64Array(3), [0], [0], 2), /expected 2×2/);
});
