/**
 * `--resume` for the training commands: load `DIR/checkpoint` (verified file by file) and refuse it
 * unless continuing it ends where an uninterrupted run with the current options would: every option
 * that changes results must be unchanged, the backend too, and a new `--epochs` is accepted only
 * when it is not below the epochs done and the learning rates of the epochs done stay the same.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { loadCheckpoint, type LoadedCheckpoint } from '../train/checkpoint.js';
import { learningRateAt, type ScheduleName } from '../train/schedule.js';

export interface Resumable {
  epochs: number;
  lr: number;
  schedule: ScheduleName;
}

const same = (a: unknown, b: unknown) => a === b || (a == null && b == null);
const show = (v: unknown) => (v == null ? 'unset' : JSON.stringify(v));

/** Why `current` cannot continue the checkpoint `ck`, or undefined when it can. */
export function resumeMismatch<O extends Resumable>(ck: LoadedCheckpoint<{ lr: number }>, current: O, keys: readonly (keyof O)[]): string | undefined {
  const saved = (ck.meta.options ?? {}) as Partial<O>;
  for (const key of keys) {
    if (!same(saved[key], current[key])) return `it was made with ${String(key)} = ${show(saved[key])}, not ${show(current[key])}`;
  }
  const backend = ck.meta.backend as string | undefined;
  if (backend != null && backend !== tf.getBackend()) return `it was made on the ${backend} backend, this run uses ${tf.getBackend()} (the numbers would differ)`;
  const done = ck.state.epochsDone;
  if (current.epochs < done) return `it has ${done} epochs done, more than --epochs ${current.epochs}`;
  for (let e = 0; e < done; e++) {
    const want = learningRateAt(current.schedule, current.lr, e, current.epochs);
    const had = ck.state.history[e]?.lr;
    if (had !== want) {
      return `with --epochs ${current.epochs} the ${current.schedule} schedule gives epoch ${e + 1} a learning rate of ${want}, the checkpoint trained it at ${had} (keep --epochs ${String(saved.epochs)})`;
    }
  }
  return undefined;
}

/**
 * The checkpoint in `out/checkpoint`, after checking that `current` can continue it. Throws a
 * message naming the first mismatch (and frees the loaded model) otherwise.
 */
export async function resumeCheckpoint<H extends { lr: number }, O extends Resumable>(out: string | undefined, current: O, keys: readonly (keyof O)[]): Promise<LoadedCheckpoint<H>> {
  if (!out) throw new Error('--resume needs --out DIR with a checkpoint');
  const dir = join(out, 'checkpoint');
  const ck = await loadCheckpoint<H>(dir).catch((err: Error) => {
    throw new Error(`--resume: ${err.message}`);
  });
  const why = resumeMismatch(ck, current, keys);
  if (why) {
    ck.model.dispose();
    throw new Error(`--resume: cannot continue the checkpoint in ${dir}: ${why}`);
  }
  return ck;
}
