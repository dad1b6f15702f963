/**
 * The one training loop behind classification and segmentation. A task supplies the batches of an
 * epoch, one optimizer step, the progress record, the epoch record and its evaluation; the loop owns
 * the optimizer (Adam or momentum SGD), the per-epoch learning-rate schedule, the running sums,
 * divergence checks, checkpoint hooks, interruption and resumption — at an epoch boundary or in the
 * middle of an epoch, bit-exact either way (the optimizer's whole state is saved, see
 * optimizer-state.ts; batch order and augmentation are seeded per epoch).
 */
import * as tf from '@tensorflow/tfjs';
import { learningRateAt, type ScheduleName } from './schedule.js';
import { captureOptimizer, makeOptimizer, restoreOptimizer, setLearningRate, type OptimizerName, type SavedOptimizer } from './optimizer-state.js';

/** Running sums of an epoch: `loss` (Σ batch loss × batch size), `seen` (samples) and the task's own. */
export type EpochSums = Record<string, number>;

/** The state of an epoch stopped after `batchesDone` batches. */
export interface PartialEpoch {
  batchesDone: number;
  sums: EpochSums;
  seconds: number;
  cpuSeconds: number;
  /** The task's own state of the epoch (see {@link TrainingTask.epochExtra}). */
  extra?: unknown;
}

/** What a checkpoint stores to resume training; `H` is the per-epoch record of the task. */
export interface TrainState<H> {
  epochsDone: number;
  history: H[];
  /** The optimizer's complete state (absent before the first step of a run). */
  optimizer?: SavedOptimizer;
  /** Progress inside epoch `epochsDone` when the run was interrupted mid-epoch. */
  partial?: PartialEpoch;
}

export interface StepResult {
  /** Mean loss of the batch. */
  loss: number;
  /** Samples in the batch. */
  size: number;
  /** Amounts added to the task's running sums. */
  add: EpochSums;
}

export interface EpochTiming {
  epoch: number;
  lr: number;
  seconds: number;
  cpuSeconds: number;
}

export interface TrainingTask<B, H, P> {
  numBatches: number;
  /** The batches of epoch `epoch` (0-based) in training order. */
  batches(epoch: number): Iterable<B>;
  /** One optimizer step on `batch` (must leave no tensors behind). */
  step(optimizer: tf.Optimizer, vars: tf.Variable[], batch: B): StepResult;
  /** The progress record after `batch` (1-based) of `epoch`. */
  progress(epoch: number, batch: number, sums: EpochSums, seconds: number): P;
  /** The epoch record from its sums, before evaluation. */
  epochStats(sums: EpochSums, t: EpochTiming): H;
  /** Evaluate after epoch `epoch` and write the test fields into `stats`. */
  evaluate?(stats: H, epoch: number, last: boolean): void;
  /** Called when epoch `epoch` starts, or resumes with what {@link epochExtra} returned at the interruption. */
  startEpoch?(epoch: number, extra?: unknown): void;
  /** Called after batch `batch` (1-based) of `epoch`. */
  afterBatch?(epoch: number, batch: number): void;
  /** The task's state of the epoch in progress that a mid-epoch checkpoint keeps (JSON-serialisable). */
  epochExtra?(): unknown;
  /** Free what the task holds; called once when the loop ends. */
  dispose?(): void;
}

/** The value of a scalar tensor a training step kept (`tf.keep`), which it then disposes. */
export function takeScalar(t: tf.Tensor): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

/** The caller's hooks into the loop, shared by every task's training options (`H`: per-epoch record, `P`: batch progress). */
export interface LoopHooks<H, P> {
  /** Called after every batch. */
  onBatch?: (p: P) => void;
  /** Called after every epoch (after evaluation) with what a checkpoint needs; may save one. */
  onEpoch?: (stats: H, state: TrainState<H>) => Promise<void> | void;
  /** Asked after every batch: when it returns true the loop stops (see {@link TrainingInterrupted}). */
  shouldStop?: () => boolean;
  /** Called with the state of an epoch stopped in the middle (before {@link TrainingInterrupted} is thrown). */
  onInterrupt?: (state: TrainState<H>) => Promise<void> | void;
  /** Resume: the state saved by a previous run (epochs done, history, optimizer state, partial epoch). */
  resume?: TrainState<H>;
}

export interface LoopOptions<H, P> extends LoopHooks<H, P> {
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer?: OptimizerName;
  /** SGD momentum (default 0.9). */
  momentum?: number;
  schedule: ScheduleName;
}

export interface LoopResult<H> {
  history: H[];
  trainSeconds: number;
  imagesPerSecond: number;
}

/** Thrown when `shouldStop()` asked the loop to stop; the state was handed to `onEpoch`/`onInterrupt` first. */
export class TrainingInterrupted extends Error {
  constructor(readonly epochsDone: number, readonly batchesDone: number) {
    super(`training interrupted after epoch ${epochsDone}${batchesDone ? `, batch ${batchesDone} of the next` : ''}`);
    this.name = 'TrainingInterrupted';
  }
}

export function checkLoopOptions(o: { epochs: number; batchSize: number; lr: number }): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new Error(`epochs must be a positive integer, got ${o.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`batch size must be a positive integer, got ${o.batchSize}`);
  if (!(o.lr > 0)) throw new Error(`learning rate must be > 0, got ${o.lr}`);
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
}

export async function runTrainingLoop<B, H, P>(model: tf.LayersModel, task: TrainingTask<B, H, P>, opts: LoopOptions<H, P>): Promise<LoopResult<H>> {
  const resume = opts.resume;
  let optimizer: tf.Optimizer | undefined;
  const history: H[] = resume ? [...resume.history] : [];
  let trainSeconds = 0;
  let trainImages = 0;
  try {
    checkLoopOptions(opts);
    if (resume && resume.epochsDone > opts.epochs) throw new Error(`the checkpoint has ${resume.epochsDone} epochs done, more than the ${opts.epochs} asked for`);
    optimizer = makeOptimizer(opts.optimizer ?? 'adam', opts.lr, opts.momentum ?? 0.9);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    if (resume?.optimizer) await restoreOptimizer(optimizer, resume.optimizer);
    for (let epoch = resume?.epochsDone ?? 0; epoch < opts.epochs; epoch++) {
      const lr = learningRateAt(opts.schedule, opts.lr, epoch, opts.epochs);
      setLearningRate(optimizer, lr);
      const partial = resume?.partial && epoch === resume.epochsDone ? resume.partial : undefined;
      const sums: EpochSums = partial ? { ...partial.sums } : { loss: 0, seen: 0 };
      const skip = partial?.batchesDone ?? 0;
      task.startEpoch?.(epoch, partial?.extra);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const elapsed = () => (partial?.seconds ?? 0) + (performance.now() - t0) / 1000;
      const cpu = () => (partial?.cpuSeconds ?? 0) + cpuSecondsSince(c0);
      let b = 0;
      for (const batch of task.batches(epoch)) {
        if (b < skip) {
          b++;
          continue;
        }
        const r = task.step(optimizer, vars, batch);
        for (const [k, v] of Object.entries(r.add)) sums[k] = (sums[k] ?? 0) + v;
        sums.loss += r.loss * r.size;
        sums.seen += r.size;
        b++;
        task.afterBatch?.(epoch, b);
        if (!Number.isFinite(r.loss)) throw new Error(`training diverged: loss is ${r.loss} at epoch ${epoch + 1}, batch ${b} (try a lower learning rate)`);
        opts.onBatch?.(task.progress(epoch, b, sums, elapsed()));
        // A turn of the event loop, so that signal handlers (which set what shouldStop reads) can run.
        if (opts.shouldStop) await new Promise((resolve) => setImmediate(resolve));
        if (b < task.numBatches && opts.shouldStop?.()) {
          const state: TrainState<H> = {
            epochsDone: epoch, history: [...history], optimizer: await captureOptimizer(optimizer),
            partial: { batchesDone: b, sums: { ...sums }, seconds: elapsed(), cpuSeconds: cpu(), extra: task.epochExtra?.() },
          };
          await opts.onInterrupt?.(state);
          throw new TrainingInterrupted(epoch, b);
        }
      }
      const seconds = elapsed();
      const cpuSeconds = cpu();
      trainSeconds += seconds - (partial?.seconds ?? 0);
      trainImages += sums.seen - (partial?.sums.seen ?? 0);
      const stats = task.epochStats(sums, { epoch: epoch + 1, lr, seconds, cpuSeconds });
      task.evaluate?.(stats, epoch, epoch === opts.epochs - 1);
      history.push(stats);
      if (opts.onEpoch) await opts.onEpoch(stats, { epochsDone: epoch + 1, history: [...history], optimizer: await captureOptimizer(optimizer) });
      if (epoch + 1 < opts.epochs && opts.shouldStop?.()) throw new TrainingInterrupted(epoch + 1, 0);
    }
  } finally {
    optimizer?.dispose();
    task.dispose?.();
  }
  return { history, trainSeconds, imagesPerSecond: trainImages / Math.max(trainSeconds, 1e-9) };
}
