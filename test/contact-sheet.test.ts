import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { corruptionContactSheet, contactSheetTiles } from '../src/report/contact-sheet.js';
import { CORRUPTIONS } from '../src/data/corruptions.js';

test('contact sheet: one row per corruption, clean + 5 severities per row, valid PNG', () => {
  const img = new Float32Array(28 * 28);
  for (let y = 6; y < 22; y++) for (let x = 12; x < 16; x++) img[y * 28 + x] = 1;
  const tiles = contactSheetTiles(img, 28, 28, { seed: 3 });
  assert.equal(tiles.length, CORRUPTIONS.length);
  for (const row of tiles) assert.equal(row.length, 6);
  const png = PNG.sync.read(corruptionContactSheet(img, 28, 28, { seed: 3, scale: 2, gap: 1, corruptions: ['contrast', 'pixelate'] }));
  assert.equal(png.width, 6 * 56 + 7);
  assert.equal(png.height, 2 * 56 + 3);
  assert.throws(() => corruptionContactSheet(img, 28, 28, { corruptions: [] }), /no corruptions/);
});
