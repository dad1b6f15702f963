/**
 * Deterministic, seed-derived initialisers for model builders.
 *
 * Every builder creates one `SeededInit` from its `seed` and asks it for a fresh initialiser for
 * each kernel it creates, in graph-construction order. The i-th initialiser gets the seed
 * `mix(seed, i)`, so the same seed (and the same architecture/options) gives bit-identical
 * initial weights, and a different seed gives different ones.
 */
import * as tf from '@tensorflow/tfjs';

export type Initializer = ReturnType<typeof tf.initializers.zeros>;

/** A 32-bit integer hash of (seed, index) (splitmix-style mixing), kept in the safe-integer range. */
export function mixSeed(seed: number, index: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export class SeededInit {
  private counter = 0;

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${String(seed)}`);
  }

  /** The next derived integer seed. */
  nextSeed(): number {
    return mixSeed(this.seed, this.counter++);
  }

  /** He-normal (for kernels followed by ReLU-like activations). */
  heNormal(): Initializer {
    return tf.initializers.heNormal({ seed: this.nextSeed() });
  }

  /** Glorot-uniform (classifier heads, linear projections, lifting filters). */
  glorotUniform(): Initializer {
    return tf.initializers.glorotUniform({ seed: this.nextSeed() });
  }
}
