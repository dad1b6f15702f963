/**
 * The output directory of one training run as the CLI uses it: checked and locked before training
 * ({@link openOutDir}), a checkpoint after every epoch (and at an interruption), and the final
 * outputs written as a unit: the results file, written last, records the size and SHA-256 of every
 * other output and is removed before training starts, so a directory never pairs new weights with
 * old results. Readers check the record ({@link verifyRunOutputs}).
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileIO } from '../io/file-io.js';
import { writeFileAtomic } from '../io/atomic.js';
import { manifestOf, verifyManifest, type Manifest } from '../io/manifest.js';
import { checkFreeSpace, openOutDir, type OutDirLock } from '../io/out-dir.js';
import { checkpointExists, findCheckpoint, removeStaleCheckpoints, saveCheckpoint, type CheckpointMeta } from '../train/checkpoint.js';
import type { TrainState } from '../train/loop.js';
import { VERSION } from '../version.js';

export const RESULTS_FILE = 'results.json';

export interface RunDirOptions {
  resume?: boolean;
  force?: boolean;
  /** Refuse a directory holding a run unless `resume` or `force` (the CLI); otherwise replace it (demo, sweep). */
  refuseExisting?: boolean;
  /** Output files besides results.json, model.json and weights.bin. */
  extraOutputs?: readonly string[];
}

function noSpace(err: unknown, what: string): never {
  if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new Error(`no space left on the device while writing ${what}`);
  throw err;
}

export class RunDir {
  readonly checkpoint: string;
  private constructor(readonly dir: string, private readonly lock: OutDirLock, private readonly meta: CheckpointMeta) {
    this.checkpoint = join(dir, 'checkpoint');
  }

  /** Check and lock `dir` (before any data loading or training). */
  static open(dir: string, o: RunDirOptions, options: object): RunDir {
    const outputs = [RESULTS_FILE, 'model.json', 'weights.bin', 'eval.json', ...(o.extraOutputs ?? [])];
    const lock = openOutDir(dir, {
      resume: o.resume, force: o.force || (!o.refuseExisting && !o.resume), outputs,
      hasCheckpoint: (d) => {
        const ck = join(d, 'checkpoint');
        if (!checkpointExists(ck)) return false;
        // A save interrupted between its renames: put the complete copy back as DIR/checkpoint.
        if (!existsSync(ck)) findCheckpoint(ck);
        return true;
      },
      removeCheckpoint: (d) => {
        removeStaleCheckpoints(join(d, 'checkpoint'));
        rmSync(join(d, 'checkpoint'), { recursive: true, force: true });
      },
    });
    // A fresh run: what is left of a checkpoint that never became complete goes.
    if (!o.resume) removeStaleCheckpoints(join(dir, 'checkpoint'));
    return new RunDir(dir, lock, { options, backend: tf.getBackend(), liftpoolVersion: VERSION });
  }

  /** Throw when the disk cannot hold the checkpoints and outputs of `model`; then drop the old results. */
  begin(model: tf.LayersModel): void {
    const weightBytes = model.weights.reduce((n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1) * 4, 0);
    // Two checkpoints at a time (model + two Adam slots each) and the final model, plus JSON and PNG files.
    checkFreeSpace(this.dir, 7 * weightBytes + 2 ** 20);
    rmSync(join(this.dir, RESULTS_FILE), { force: true });
  }

  async save<H>(model: tf.LayersModel, state: TrainState<H>): Promise<void> {
    await saveCheckpoint(this.checkpoint, model, state, this.meta);
  }

  /** Write the model, the extra files, then the results with the record of them all. */
  async finish(model: tf.LayersModel, extra: Record<string, string | Uint8Array>, results: object): Promise<void> {
    try {
      await model.save(fileIO(this.dir));
      for (const [name, data] of Object.entries(extra)) writeFileAtomic(join(this.dir, name), data);
      const files = manifestOf(this.dir, ['model.json', 'weights.bin', ...Object.keys(extra)]);
      writeFileAtomic(join(this.dir, RESULTS_FILE), JSON.stringify({ ...results, files }, null, 2));
    } catch (err) {
      noSpace(err, `the outputs in ${this.dir} (the checkpoint is intact: --resume writes them again)`);
    }
  }

  release(): void {
    this.lock.release();
  }
}

/** Check the files a results record lists (when it lists them): a mismatch is an error naming the file. */
export function verifyRunOutputs(dir: string, results: { files?: Manifest }): void {
  if (results.files) verifyManifest(dir, results.files, `the run in ${dir} is inconsistent (${RESULTS_FILE} does not describe its files)`);
}

/** Whether `dir` holds a saved model. */
export function hasModel(dir: string): boolean {
  return existsSync(join(dir, 'model.json'));
}
