/** Timing helpers of the benchmarks (`liftpool bench`, bench/*.ts); here, not in bench/, because the published CLI uses them. */
import * as tf from '@tensorflow/tfjs';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median ms of `fn` (which returns tensors to read back and dispose) over `reps` runs after `warmup`. */
export function timeMs(fn: () => tf.Tensor[], reps: number, warmup = 1): number {
  const ts: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const t0 = performance.now();
    const out = fn();
    for (const t of out) t.dataSync();
    const dt = performance.now() - t0;
    tf.dispose(out);
    if (i >= warmup) ts.push(dt);
  }
  return median(ts);
}
