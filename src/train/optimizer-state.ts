/**
 * The complete state of a TF.js Adam or momentum-SGD optimizer as plain arrays, and its exact
 * restoration, so a resumed run continues bit for bit.
 *
 * `optimizer.getWeights()` / `setWeights()` alone are not enough for Adam: training builds the bias
 * corrections β₁ᵗ, β₂ᵗ by repeated float32 multiplication, while `setWeights` recomputes them as
 * `pow(β, t + 1)`, which differs in the last bits once t is large (a few hundred steps) and makes
 * every later update differ. The accumulated powers are saved and assigned back as they were.
 */
import * as tf from '@tensorflow/tfjs';
import { PackedAdamOptimizer } from './packed-adam.js';

export type OptimizerName = 'adam' | 'sgd';
export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'sgd'];

export interface SavedSlot {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface SavedOptimizer {
  kind: OptimizerName;
  /** Steps taken (the optimizer's `iterations`). */
  iterations: number;
  /** Adam only: the accumulated β₁ᵗ and β₂ᵗ exactly as the optimizer holds them (float32). */
  accBeta?: [number, number];
  /** Slot variables in `getWeights()` order (Adam: all first moments, then all second moments). */
  slots: SavedSlot[];
}

interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/** Adam (packed: the same floats as `tf.train.adam`, see ./packed-adam.ts) or momentum SGD. */
export function makeOptimizer(name: OptimizerName, lr: number, momentum: number): tf.Optimizer {
  if (name === 'adam') return new PackedAdamOptimizer(lr);
  if (name === 'sgd') return tf.train.momentum(lr, momentum);
  throw new Error(`unknown optimizer '${String(name)}'; expected one of ${OPTIMIZERS.join(', ')}`);
}

function kindOf(opt: tf.Optimizer): OptimizerName {
  // Not instanceof: tfjs optimizers answer it by duck typing (any optimizer "is" an AdamOptimizer).
  const name = opt.getClassName();
  if (name === 'Adam') return 'adam';
  if (name === 'Momentum') return 'sgd';
  throw new Error(`cannot save the state of a ${opt.getClassName()} optimizer (only Adam and momentum SGD)`);
}

/** Read the optimizer's whole state into plain arrays (nothing to dispose). */
export async function captureOptimizer(opt: tf.Optimizer): Promise<SavedOptimizer> {
  const kind = kindOf(opt);
  const weights = await opt.getWeights();
  try {
    const [iter, ...slots] = weights;
    const iterations = (await iter.tensor.data())[0];
    const saved: SavedOptimizer = { kind, iterations, slots: [] };
    for (const { name, tensor } of slots) saved.slots.push({ name, shape: tensor.shape.slice(), values: Float32Array.from(await tensor.data()) });
    if (kind === 'adam') {
      const a = opt as unknown as AdamInternals;
      saved.accBeta = [(await a.accBeta1.data())[0], (await a.accBeta2.data())[0]];
    }
    return saved;
  } finally {
    // getWeights() returns a fresh `iter` scalar and the live slot variables: free only the former.
    weights[0]?.tensor.dispose();
  }
}

/** Put `saved` into a fresh optimizer of the same kind (made with {@link makeOptimizer}). */
export async function restoreOptimizer(opt: tf.Optimizer, saved: SavedOptimizer): Promise<void> {
  const kind = kindOf(opt);
  if (kind !== saved.kind) throw new Error(`the saved optimizer state is ${saved.kind}, the run uses ${kind}`);
  const tensors = [
    { name: 'iter', tensor: tf.scalar(saved.iterations, 'int32') as tf.Tensor },
    ...saved.slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, 'float32') })),
  ];
  try {
    await opt.setWeights(tensors);
  } finally {
    // setWeights makes variables that share the tensors' data; the tensors themselves can go.
    tf.dispose(tensors.map((t) => t.tensor));
  }
  if (kind === 'adam') {
    if (!saved.accBeta) throw new Error('the saved Adam state lacks the accumulated beta powers');
    const a = opt as unknown as AdamInternals;
    tf.tidy(() => {
      a.accBeta1.assign(tf.scalar(saved.accBeta![0]));
      a.accBeta2.assign(tf.scalar(saved.accBeta![1]));
    });
  }
}

/**
 * Set the learning rate the next steps use (the schedule calls it once per epoch). Adam reads
 * `learningRate` at every step; SGD and momentum SGD keep `−lr` as a scalar tensor made at
 * construction, which only their `setLearningRate` replaces (assigning `learningRate` alone left
 * SGD runs at their initial rate whatever the schedule, before liftpool 0.2).
 */
export function setLearningRate(opt: tf.Optimizer, lr: number): void {
  if (!Number.isFinite(lr) || lr < 0) throw new Error(`setLearningRate: expected a finite learning rate >= 0, got ${lr}`);
  const sgd = opt as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof sgd.setLearningRate === 'function') sgd.setLearningRate(lr);
  else sgd.learningRate = lr;
}
