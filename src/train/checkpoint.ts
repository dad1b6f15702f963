/**
 * Training checkpoints in a directory: `model.json` + `weights.bin` (TF.js format, via fileIO) and
 * `state.json` + `optimizer.bin` (epochs done, history, optimizer slots, run metadata). Every file is
 * written atomically and `state.json` last, so a checkpoint is only visible once it is complete.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileIO } from '../io/file-io.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { EpochStats, TrainState } from './trainer.js';

export interface CheckpointMeta {
  [key: string]: unknown;
}

interface StateFile {
  epochsDone: number;
  history: unknown[];
  optimizer: { name: string; shape: number[]; offset: number; length: number }[];
  meta: CheckpointMeta;
}

export async function saveCheckpoint<H>(dir: string, model: tf.LayersModel, state: TrainState<H>, meta: CheckpointMeta): Promise<void> {
  await model.save(fileIO(dir));
  const entries: StateFile['optimizer'] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const { name, tensor } of state.optimizerWeights ?? []) {
    const data = (await tensor.data()) as Float32Array;
    entries.push({ name, shape: tensor.shape, offset, length: data.length });
    chunks.push(Float32Array.from(data));
    offset += data.length;
  }
  const all = new Float32Array(offset);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  writeFileAtomic(join(dir, 'optimizer.bin'), new Uint8Array(all.buffer));
  const file: StateFile = { epochsDone: state.epochsDone, history: state.history, optimizer: entries, meta };
  writeFileAtomic(join(dir, 'state.json'), JSON.stringify(file, null, 2));
}

export interface LoadedCheckpoint<H = EpochStats> {
  model: tf.LayersModel;
  state: TrainState<H>;
  meta: CheckpointMeta;
}

export async function loadCheckpoint<H = EpochStats>(dir: string): Promise<LoadedCheckpoint<H>> {
  const statePath = join(dir, 'state.json');
  if (!existsSync(statePath)) throw new Error(`no checkpoint in ${dir}: state.json is missing`);
  let file: StateFile;
  try {
    file = JSON.parse(readFileSync(statePath, 'utf8')) as StateFile;
  } catch (err) {
    throw new Error(`corrupt checkpoint ${statePath}: ${(err as Error).message}`);
  }
  if (!Number.isInteger(file.epochsDone) || !Array.isArray(file.history) || !Array.isArray(file.optimizer)) {
    throw new Error(`corrupt checkpoint ${statePath}: epochsDone, history or optimizer is missing`);
  }
  const model = await tf.loadLayersModel(fileIO(dir));
  const optPath = join(dir, 'optimizer.bin');
  const buf = existsSync(optPath) ? readFileSync(optPath) : Buffer.alloc(0);
  const floats = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
  const total = file.optimizer.reduce((n, e) => n + e.length, 0);
  if (floats.length !== total) throw new Error(`corrupt checkpoint ${optPath}: ${floats.length} values, state.json describes ${total}`);
  const optimizerWeights = file.optimizer.map((e) => ({ name: e.name, tensor: tf.tensor(floats.subarray(e.offset, e.offset + e.length), e.shape) }));
  return { model, state: { epochsDone: file.epochsDone, history: file.history as H[], optimizerWeights }, meta: file.meta };
}
