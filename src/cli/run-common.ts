/**
 * What the classification and segmentation runners share: the LiftPool options they pass to the
 * model builders, the run-control options (output directory, resume, interrupts, progress), the
 * resume notice, and the checkpoint hooks they hand to the training loop.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ConstraintForm } from '../lifting/index.js';
import type { TrainState } from '../train/loop.js';
import type { ProgressReporter } from './progress.js';
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
