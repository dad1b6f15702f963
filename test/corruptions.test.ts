import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CORRUPTIONS,
  RANDOM_CORRUPTIONS,
  corrupt,
  corruptBatch,
  imageSeed,
  type CorruptionName,
  type Severity,
} from '../src/data/corruptions.js';
import { boxResize, diskKernel, motionKernel } from '../src/data/image-kernels.js';
import { jpegRoundTrip } from '../src/data/jpeg.js';
import { splitmix32 } from '../src/data/random.js';
import { randomShiftPairs, rotateImage, shiftBatch, shiftImage } from '../src/data/shifts.js';
import { perturbationSequence, PERTURBATIONS } from '../src/data/perturbations.js';

const H = 28;
const W = 28;

/** A digit-like test image: a thick arc plus two strokes, anti-aliased, values in [0, 1]. */
function drawDigit(h = H, w = W): Float32Array {
  const img = new Float32Array(h * w);
  const pts: [number, number][] = [];
  for (let a = Math.PI; a <= 2.2 * Math.PI; a += 0.05) pts.push([(9 + 5 * Math.sin(a)) * (h / 28), (14 - 6 * Math.cos(a)) * (w / 28)]);
  pts.push([21 * (h / 28), 8 * (w / 28)], [21 * (h / 28), 21 * (w / 28)]);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let d = Infinity;
      for (let i = 0; i + 1 < pts.length; i++) {
        const [y0, x0] = pts[i];
        const [y1, x1] = pts[i + 1];
        const vy = y1 - y0;
        const vx = x1 - x0;
        const len = vy * vy + vx * vx;
        const t = len > 0 ? Math.max(0, Math.min(1, ((y - y0) * vy + (x - x0) * vx) / len)) : 0;
        d = Math.min(d, Math.hypot(y - y0 - t * vy, x - x0 - t * vx));
      }
      img[y * w + x] = Math.max(0, Math.min(1, 2 - d));
    }
  }
  return img;
}

const mse = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
};
const equal = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

const digit = drawDigit();

test('the suite has the required corruptions', () => {
  for (const name of [
    'gaussian_noise', 'shot_noise', 'impulse_noise', 'speckle_noise', 'defocus_blur', 'motion_blur', 'zoom_blur',
    'contrast', 'brightness', 'pixelate', 'jpeg_compression', 'elastic_transform',
  ]) {
    assert.ok((CORRUPTIONS as readonly string[]).includes(name), name);
  }
});

for (const name of CORRUPTIONS) {
  test(`${name}: deterministic, same shape, [0,1], input untouched, severity 5 stronger than 1`, () => {
    const before = new Float32Array(digit);
    const errs: number[] = [];
    for (let s = 1; s <= 5; s++) {
      const a = corrupt(digit, H, W, name, s as Severity, 7);
      const b = corrupt(digit, H, W, name, s as Severity, 7);
      assert.ok(a instanceof Float32Array);
      assert.equal(a.length, H * W);
      assert.ok(equal(a, b), `severity ${s} not deterministic`);
      assert.ok(a.every((v) => v >= 0 && v <= 1), `severity ${s} out of [0,1]`);
      errs.push(mse(a, digit));
    }
    assert.ok(equal(digit, before), 'input was modified');
    assert.ok(errs[0] > 0, `severity 1 left the image unchanged`);
    assert.ok(errs[4] > errs[0], `MSE severity 5 (${errs[4]}) <= severity 1 (${errs[0]})`);
  });
}

test('random corruptions depend on the seed, the others do not', () => {
  for (const name of CORRUPTIONS) {
    const a = corrupt(digit, H, W, name, 3, 1);
    const b = corrupt(digit, H, W, name, 3, 2);
    if (RANDOM_CORRUPTIONS.includes(name)) assert.ok(!equal(a, b), `${name}: seed ignored`);
    else assert.ok(equal(a, b), `${name}: deterministic corruption depends on seed`);
  }
});

test('every corruption works on 32x32 images', () => {
  const img = drawDigit(32, 32);
  for (const name of CORRUPTIONS) {
    const out = corrupt(img, 32, 32, name, 5, 3);
    assert.equal(out.length, 32 * 32);
    assert.ok(out.every((v) => v >= 0 && v <= 1));
    assert.ok(mse(out, img) > 0, name);
  }
});

test('clear errors for unknown names, bad severities, bad shapes', () => {
  assert.throws(() => corrupt(digit, H, W, 'fog' as CorruptionName, 1, 0), /unknown corruption 'fog'/);
  for (const s of [0, 6, 2.5, NaN]) {
    assert.throws(() => corrupt(digit, H, W, 'contrast', s as Severity, 0), /severity must be an integer in 1\.\.5/);
  }
  assert.throws(() => corrupt(digit, 27, 28, 'contrast', 1, 0), /expected 27x28/);
  assert.throws(() => corrupt(digit, H, W, 'contrast', 1, NaN), /seed/);
  assert.throws(() => corruptBatch(digit, 2, H, W, 'contrast', 1, 0), /expected 2x28x28/);
  assert.throws(() => corruptBatch(digit, 1, H, W, 'nope' as CorruptionName, 1, 0), /unknown corruption/);
});

test('corruptBatch: image i equals corrupt(image_i, imageSeed(seed, i)); copies get different noise', () => {
  const n = 3;
  const batch = new Float32Array(n * H * W);
  for (let i = 0; i < n; i++) batch.set(digit, i * H * W);
  const out = corruptBatch(batch, n, H, W, 'gaussian_noise', 2, 11);
  const img = (k: number) => out.subarray(k * H * W, (k + 1) * H * W);
  for (let i = 0; i < n; i++) assert.ok(equal(img(i), corrupt(digit, H, W, 'gaussian_noise', 2, imageSeed(11, i))));
  assert.ok(!equal(img(0), img(1)));
  assert.ok(equal(out, corruptBatch(batch, n, H, W, 'gaussian_noise', 2, 11)));
});

test('noise statistics match their parameters', () => {
  const gray = new Float32Array(64 * 64).fill(0.5);
  const g = corrupt(gray, 64, 64, 'gaussian_noise', 1, 5);
  const std = Math.sqrt(mse(g, gray));
  assert.ok(Math.abs(std - 0.08) < 0.01, `gaussian σ ${std}`);
  const shot = corrupt(gray, 64, 64, 'shot_noise', 1, 5);
  const mean = shot.reduce((a, v) => a + v, 0) / shot.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `shot mean ${mean}`);
  assert.ok(Math.abs(mse(shot, gray) - 0.5 / 60) < 0.002, 'shot variance λx/λ² = x/λ');
  const imp = corrupt(gray, 64, 64, 'impulse_noise', 5, 5);
  const changed = imp.filter((v) => v !== 0.5).length / imp.length;
  assert.ok(Math.abs(changed - 0.27) < 0.03, `impulse fraction ${changed}`);
  assert.ok(imp.every((v) => v === 0 || v === 1 || v === 0.5));
});

test('poisson sampler has the right mean and variance, small and large lambda', () => {
  const rng = splitmix32(1);
  for (const lam of [3, 40]) {
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const k = rng.poisson(lam);
      assert.ok(Number.isInteger(k) && k >= 0);
      s += k;
      s2 += k * k;
    }
    const m = s / n;
    const v = s2 / n - m * m;
    assert.ok(Math.abs(m - lam) < 0.05 * lam, `mean ${m} for λ=${lam}`);
    assert.ok(Math.abs(v - lam) < 0.1 * lam, `var ${v} for λ=${lam}`);
  }
});

test('simple digital corruptions do exactly what the table says', () => {
  const bright = corrupt(digit, H, W, 'brightness', 1, 0);
  digit.forEach((v, i) => assert.ok(Math.abs(bright[i] - Math.min(1, v + 0.1)) < 1e-6));
  const gray = new Float32Array(16).map((_, i) => 0.3 + 0.02 * i);
  const c = corrupt(gray, 4, 4, 'contrast', 1, 0);
  const mean = (x: Float32Array) => x.reduce((a, v) => a + v, 0) / x.length;
  assert.ok(Math.abs(mean(c) - mean(gray)) < 1e-6);
  assert.ok(Math.abs((c[15] - c[0]) / (gray[15] - gray[0]) - 0.5) < 1e-5);
  // pixelate 0.5 on 28 px: 14×14 blocks of 2×2 equal pixels
  const p = corrupt(digit, H, W, 'pixelate', 2, 0);
  for (let y = 0; y < H; y += 2) {
    for (let x = 0; x < W; x += 2) {
      const v = p[y * W + x];
      assert.equal(p[y * W + x + 1], v);
      assert.equal(p[(y + 1) * W + x], v);
      assert.equal(p[(y + 1) * W + x + 1], v);
    }
  }
});

test('kernels are normalised and box resize keeps the mean', () => {
  for (const k of [diskKernel(1), diskKernel(2.5), motionKernel(1, 0), motionKernel(3, 30)]) {
    assert.ok(Math.abs(k.data.reduce((a, v) => a + v, 0) - 1) < 1e-9);
  }
  const small = boxResize(digit, H, W, 11, 11);
  const mean = (x: Float32Array) => x.reduce((a, v) => a + v, 0) / x.length;
  assert.ok(Math.abs(mean(small) - mean(digit)) < 1e-5);
});

test('JPEG round trip at quality 100 is close to identity; low quality is not', () => {
  const q100 = jpegRoundTrip(digit, H, W, 100);
  let maxAbs = 0;
  for (let i = 0; i < digit.length; i++) maxAbs = Math.max(maxAbs, Math.abs(q100[i] - digit[i]));
  assert.ok(maxAbs < 0.03, `max abs error ${maxAbs}`);
  assert.ok(mse(q100, digit) < 1e-4);
  assert.ok(mse(jpegRoundTrip(digit, H, W, 7), digit) > 10 * mse(q100, digit));
  assert.throws(() => jpegRoundTrip(digit, H, W, 0), /quality/);
});

// ------------------------------------------------------------------------------------------ shifts

test('shiftImage moves content by (dy, dx)', () => {
  const img = new Float32Array(5 * 6);
  img[1 * 6 + 2] = 1;
  const s = shiftImage(img, 5, 6, 2, 3, 'zero');
  assert.equal(s[3 * 6 + 5], 1);
  assert.equal(s.reduce((a, v) => a + v, 0), 1);
  const c = shiftImage(img, 5, 6, 4, 5, 'circular');
  assert.equal(c[0 * 6 + 1], 1);
});

test('circular shift by (h, w) or multiples is the identity; by (h+dy) equals by dy', () => {
  assert.ok(equal(shiftImage(digit, H, W, H, W, 'circular'), digit));
  assert.ok(equal(shiftImage(digit, H, W, -2 * H, 3 * W, 'circular'), digit));
  assert.ok(equal(shiftImage(digit, H, W, H + 3, -1, 'circular'), shiftImage(digit, H, W, 3, -1, 'circular')));
});

test('zero shift then the opposite shift restores the interior and zeroes the rest', () => {
  for (const [dy, dx] of [[3, -2], [-4, 5], [0, 1]]) {
    const back = shiftImage(shiftImage(digit, H, W, dy, dx, 'zero'), H, W, -dy, -dx, 'zero');
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inside = y >= Math.max(0, -dy) && y < H - Math.max(0, dy) && x >= Math.max(0, -dx) && x < W - Math.max(0, dx);
        assert.equal(back[y * W + x], inside ? digit[y * W + x] : 0, `(${dy},${dx}) at (${y},${x})`);
      }
    }
  }
});

test('edge shift repeats the border; bad inputs throw', () => {
  const img = new Float32Array([1, 2, 3, 4]);
  assert.deepEqual(Array.from(shiftImage(img, 1, 4, 0, 2, 'edge')), [1, 1, 1, 2]);
  assert.throws(() => shiftImage(img, 1, 4, 0.5, 0), /integers/);
  assert.throws(() => shiftImage(img, 2, 4, 0, 0), /expected 2x4/);
  assert.throws(() => shiftImage(img, 1, 4, 0, 0, 'wrap' as 'zero'), /unknown mode/);
});

test('randomShiftPairs is deterministic and in range; shiftBatch applies per-image offsets', () => {
  const a = randomShiftPairs(50, 3, 9);
  assert.equal(a.length, 50);
  assert.deepEqual(a, randomShiftPairs(50, 3, 9));
  assert.notDeepEqual(a, randomShiftPairs(50, 3, 10));
  for (const p of a) for (const v of [p.dy1, p.dx1, p.dy2, p.dx2]) assert.ok(Number.isInteger(v) && v >= -3 && v <= 3);
  const seen = new Set(a.map((p) => p.dx1));
  assert.equal(seen.size, 7, 'all offsets in [-3, 3] occur');
  assert.throws(() => randomShiftPairs(2, -1, 0), /maxShift/);
  const batch = new Float32Array(2 * H * W);
  batch.set(digit);
  batch.set(digit, H * W);
  const out = shiftBatch(batch, 2, H, W, [a[0].dy1, a[1].dy1], [a[0].dx1, a[1].dx1]);
  assert.ok(equal(out.subarray(H * W), shiftImage(digit, H, W, a[1].dy1, a[1].dx1)));
});

test('rotateImage: 0° and 360° are identity; +90° turns counter-clockwise', () => {
  assert.ok(rotateImage(digit, H, W, 0).every((v, i) => Math.abs(v - digit[i]) < 1e-6));
  assert.ok(rotateImage(digit, H, W, 360).every((v, i) => Math.abs(v - digit[i]) < 1e-4));
  const img = new Float32Array(5 * 5);
  img[2 * 5 + 4] = 1; // right of centre
  const r = rotateImage(img, 5, 5, 90);
  assert.ok(Math.abs(r[0 * 5 + 2] - 1) < 1e-6, 'moves to the top');
});

// ------------------------------------------------------------------------------------ perturbations

test('perturbation sequences: length, determinism, clean frame, growing change', () => {
  for (const kind of PERTURBATIONS) {
    const seq = perturbationSequence(digit, H, W, kind, 7, 4);
    assert.equal(seq.length, 7);
    const again = perturbationSequence(digit, H, W, kind, 7, 4);
    seq.forEach((f, t) => {
      assert.equal(f.length, H * W);
      assert.ok(f.every((v) => v >= 0 && v <= 1));
      assert.ok(equal(f, again[t]));
    });
    const clean = kind === 'gaussian_noise' ? 0 : 3;
    assert.ok(seq[clean].every((v, i) => Math.abs(v - digit[i]) < 1e-6), `${kind}: clean frame`);
    assert.ok(mse(seq[6], digit) > mse(seq[clean + 1], digit), `${kind}: perturbation grows`);
    assert.ok(mse(seq[clean + 1], digit) > 0);
  }
});

test('translate sequence is the clean image shifted by k px, k = t - centre, along one seeded direction', () => {
  for (const seed of [1, 2, 3, 4]) {
    const seq = perturbationSequence(digit, H, W, 'translate', 5, seed);
    const directions = [[1, 0], [-1, 0], [0, 1], [0, -1]];
    const match = directions.filter(([uy, ux]) => seq.every((f, t) => equal(f, shiftImage(digit, H, W, uy * (t - 2), ux * (t - 2), 'edge'))));
    assert.equal(match.length, 1, `seed ${seed}`);
  }
});

test('gaussian_noise sequence uses one noise field with growing amplitude', () => {
  const gray = new Float32Array(H * W).fill(0.5);
  const seq = perturbationSequence(gray, H, W, 'gaussian_noise', 4, 2, { step: 0.01 });
  // frame t = 0.5 + 0.01·t·z (no clipping at these levels): frame 2 − 0.5 = 2 (frame 1 − 0.5)
  for (let i = 0; i < H * W; i++) assert.ok(Math.abs((seq[2][i] - 0.5) - 2 * (seq[1][i] - 0.5)) < 1e-5);
});

test('perturbationSequence rejects bad input', () => {
  assert.throws(() => perturbationSequence(digit, H, W, 'snow' as 'rotate', 5, 0), /unknown kind/);
  assert.throws(() => perturbationSequence(digit, H, W, 'rotate', 1, 0), /length/);
  assert.throws(() => perturbationSequence(digit, H, W, 'translate', 5, 0, { step: 0.5 }), /integer/);
  assert.throws(() => perturbationSequence(digit, 3, W, 'rotate', 5, 0), /expected 3x28/);
});

test('jpegRoundTripBatch (one mosaic encode) equals per-image JPEG round trips exactly', async () => {
  const { jpegRoundTripBatch, jpegRoundTrip } = await import('../src/data/jpeg.js');
  const n = 7;
  const h = 28;
  const w = 28;
  const imgs = new Float32Array(n * h * w);
  let s = 12345;
  for (let i = 0; i < imgs.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    imgs[i] = ((i % w) / w) * 0.5 + ((s >>> 16) / 65536) * 0.5;
  }
  for (const q of [7, 25, 90]) {
    const batch = jpegRoundTripBatch(imgs, n, h, w, q);
    for (let k = 0; k < n; k++) {
      const single = jpegRoundTrip(imgs.subarray(k * h * w, (k + 1) * h * w), h, w, q);
      for (let i = 0; i < h * w; i++) {
        if (batch[k * h * w + i] !== single[i]) assert.fail(`quality ${q}, image ${k}, pixel ${i}: ${batch[k * h * w + i]} vs ${single[i]}`);
      }
    }
  }
});
