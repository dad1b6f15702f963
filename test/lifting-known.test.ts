import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { liftDown2d, liftDown1d, WAVELETS } from '../src/index.js';
import { maxAbs } from './helpers.js';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, label: string) => {
  assert.equal(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= tol, `${label}[${i}]: ${a[i]} vs ${b[i]}`);
  }
};

describe('Haar known answers', () => {
  test('bands of a hand-computed 2x4 input', () => {
    // x = [[1, 3, 2, 2],
    //      [5, 11, 4, 0]]
    // Horizontal (d = xo − xe, s = (xe + xo)/2):  L = [[2, 2], [8, 2]],  H = [[2, 0], [6, -4]]
    // Vertical on L: LL = [5, 2], LH = [6, 0];  on H: HL = [4, -2], HH = [4, -4]
    const x = tf.tensor4d([1, 3, 2, 2, 5, 11, 4, 0], [1, 2, 4, 1]);
    const r = liftDown2d(x, 'haar');
    assert.deepEqual(Array.from(r.ll.dataSync()), [5, 2]);
    assert.deepEqual(Array.from(r.lh.dataSync()), [6, 0]);
    assert.deepEqual(Array.from(r.hl.dataSync()), [4, -2]);
    assert.deepEqual(Array.from(r.hh.dataSync()), [4, -4]);
    tf.dispose([x, r.ll, r.lh, r.hl, r.hh, r.lossU, r.lossP]);
  });
  test('LL of Haar is the 2x2 average pool', () => {
    tf.tidy(() => {
      const x = tf.randomUniform([2, 6, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
      const r = liftDown2d(x, 'haar');
      const avg = tf.avgPool(x, 2, 2, 'valid');
      assert.ok(maxAbs(tf.sub(r.ll, avg)) < 1e-6);
    });
  });
});

/** Whole-sample symmetric extension: x[-i] = x[i], x[L-1+i] = x[L-1-i]. */
function sym(x: number[], i: number): number {
  const L = x.length;
  while (i < 0 || i >= L) i = i < 0 ? -i : 2 * (L - 1) - i;
  return x[i];
}

/** Direct FIR evaluation: out[n] = Σ_k taps[k] · x[center(n) + k − half]. */
function fir(x: number[], taps: number[], start: number): number[] {
  const half = (taps.length - 1) / 2;
  const out: number[] = [];
  for (let c = start; c < x.length; c += 2) {
    let acc = 0;
    for (let k = 0; k < taps.length; k++) acc += taps[k] * sym(x, c + k - half);
    out.push(acc);
  }
  return out;
}

// CDF 5/3 (LeGall) analysis filters.
const LEGALL_LOW = [-1 / 8, 2 / 8, 6 / 8, 2 / 8, -1 / 8];
const LEGALL_HIGH = [-1 / 2, 1, -1 / 2];
// CDF 9/7 analysis filters as published (DC gain 1 low-pass; JPEG 2000 irreversible transform).
const CDF97_LOW = [0.026748757411, -0.016864118443, -0.078223266529, 0.266864118443, 0.602949018236,
  0.266864118443, -0.078223266529, -0.016864118443, 0.026748757411];
const CDF97_HIGH = [0.091271763114, -0.057543526229, -0.591271763114, 1.11508705,
  -0.591271763114, -0.057543526229, 0.091271763114];

describe('CDF wavelets against direct filter evaluation', () => {
  const signal = [3, -1, 4, 1, -5, 9, 2, -6, 5, 3, -5, 8, 9, 7, -9, 3];
  const x = () => tf.tensor4d(signal, [1, 1, signal.length, 1]);

  test('CDF 5/3 lifting equals the LeGall 5/3 analysis filter bank', () => {
    tf.tidy(() => {
      const r = liftDown1d(x(), 'cdf53', { axis: 'width' });
      close(r.s.dataSync(), fir(signal, LEGALL_LOW, 0), 1e-5, 'cdf53 s');
      close(r.d.dataSync(), fir(signal, LEGALL_HIGH, 1), 1e-5, 'cdf53 d');
    });
  });

  test('CDF 9/7 lifting equals the 9/7 analysis filter bank (√2 and 1/√2 normalised by ζ)', () => {
    tf.tidy(() => {
      const r = liftDown1d(x(), 'cdf97', { axis: 'width' });
      close(r.s.dataSync(), fir(signal, CDF97_LOW.map((v) => v * Math.SQRT2), 0), 1e-4, 'cdf97 s');
      close(r.d.dataSync(), fir(signal, CDF97_HIGH.map((v) => v / Math.SQRT2), 1), 1e-4, 'cdf97 d');
    });
  });

  test('the height axis gives the same numbers as the width axis', () => {
    tf.tidy(() => {
      for (const w of WAVELETS) {
        const a = liftDown1d(x(), w, { axis: 'width' });
        const b = liftDown1d(tf.reshape(x(), [1, signal.length, 1, 1]) as tf.Tensor4D, w, { axis: 'height' });
        close(a.s.dataSync(), b.s.dataSync(), 1e-6, `${w} s`);
        close(a.d.dataSync(), b.d.dataSync(), 1e-6, `${w} d`);
      }
    });
  });
});

describe('constant images', () => {
  for (const w of ['haar', 'cdf53'] as const) {
    test(`${w}: zero detail bands and LL equal to the constant`, () => {
      tf.tidy(() => {
        const x = tf.fill([2, 8, 6, 3], 0.7) as tf.Tensor4D;
        const r = liftDown2d(x, w);
        for (const b of [r.lh, r.hl, r.hh]) assert.ok(maxAbs(b) < 1e-6);
        assert.ok(maxAbs(tf.sub(r.ll, 0.7)) < 1e-6);
      });
    });
  }
});
