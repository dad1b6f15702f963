import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { encodeGridPng, labelTile, classColor } from '../src/report/png.js';

test('encodeGridPng lays tiles out at the right size and colours', () => {
  const white = { data: new Float32Array(4).fill(1), height: 2, width: 2, channels: 1 as const };
  const labels = labelTile([0, 1, 2, 3], 2, 2);
  const buf = encodeGridPng([[white, labels]], { scale: 3, gap: 1 });
  const png = PNG.sync.read(buf);
  assert.equal(png.width, 2 * 6 + 3);
  assert.equal(png.height, 6 + 2);
  const px = (x: number, y: number) => Array.from(png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 3));
  assert.deepEqual(px(1, 1), [255, 255, 255]);
  assert.deepEqual(px(0, 0), [128, 128, 128]);
  assert.deepEqual(px(8 + 3, 1), classColor(1));
});

test('encodeGridPng rejects a tile whose data does not match its shape', () => {
  assert.throws(() => encodeGridPng([[{ data: new Float32Array(3), height: 2, width: 2, channels: 1 }]]), /expected 2x2x1/);
});
