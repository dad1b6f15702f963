/**
 * What the classification and segmentation runners share: the LiftPool options they pass to the
 * model builders, the run-control options (output directory, resume, interrupts, progress), the
 * options a checkpoint records, where training starts (a checkpoint or a new model), the progress
 * display's lifetime, and the checkpoint hooks they hand to the training loop.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ConstraintForm } from '../lifting/index.js';
import type { TrainState } from '../train/loop.js';
import { createProgress, type ProgressReporter } from './progress.js';
import { resumeCheckpoint, type Resumable } from './resume.js';
import type { RunDir } from './run-dir.js';

/** LiftPool options of a run (undefined: the layer's defaults). */
export interface LiftRunOptions {
  liftConstraint?: ConstraintForm;
  lambdaU?: number;
  lambdaP?: number;
  liftKernelSize?: number;
}

/** Where a run writes, how it resumes and reports, and how it is stopped. */
export interface RunControlOptions {
  out?: string;
  /** Continue from `out/checkpoint` (written after every epoch when `out` is given). */
  resume?: boolean;
  /** Replace a finished or unfinished run in `out`. */
  force?: boolean;
  /** Refuse an `out` holding a run unless `resume` or `force` (the CLI; demo and sweep replace it). */
  refuseExisting?: boolean;
  /** Asked after every batch: true stops training with a checkpoint (`TrainingInterrupted`). */
  shouldStop?: () => boolean;
  quiet?: boolean;
  label?: string;
  command: string;
}

/** The options a run's checkpoint records: those that describe the run, not how it is shown or started. */
export function recordedOptions<O extends RunControlOptions>(o: O): Omit<O, 'quiet' | 'label' | 'shouldStop' | 'resume' | 'force' | 'refuseExisting'> {
  const { quiet: _q, label: _l, shouldStop: _s, resume: _r, force: _f, refuseExisting: _e, ...rest } = o;
  return rest;
}

/**
 * Where training starts: with `resume`, the checkpoint in `out` (refused unless `current` agrees with it
 * on `keys`; the notice on stderr), otherwise a new model from `build`.
 */
export async function startingPoint<H extends { lr: number }, O extends Resumable & RunControlOptions>(
  current: O, keys: readonly (keyof O)[], build: () => tf.LayersModel,
): Promise<{ model: tf.LayersModel; resume?: TrainState<H> }> {
  if (!current.resume) return { model: build() };
  const ck = await resumeCheckpoint<H, O>(current.out, current, keys);
  resumeNotice(ck.state, current.epochs, current.quiet);
  return { model: ck.model, resume: ck.state };
}

/** Run `train` with a progress display (labelled, silent when quiet) that is stopped however it ends. */
export async function withProgress<R>(o: Pick<RunControlOptions, 'label' | 'quiet'>, train: (progress: ProgressReporter) => Promise<R>): Promise<R> {
  const progress = createProgress(o.label ?? '', { quiet: o.quiet });
  try {
    return await train(progress);
  } finally {
    progress.stop();
  }
}

/** "resuming from epoch E[, batch b,] of N" on stderr (unless quiet). */
export function resumeNotice(state: TrainState<unknown>, epochs: number, quiet?: boolean): void {
  if (quiet) return;
  process.stderr.write(`resuming from epoch ${state.epochsDone}${state.partial ? `, batch ${state.partial.batchesDone},` : ''} of ${epochs}\n`);
}

/** The loop's stop hooks: ask `shouldStop`; on an interrupt, stop the progress display and checkpoint. */
export function stopHooks<H>(run: RunDir | undefined, model: tf.LayersModel, progress: ProgressReporter, shouldStop?: () => boolean) {
  return {
    shouldStop,
    onInterrupt: async (state: TrainState<H>) => {
      progress.stop();
      await run?.save(model, state);
    },
  };
}
