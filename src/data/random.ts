/**
 * The data layer's seeded randomness: one generator type ({@link Rng}) and the seed derivation that
 * feeds it. Pure: no I/O, no global state, no `Math.random`.
 *
 * An `Rng` draws from one of two 32-bit cores. Both are a Weyl sequence (a counter stepped by an odd
 * constant) passed through an avalanche mixer; they differ in constants and mixer, and both are kept
 * because every recorded number depends on them:
 * - {@link mulberry32} (Tommy Ettinger's public-domain mulberry32) drives the data order, the balanced
 *   subsets, augmentation and the segmentation scenes, seeded with {@link deriveSeed};
 * - {@link splitmix32} (golden-ratio Weyl step, MurmurHash3's fmix32 finaliser) drives the robustness
 *   instruments (corruptions, shifts, perturbation sequences), seeded with {@link saltedSeed}, so that
 *   they produce the same corrupted images whatever happens to the training-time code.
 * Neither is cryptographic; both are fast and good enough for shuffling and image noise.
 */

/** Mix a 32-bit integer (MurmurHash3's fmix32 finaliser). */
export function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Mix several integers (a base seed plus e.g. an epoch number or a purpose tag) into one 32-bit seed,
 * so independent streams can be derived from one user seed: `mulberry32(deriveSeed(seed, epoch))`.
 * Both 32-bit halves of each part are folded in, so seeds above 2^32 are not silently truncated.
 */
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    const lo = p >>> 0;
    const hi = Math.floor(p / 4294967296) >>> 0;
    for (const v of [lo, hi]) {
      h = Math.imul(h ^ v, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/**
 * Derive a child seed from a parent seed and integer / string salts (a corruption name, a purpose tag,
 * an image index): the seeds of the robustness instruments, e.g. `splitmix32(saltedSeed(seed, 'shift'))`.
 */
export function saltedSeed(seed: number, ...salts: (number | string)[]): number {
  let h = mix32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
  for (const s of salts) {
    if (typeof s === 'string') {
      for (let i = 0; i < s.length; i++) h = mix32(h ^ Math.imul(s.charCodeAt(i) + 1, 0x27d4eb2d));
    } else {
      h = mix32(h ^ mix32((Math.trunc(s) + 0x632be5ab) >>> 0));
    }
  }
  return h;
}

/** A seeded random stream: uniform floats from its core, and the draws built on them. */
export class Rng {
  private spareNormal: number | null = null;

  /** `next` returns uniform floats in [0, 1); use {@link mulberry32} or {@link splitmix32}. */
  constructor(private readonly next: () => number) {}

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.next();
  }

  /** Uniform in [lo, hi). */
  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, caches the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = this.next();
    while (u <= 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Poisson(lambda) sample. Multiplication method for lambda < 10; above, the transformed-rejection
   * method PTRS (Hörmann 1993, "The transformed rejection method for generating Poisson random variables").
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new Error(`poisson: lambda must be finite and >= 0, got ${lambda}`);
    if (lambda === 0) return 0;
    if (lambda < 10) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      const lhs = Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b);
      if (lhs <= -lambda + k * loglam - logFactorial(k)) return k;
    }
  }
}

/** The mulberry32 stream of `seed` (data order, subsets, augmentation, scenes). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return new Rng(() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  });
}

/** The splitmix32 stream of `seed` (corruptions, shifts, perturbations). Throws on a non-finite seed. */
export function splitmix32(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`splitmix32: seed must be a finite number, got ${seed}`);
  let state = mix32(Math.trunc(seed) >>> 0);
  return new Rng(() => {
    state = (state + 0x9e3779b9) >>> 0;
    return mix32(state) / 4294967296;
  });
}

/** Fisher–Yates shuffle in place; returns the same array. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(arr: T, rng: Rng): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const tmp = arr[i];
    arr[i] = arr[j];
    arr[j] = tmp;
  }
  return arr;
}

/** A random permutation of 0..n-1 determined by `seed`. */
export function permutation(n: number, seed: number): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, mulberry32(seed));
}

const LOG_FACT_TABLE: number[] = (() => {
  const t = [0];
  for (let i = 1; i < 256; i++) t.push(t[i - 1] + Math.log(i));
  return t;
})();

/** ln(k!) — exact table below 256, Stirling series above. */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACT_TABLE[k];
  const n = k + 1;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * n) - 1 / (360 * n * n * n);
}
