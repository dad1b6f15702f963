/**
 * Training throughput of the reference tiny CNN (images/s).
 *
 *   input 28x28x1 - conv3x3(16, relu, same) - conv3x3(16) - maxPool2 - conv3x3(32)
 *   - conv3x3(32) - maxPool2 - conv3x3(64) - globalAveragePool - dense(10, softmax)
 *
 * batch 64, Adam, tf.LayersModel.trainOnBatch on random data; median step time
 * after warm-up. Usage:
 *
 *   npx tsx bench/tiny-cnn-train.ts [--backend wasm|cpu|tensorflow|auto] [--steps 20]
 *       [--warmup 3] [--batch 64] [--threads 1] [--profile]
 */
import * as tf from '@tensorflow/tfjs';

import { backendInfo, useBestBackend, type BackendPreference } from '../src/backend/index.js';
import { PackedAdamOptimizer } from '../src/train/packed-adam.js';

export interface TinyCnnBenchOptions {
  backend?: BackendPreference;
  steps?: number;
  warmup?: number;
  batch?: number;
  threads?: number;
  /** Print the kernels that take the most time in one step. */
  profile?: boolean;
  log?: (line: string) => void;
}

export interface TinyCnnBenchResult {
  backend: ReturnType<typeof backendInfo>;
  batch: number;
  steps: number;
  medianStepMs: number;
  imagesPerSec: number;
  stepMs: number[];
  /**
   * Median process CPU time (user + system) per step. On a loaded machine this
   * is a steadier estimate of the uncontended step time than wall time (for
   * the single-threaded backends; with worker threads it sums all threads).
   */
  medianCpuMs: number;
  imagesPerCpuSec: number;
}

export function tinyCnn(): tf.LayersModel {
  const conv = (filters: number, extra: Partial<Parameters<typeof tf.layers.conv2d>[0]> = {}) =>
    tf.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', ...extra });
  return tf.sequential({
    layers: [
      conv(16, { inputShape: [28, 28, 1] }),
      conv(16),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(32),
      conv(32),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      conv(64),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function benchTinyCnn(opts: TinyCnnBenchOptions = {}): Promise<TinyCnnBenchResult> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const batch = opts.batch ?? 64;
  const steps = opts.steps ?? 20;
  const warmup = opts.warmup ?? 3;
  await useBestBackend(opts.backend ?? 'auto', { threads: opts.threads });
  const model = tinyCnn();
  model.compile({ optimizer: new PackedAdamOptimizer(1e-3), loss: 'categoricalCrossentropy' });
  const x = tf.randomUniform([batch, 28, 28, 1]);
  const y = tf.oneHot(tf.randomUniform([batch], 0, 10, 'int32') as tf.Tensor1D, 10);
  for (let i = 0; i < warmup; i++) await model.trainOnBatch(x, y);
  if (opts.profile) {
    const prof = await tf.profile(async () => {
      const l = await model.trainOnBatch(x, y);
      return l as number;
    });
    const byName = new Map<string, { ms: number; n: number }>();
    for (const k of prof.kernels) {
      const t = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const e = byName.get(k.name) ?? { ms: 0, n: 0 };
      e.ms += t;
      e.n += 1;
      byName.set(k.name, e);
    }
    const total = [...byName.values()].reduce((a, b) => a + b.ms, 0);
    log(`profile: ${total.toFixed(1)} ms in top-level kernels`);
    for (const [name, e] of [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
      log(`  ${name.padEnd(36)} ${e.ms.toFixed(2).padStart(8)} ms  x${e.n}`);
    }
  }
  const stepMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await model.trainOnBatch(x, y);
    stepMs.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  tf.dispose([x, y]);
  model.dispose();
  const med = median(stepMs);
  const medCpu = median(cpuMs);
  return {
    backend: backendInfo(),
    batch,
    steps,
    medianStepMs: med,
    imagesPerSec: (batch * 1000) / med,
    stepMs,
    medianCpuMs: medCpu,
    imagesPerCpuSec: (batch * 1000) / medCpu,
  };
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const res = await benchTinyCnn({
    backend: (arg('backend') as BackendPreference | undefined) ?? 'auto',
    steps: Number(arg('steps') ?? 20),
    warmup: Number(arg('warmup') ?? 3),
    batch: Number(arg('batch') ?? 64),
    threads: arg('threads') != null ? Number(arg('threads')) : undefined,
    profile: process.argv.includes('--profile'),
  });
  console.log(
    `${res.backend.name} threads=${res.backend.threads} simd=${res.backend.simd}: ` +
      `median step ${res.medianStepMs.toFixed(1)} ms over ${res.steps} steps, ` +
      `${res.imagesPerSec.toPrecision(3)} images/s (batch ${res.batch}); ` +
      `median CPU time ${res.medianCpuMs.toFixed(1)} ms/step = ${res.imagesPerCpuSec.toPrecision(3)} images/CPU-s`,
  );
}
