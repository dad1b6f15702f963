/**
 * `--resume` for the training commands: load `DIR/checkpoint` and refuse it when it was made with
 * different options (a resumed run must continue the same experiment).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpoint, type LoadedCheckpoint } from '../train/checkpoint.js';

/**
 * The checkpoint in `out/checkpoint`, after checking that every option in `keys` has the value it
 * had when the checkpoint was written. Throws a message naming the first mismatch (and frees the
 * loaded checkpoint) otherwise.
 */
export async function resumeCheckpoint<H, O extends object>(out: string | undefined, current: O, keys: readonly (keyof O)[]): Promise<LoadedCheckpoint<H>> {
  if (!out) throw new Error('--resume needs --out DIR with a checkpoint');
  const dir = join(out, 'checkpoint');
  if (!existsSync(join(dir, 'state.json'))) throw new Error(`--resume: no checkpoint in ${dir}`);
  const ck = await loadCheckpoint<H>(dir);
  const saved = (ck.meta.options ?? {}) as Partial<O>;
  for (const key of keys) {
    if (saved[key] !== undefined && saved[key] !== current[key]) {
      ck.model.dispose();
      ck.state.optimizerWeights?.forEach((w) => w.tensor.dispose());
      throw new Error(`--resume: the checkpoint in ${dir} was made with ${String(key)} = ${JSON.stringify(saved[key])}, not ${JSON.stringify(current[key])}`);
    }
  }
  return ck;
}
