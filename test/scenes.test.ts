import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { Dataset } from '../src/data/types.js';
import { renderScene, resampleGray, scaledSize } from '../src/data/scene-render.js';
import { makeScenes, sceneClassHistogram, type SceneSet } from '../src/data/scenes.js';
import { loadScenes } from '../src/data/scenes-load.js';
import { sceneSheet, sceneSheetTiles } from '../src/report/scene-sheet.js';
import { classColor } from '../src/report/png.js';

/** A tiny hand-made source: three 4×4 gray items, classes 2, 0, 1 (3 classes). */
function fakeSource(split: 'train' | 'test' = 'train'): Dataset {
  // prettier-ignore
  const A = [255, 255, 0, 0,
             255, 255, 255, 0,
             0, 0, 0, 0,
             0, 0, 0, 51];     // 51/255 = 0.2 < threshold
  const B = new Array<number>(16).fill(128); // 0.502
  // prettier-ignore
  const C = [204, 76, 77, 0,   // 76/255 = 0.298 (below 0.3), 77/255 = 0.302 (above)
             204, 0, 0, 0,
             204, 0, 0, 128,   // 128 ties with B
             0, 0, 0, 0];
  return {
    name: 'fake',
    split,
    images: Uint8Array.from([...A, ...B, ...C]),
    labels: Uint8Array.from([2, 0, 1]),
    n: 3,
    height: 4,
    width: 4,
    channels: 1,
    numClasses: 3,
    classNames: ['zero', 'one', 'two'],
    sourceIndex: Uint32Array.from([500, 501, 502]),
  };
}

test('hand-made scene: labels follow threshold and max-compositing rules pixel by pixel', () => {
  const src = fakeSource();
  // A (class 2 -> label 3) at (0,0), then B (class 0 -> 1) at (2,2), then C (class 1 -> 2) at (0,2).
  const { image, labels } = renderScene(
    src,
    [
      { index: 0, y: 0, x: 0, height: 4, width: 4 },
      { index: 1, y: 2, x: 2, height: 4, width: 4 },
      { index: 2, y: 0, x: 2, height: 4, width: 4 },
    ],
    6,
    0.3,
  );
  // prettier-ignore
  const expectedLabels = [
    3, 3, 2, 0, 2, 0,  // (0,2): C 0.8 over A 0; (0,3): C 0.298 <= thr -> bg; (0,4): C 0.302 -> 2
    3, 3, 3, 0, 0, 0,  // (1,2): A 1.0 beats the later C 0.8 (max, not "later on top")
    0, 0, 2, 1, 1, 2,  // (2,3): later C is 0 there, B 0.502 stays; (2,5): tie B/C -> later C
    0, 0, 1, 1, 1, 1,  // (3,3): A 0.2 under B 0.502 -> B
    0, 0, 1, 1, 1, 1,
    0, 0, 1, 1, 1, 1,
  ];
  assert.deepEqual(Array.from(labels), expectedLabels);
  const v = (b: number): number => b / 255;
  // prettier-ignore
  const expectedImage = [
    1, 1, v(204), v(76), v(77), 0,
    1, 1, 1, 0, 0, 0,
    0, 0, v(204), v(128), v(128), v(128),
    0, 0, v(128), v(128), v(128), v(128),
    0, 0, v(128), v(128), v(128), v(128),
    0, 0, v(128), v(128), v(128), v(128),
  ];
  expectedImage.forEach((e, i) => assert.ok(Math.abs(image[i] - e) < 1e-6, `pixel ${i}: ${image[i]} vs ${e}`));
  // Placements that leave the canvas are refused.
  assert.throws(() => renderScene(src, [{ index: 0, y: 3, x: 0, height: 4, width: 4 }], 6, 0.3), /does not fit/);
  assert.throws(() => renderScene(src, [{ index: 3, y: 0, x: 0, height: 4, width: 4 }], 6, 0.3), /out of range/);
});

/** Independent reference for unscaled items: max over items, later wins ties, label iff > threshold. */
function referenceScene(src: Dataset, s: SceneSet, i: number): { img: number[]; lab: number[] } {
  const N = s.size;
  const img = new Array<number>(N * N).fill(0);
  const lab = new Array<number>(N * N).fill(0);
  for (const it of s.items[i]) {
    for (let y = 0; y < it.height; y++) {
      for (let x = 0; x < it.width; x++) {
        const val = src.images[it.index * 16 + y * 4 + x] / 255;
        const o = (it.y + y) * N + it.x + x;
        if (val >= img[o] - 1e-7) {
          img[o] = val;
          lab[o] = val > s.options.threshold ? 1 + it.sourceClass : 0;
        }
      }
    }
  }
  return { img, lab };
}

test('random scenes of unscaled items match an independent reference; provenance is consistent', () => {
  const src = fakeSource('test');
  const s = makeScenes(src, 200, { size: 8, minItems: 1, maxItems: 3, minScale: 1, maxScale: 1, seed: 11 });
  assert.equal(s.numClasses, 4);
  assert.deepEqual(s.classNames, ['background', 'zero', 'one', 'two']);
  assert.equal(s.split, 'test');
  assert.equal(s.source, 'fake');
  const counts = new Set<number>();
  for (let i = 0; i < s.count; i++) {
    assert.equal(s.items[i].length, s.itemsPerScene[i]);
    counts.add(s.itemsPerScene[i]);
    for (const it of s.items[i]) {
      assert.ok(it.index >= 0 && it.index < src.n);
      assert.equal(it.sourceIndex, src.sourceIndex![it.index]);
      assert.equal(it.sourceClass, src.labels[it.index]);
      assert.ok(it.y >= 0 && it.x >= 0 && it.y + it.height <= 8 && it.x + it.width <= 8);
    }
    const ref = referenceScene(src, s, i);
    assert.deepEqual(Array.from(s.labels.subarray(i * 64, (i + 1) * 64)), ref.lab, `scene ${i}`);
    ref.img.forEach((e, k) => assert.ok(Math.abs(s.images[i * 64 + k] - e) < 1e-6));
  }
  assert.deepEqual([...counts].sort(), [1, 2, 3], 'every item count in [minItems, maxItems] occurs');
});

test('maxOverlap: with room on the canvas, item foregrounds do not overlap; still matches the reference', () => {
  const src = fakeSource();
  const o = { size: 24, minItems: 3, maxItems: 3, minScale: 1, maxScale: 1, maxOverlap: 0, placementTries: 100, seed: 4 };
  const s = makeScenes(src, 50, o);
  for (let i = 0; i < s.count; i++) {
    const owner = new Int32Array(24 * 24).fill(-1);
    s.items[i].forEach((it, j) => {
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) {
        if (src.images[it.index * 16 + y * 4 + x] / 255 <= 0.3) continue;
        const k = (it.y + y) * 24 + it.x + x;
        assert.equal(owner[k], -1, `scene ${i}: item ${j} overlaps item ${owner[k]}`);
        owner[k] = j;
      }
    });
    assert.deepEqual(Array.from(s.labels.subarray(i * 576, (i + 1) * 576)), referenceScene(src, s, i).lab);
  }
  assert.deepEqual(makeScenes(src, 50, o).labels, s.labels, 'deterministic with retries');
  assert.throws(() => makeScenes(src, 1, { seed: 0, maxOverlap: 1.5 }), /maxOverlap/);
  assert.throws(() => makeScenes(src, 1, { seed: 0, placementTries: 0 }), /placementTries/);
});

test('determinism: same seed identical, different seed different, prefix-stable', () => {
  const src = fakeSource();
  const o = { size: 12, minScale: 0.8, maxScale: 2.5 };
  const a = makeScenes(src, 30, { ...o, seed: 5 });
  const b = makeScenes(src, 30, { ...o, seed: 5 });
  const c = makeScenes(src, 30, { ...o, seed: 6 });
  assert.deepEqual(a.images, b.images);
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.items, b.items);
  assert.notDeepEqual(a.labels, c.labels);
  assert.notDeepEqual(a.images, c.images);
  const prefix = makeScenes(src, 10, { ...o, seed: 5 });
  assert.deepEqual(prefix.images, a.images.subarray(0, 10 * 144));
  assert.deepEqual(prefix.items, a.items.slice(0, 10));
});

test('scaled scenes: value ranges, label <=> image above threshold, labels come from covering items', () => {
  // 28×28 float items with a smooth blob, as in MNIST but synthetic.
  const n = 5;
  const images = new Float32Array(n * 28 * 28);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const r = Math.hypot(y - 13.5, x - 13.5 + i);
      images[(i * 28 + y) * 28 + x] = Math.max(0, 1 - r / (6 + i));
    }
  }
  const src: Dataset = { name: 'blobs', split: 'train', images, labels: Uint8Array.from([0, 1, 2, 3, 4]), n, height: 28, width: 28, channels: 1, numClasses: 5, classNames: ['a', 'b', 'c', 'd', 'e'] };
  const s = makeScenes(src, 40, { seed: 1 });
  assert.equal(s.images.length, 40 * 64 * 64);
  assert.equal(s.labels.length, 40 * 64 * 64);
  for (let i = 0; i < s.count; i++) {
    for (const it of s.items[i]) {
      assert.ok(it.scale >= 0.8 && it.scale <= 1.6);
      assert.equal(it.height, scaledSize(28, it.scale));
      assert.equal(it.sourceIndex, it.index, 'no sourceIndex in the source: row index recorded');
    }
    for (let k = 0; k < 64 * 64; k++) {
      const v = s.images[i * 4096 + k];
      const l = s.labels[i * 4096 + k];
      assert.ok(v >= 0 && v <= 1);
      assert.ok(l < s.numClasses);
      assert.equal(l > 0, v > 0.3, `scene ${i} pixel ${k}: label ${l}, value ${v}`);
      if (l > 0) {
        const y = Math.floor(k / 64);
        const x = k % 64;
        const covering = s.items[i].filter((it) => y >= it.y && y < it.y + it.height && x >= it.x && x < it.x + it.width);
        assert.ok(covering.some((it) => 1 + it.sourceClass === l));
      }
    }
  }
  const h = sceneClassHistogram(s);
  assert.equal(h.reduce((a, b) => a + b, 0), 40 * 4096);
  assert.ok(h.every((c) => c > 0), 'every class appears');
});

test('resampling: identity at scale 1, bilinear up, area down, constants preserved', () => {
  const x = Float32Array.from([0, 1, 0.5, 0.25]);
  assert.deepEqual(resampleGray(x, 2, 2, 2, 2), x);
  // 1D bilinear with half-pixel centres: [0, 1] -> 4 samples at u = -0.25(clamped 0), 0.25, 0.75, 1.25(clamped 1).
  assert.deepEqual(Array.from(resampleGray([0, 1], 1, 2, 1, 4)), [0, 0.25, 0.75, 1]);
  // Area 4 -> 2: block means.
  const y = resampleGray([0, 1, 0.5, 0.5, 1, 1, 0, 0.2, 0, 0, 0, 0, 0.4, 0, 0, 0], 4, 4, 2, 2);
  [0.75, 0.3, 0.1, 0].forEach((e, i) => assert.ok(Math.abs(y[i] - e) < 1e-6, `${y[i]} vs ${e}`));
  // Area 3 -> 2 (fractional overlaps) and 2 -> 5 keep a constant image constant.
  for (const [h, oh] of [[3, 2], [2, 5], [28, 22], [28, 45]]) {
    const out = resampleGray(new Float32Array(h * h).fill(0.6), h, h, oh, oh);
    assert.ok(out.every((v) => Math.abs(v - 0.6) < 1e-6), `${h} -> ${oh}`);
  }
});

test('option and source errors are clear', () => {
  const src = fakeSource();
  assert.throws(() => makeScenes(src, 1, { seed: 1.5 }), /seed must be an integer/);
  assert.throws(() => makeScenes(src, 1, { seed: 0, minItems: 3, maxItems: 2 }), /maxItems/);
  assert.throws(() => makeScenes(src, 1, { seed: 0, threshold: 1 }), /threshold/);
  assert.throws(() => makeScenes(src, 1, { seed: 0, minScale: 0 }), /minScale/);
  assert.throws(() => makeScenes(src, -1, { seed: 0 }), /count/);
  assert.throws(() => makeScenes(src, 1, { seed: 0, size: 6, maxScale: 2 }), /8 px\) do not fit a 6×6/);
  assert.throws(() => makeScenes({ ...src, channels: 3 }, 1, { seed: 0 }), /gray/);
});

test('loadScenes: MNIST test scenes come from the test split only; 2000 scenes are fast', async () => {
  const t0 = performance.now();
  const s = await loadScenes('mnist', 'test', 2000, 3);
  const ms = performance.now() - t0;
  assert.ok(ms < 5000, `load + 2000 scenes took ${ms.toFixed(0)} ms`);
  assert.equal(s.split, 'test');
  assert.equal(s.source, 'mnist');
  assert.equal(s.numClasses, 11);
  assert.equal(s.classNames[0], 'background');
  assert.equal(s.images.length, 2000 * 64 * 64);
  for (const scene of s.items) for (const it of scene) assert.ok(it.sourceIndex < 10000 && it.index === it.sourceIndex);
  const h = sceneClassHistogram(s);
  assert.ok(h[0] / s.labels.length > 0.7 && h[0] / s.labels.length < 0.97, 'mostly background');
  assert.ok(h.every((c) => c > 0));
});

test('scene sheet: image | truth [| prediction [| errors]] columns, class colours', () => {
  const src = fakeSource();
  const s = makeScenes(src, 3, { size: 8, minScale: 1, maxScale: 2, seed: 2 });
  const png = PNG.sync.read(sceneSheet(s.images, s.labels, 8, 2, { scale: 1, gap: 1 }));
  assert.equal(png.width, 2 * 8 + 3);
  assert.equal(png.height, 2 * 8 + 3);
  // Ground-truth tile of scene 0 starts at (1, 10): its pixels carry the class colours.
  for (let k = 0; k < 64; k++) {
    const y = 1 + Math.floor(k / 8);
    const x = 10 + (k % 8);
    const p = 4 * (y * png.width + x);
    assert.deepEqual([png.data[p], png.data[p + 1], png.data[p + 2]], classColor(s.labels[k]));
  }
  const pred = new Uint8Array(s.labels.length);
  const tiles = sceneSheetTiles(s.images, s.labels, 8, 0, { predictions: pred, errors: true, indices: [2, 0] });
  assert.equal(tiles.length, 2);
  assert.equal(tiles[0].length, 4);
  const err = tiles[0][3].data;
  for (let k = 0; k < 64; k++) assert.equal(err[k], s.labels[2 * 64 + k] !== 0 ? 255 : 0);
  const png4 = PNG.sync.read(sceneSheet(s.images, s.labels, 8, 3, { predictions: pred, scale: 2 }));
  assert.equal(png4.width, 3 * 16 + 4 * 2);
  assert.throws(() => sceneSheet(s.images, s.labels, 8, 4), /scene 3 out of range/);
  assert.throws(() => sceneSheet(s.images, s.labels.subarray(1), 8, 1), /must both hold/);
  assert.throws(() => sceneSheet(s.images, s.labels, 8, 1, { errors: true }), /needs predictions/);
});
