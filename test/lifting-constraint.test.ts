import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  liftDown1d, liftDown2d, liftWeightsFromTensors, liftWeightTensors, stepLosses, stopGradient, CONSTRAINT_FORMS, DEFAULT_CONSTRAINT,
  type ConstraintForm,
} from '../src/index.js';
import { checkGrads, randomStep, randomWeights2d } from './helpers.js';

const value = (t: tf.Tensor) => t.dataSync()[0];

describe('constraint forms (functional core)', () => {
  test('relative: (αs, αd, αx_odd) gives the same losses for α = 0.1 and 10; paper and rms scale by α; rms = paper/√n', () => {
    tf.tidy(() => {
      const s = tf.randomNormal([2, 4, 3, 5], 0, 1, 'float32', 1) as tf.Tensor4D;
      const d = tf.randomNormal([2, 4, 3, 5], 0, 1, 'float32', 2) as tf.Tensor4D;
      const odd = tf.randomNormal([2, 4, 3, 5], 0, 2, 'float32', 3) as tf.Tensor4D;
      for (const parts of [1, 2]) {
        const at = (form: ConstraintForm, a: number) => {
          const r = stepLosses(tf.mul(s, a) as tf.Tensor4D, tf.mul(d, a) as tf.Tensor4D, tf.mul(odd, a) as tf.Tensor4D, parts, form);
          return [value(r.lossU), value(r.lossP)];
        };
        const rel = at('relative', 1);
        const paper = at('paper', 1);
        const rms = at('rms', 1);
        for (const a of [0.1, 10]) {
          at('relative', a).forEach((v, i) => assert.ok(Math.abs(v - rel[i]) <= 1e-5 * rel[i], `relative, α=${a}, parts=${parts}: ${v} vs ${rel[i]}`));
          at('paper', a).forEach((v, i) => assert.ok(Math.abs(v - a * paper[i]) <= 1e-4 * a * paper[i], `paper, α=${a}`));
        }
        const n = s.size / parts;
        rms.forEach((v, i) => assert.ok(Math.abs(v - paper[i] / Math.sqrt(n)) <= 1e-5 * v));
        // Known answer: with parts = 1, relative = ‖s − x_odd‖/‖x_odd‖.
        const direct = value(tf.div(tf.norm(tf.sub(s, odd)), tf.norm(odd)));
        if (parts === 1) assert.ok(Math.abs(rel[0] - direct) <= 1e-5 * direct, `${rel[0]} vs ${direct}`);
      }
    });
  });

  test('a linear wavelet makes the whole 2D relative loss scale-invariant in x (α = 0.1, 10)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 8, 6, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      for (const w of ['haar', 'cdf53'] as const) {
        const base = liftDown2d(x, w, { constraint: 'relative' });
        for (const a of [0.1, 10]) {
          const r = liftDown2d(tf.mul(x, a) as tf.Tensor4D, w, { constraint: 'relative' });
          assert.ok(Math.abs(value(r.lossU) - value(base.lossU)) <= 1e-5 * value(base.lossU), `${w} L_u, α=${a}`);
          assert.ok(Math.abs(value(r.lossP) - value(base.lossP)) <= 1e-5 * value(base.lossP), `${w} L_p, α=${a}`);
          const p = liftDown2d(tf.mul(x, a) as tf.Tensor4D, w, { constraint: 'paper' });
          assert.ok(Math.abs(value(p.lossP) - a * value(liftDown2d(x, w, { constraint: 'paper' }).lossP)) <= 1e-4 * a * value(p.lossP) / a);
        }
      }
    });
  });

  for (const form of CONSTRAINT_FORMS) {
    // 'detached' has a zero gradient at x by design (tested below): its weights are checked alone.
    test(`finite-difference gradients of the '${form}' losses (2D, w.r.t. ${form === 'detached' ? '' : 'x and '}every weight tensor)`, () => {
      tf.tidy(() => {
        const x = tf.randomNormal([1, 6, 6, 2], 0, 1, 'float32', 5);
        const w = randomWeights2d(2, 3, 11);
        const tensors = liftWeightTensors(w);
        const f = (xx: tf.Tensor, ...ws: tf.Tensor[]) => {
          const r = liftDown2d(xx as tf.Tensor4D, liftWeightsFromTensors(w, ws), { constraint: form });
          return tf.add(tf.mul(r.lossU, 0.7), r.lossP) as tf.Scalar;
        };
        if (form === 'detached') checkGrads((...ws: tf.Tensor[]) => f(x, ...ws), tensors, tensors.map((_, i) => `w${i}`), 2);
        else checkGrads(f, [x, ...tensors], ['x', ...tensors.map((_, i) => `w${i}`)], 2);
      });
    });
  }

  test(`finite-difference gradients of each form in liftDown1d`, () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 1, 9, 3], 0, 1, 'float32', 6);
      const step = randomStep(3, 5, 'width', 7);
      const keys = ['depthwiseKernel', 'depthwiseBias', 'pointwiseKernel', 'pointwiseBias'] as const;
      const ws = [...keys.map((k) => step.predict[k]), ...keys.map((k) => step.update[k])];
      for (const form of CONSTRAINT_FORMS) {
        const f = (xx: tf.Tensor, ...t: tf.Tensor[]) => {
          const mk = (o: number) => Object.fromEntries(keys.map((k, i) => [k, t[o + i]])) as unknown as typeof step.predict;
          const r = liftDown1d(xx as tf.Tensor4D, { predict: mk(0), update: mk(4) }, { axis: 'width', constraint: form });
          return tf.add(r.lossU, r.lossP) as tf.Scalar;
        };
        if (form === 'detached') checkGrads((...t: tf.Tensor[]) => f(x, ...t), ws, ws.map((_, i) => `${form} w${i}`), 2);
        else checkGrads(f, [x, ...ws], ['x', ...ws.map((_, i) => `${form} w${i}`)], 2);
      }
    });
  });

  test("'detached' trains only the predict/update weights: zero gradient at x, the paper's gradient at the weights", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 6, 8, 3], 0, 1, 'float32', 8);
      const w = randomWeights2d(3, 5, 12);
      const tensors = liftWeightTensors(w);
      const loss = (form: ConstraintForm) => (xx: tf.Tensor, ...ws: tf.Tensor[]) => {
        const r = liftDown2d(xx as tf.Tensor4D, liftWeightsFromTensors(w, ws), { constraint: form });
        return tf.add(r.lossU, r.lossP) as tf.Scalar;
      };
      const det = tf.grads(loss('detached'))([x, ...tensors]);
      const paper = tf.grads(loss('paper'))([x, ...tensors]);
      assert.equal(value(tf.max(tf.abs(det[0]))), 0);
      assert.ok(value(tf.max(tf.abs(paper[0]))) > 0);
      for (let i = 1; i < det.length; i++) {
        assert.ok(value(tf.max(tf.abs(tf.sub(det[i], paper[i])))) <= 1e-5, `weight ${i - 1}`);
      }
      // Same values and bands as the paper form.
      const a = liftDown2d(x as tf.Tensor4D, w, { constraint: 'detached' });
      const b = liftDown2d(x as tf.Tensor4D, w, { constraint: 'paper' });
      assert.equal(value(a.lossU), value(b.lossU));
      assert.equal(value(tf.max(tf.abs(tf.sub(a.ll, b.ll)))), 0);
      // stopGradient alone.
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(stopGradient(t), t)))(tf.tensor([1, 2]));
      assert.deepEqual(Array.from(g.dataSync()), [1, 2]);
    });
  });

  test('the default form is detached, an unknown form is a clear error, and nothing leaks', () => {
    assert.equal(DEFAULT_CONSTRAINT, 'detached');
    const x = tf.randomNormal([1, 4, 4, 2], 0, 1, 'float32', 9) as tf.Tensor4D;
    const w = randomWeights2d(2, 3, 13);
    assert.throws(() => liftDown2d(x, w, { constraint: 'l1' as ConstraintForm }), /liftDown2d: unknown constraint 'l1'; expected one of paper, relative, rms, detached/);
    assert.throws(() => liftDown1d(x, w.horizontal, { axis: 'width', constraint: 'x' as ConstraintForm }), /liftDown1d: unknown constraint 'x'/);
    const before = tf.memory().numTensors;
    for (const form of CONSTRAINT_FORMS) {
      const r = liftDown2d(x, w, { constraint: form });
      tf.dispose([r.ll, r.lh, r.hl, r.hh, r.lossU, r.lossP]);
      const q = liftDown1d(x, w.horizontal, { axis: 'width', constraint: form });
      tf.dispose([q.s, q.d, q.lossU, q.lossP]);
    }
    assert.equal(tf.memory().numTensors, before);
    const rel = liftDown2d(x, w);
    const relExplicit = liftDown2d(x, w, { constraint: 'detached' });
    assert.equal(value(rel.lossU), value(relExplicit.lossU));
    tf.dispose([x, rel, relExplicit] as unknown as tf.Tensor[]);
  });
});
