/**
 * Training checkpoints as one unit. A checkpoint is a directory — `model.json` + `weights.bin`
 * (TF.js format), `optimizer.bin` (the optimizer's slot values), `state.json` (epochs done, history,
 * partial epoch, optimizer scalars, run metadata) and `manifest.json` (size and SHA-256 of each,
 * written last). It is written complete under a temporary name beside the target and then renamed
 * into place; the previous checkpoint is moved aside first and deleted after. Loading verifies every
 * file against the manifest; when a crash fell between the two renames, the newest complete copy is
 * put back in place.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileIO } from '../io/file-io.js';
import { fsyncDir, writeFileAtomic } from '../io/atomic.js';
import { manifestOf, verifyManifest, type Manifest } from '../io/manifest.js';
import { readJsonFile } from '../io/read-json.js';
import { faultPoint } from '../io/fault.js';
import type { PartialEpoch, TrainState } from './loop.js';
import type { OptimizerName, SavedOptimizer } from './optimizer-state.js';

export interface CheckpointMeta {
  [key: string]: unknown;
}

const FORMAT = 2;
const FILES = ['model.json', 'weights.bin', 'optimizer.bin', 'state.json'] as const;

interface StateFile {
  format: number;
  epochsDone: number;
  history: unknown[];
  partial?: PartialEpoch;
  optimizer?: { kind: OptimizerName; iterations: number; accBeta?: [number, number]; slots: { name: string; shape: number[]; offset: number; length: number }[] };
  meta: CheckpointMeta;
}

export interface LoadedCheckpoint<H> {
  model: tf.LayersModel;
  state: TrainState<H>;
  meta: CheckpointMeta;
  /** The directory it was loaded from. */
  dir: string;
}

/** Temporary siblings of checkpoint `dir`: `.NAME.new-PID` (being written) and `.NAME.old-PID` (being replaced). */
function siblings(dir: string): string[] {
  const parent = dirname(dir);
  const prefix = `.${basename(dir)}.`;
  if (!existsSync(parent)) return [];
  return readdirSync(parent).filter((n) => n.startsWith(prefix) && /\.(new|old)-\d+$/.test(n)).map((n) => join(parent, n));
}

/** Remove the temporary copies of checkpoint `dir` that an interrupted save left behind. */
export function removeStaleCheckpoints(dir: string): void {
  for (const s of siblings(dir)) rmSync(s, { recursive: true, force: true });
}

function isComplete(dir: string): boolean {
  try {
    verifyCheckpoint(dir);
    return true;
  } catch {
    return false;
  }
}

/** Whether `dir` or a complete copy of it (left by a save interrupted between its renames) exists. */
export function checkpointExists(dir: string): boolean {
  return existsSync(dir) || siblings(dir).some(isComplete);
}

export async function saveCheckpoint<H>(dir: string, model: tf.LayersModel, state: TrainState<H>, meta: CheckpointMeta): Promise<void> {
  removeStaleCheckpoints(dir);
  const parent = dirname(dir);
  const staging = join(parent, `.${basename(dir)}.new-${process.pid}`);
  const old = join(parent, `.${basename(dir)}.old-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  try {
    await model.save(fileIO(staging));
    const opt = state.optimizer;
    const total = opt ? opt.slots.reduce((n, s) => n + s.values.length, 0) : 0;
    const all = new Float32Array(total);
    const slots: NonNullable<StateFile['optimizer']>['slots'] = [];
    let offset = 0;
    for (const s of opt?.slots ?? []) {
      all.set(s.values, offset);
      slots.push({ name: s.name, shape: s.shape, offset, length: s.values.length });
      offset += s.values.length;
    }
    writeFileAtomic(join(staging, 'optimizer.bin'), new Uint8Array(all.buffer));
    const file: StateFile = {
      format: FORMAT, epochsDone: state.epochsDone, history: state.history, partial: state.partial,
      optimizer: opt && { kind: opt.kind, iterations: opt.iterations, accBeta: opt.accBeta, slots }, meta,
    };
    writeFileAtomic(join(staging, 'state.json'), JSON.stringify(file, null, 2));
    writeFileAtomic(join(staging, 'manifest.json'), JSON.stringify(manifestOf(staging, FILES), null, 2));
    fsyncDir(staging);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOSPC') throw new Error(`no space left on the device of ${parent} while writing a checkpoint; the previous checkpoint is intact`);
    throw err;
  }
  faultPoint('checkpoint staged');
  if (existsSync(dir)) {
    renameSync(dir, old);
    faultPoint('previous checkpoint moved aside');
  }
  renameSync(staging, dir);
  fsyncDir(parent);
  faultPoint('new checkpoint in place');
  rmSync(old, { recursive: true, force: true });
}

function progressOf(dir: string): number {
  const s = readJsonFile<StateFile>(join(dir, 'state.json'));
  return s.epochsDone * 1e9 + (s.partial?.batchesDone ?? 0);
}

function verifyCheckpoint(dir: string): void {
  const mpath = join(dir, 'manifest.json');
  if (!existsSync(mpath)) {
    if (existsSync(join(dir, 'state.json'))) throw new Error(`the checkpoint in ${dir} has no manifest.json (written by an older liftpool, or incomplete); it cannot be resumed — start over with --force`);
    throw new Error(`incomplete checkpoint in ${dir}: manifest.json is missing`);
  }
  verifyManifest(dir, readJsonFile<Manifest>(mpath), `corrupt checkpoint in ${dir}`);
}

/**
 * The checkpoint in `dir`, checked file by file. When `dir` itself is missing because a save was
 * interrupted between its renames, the most advanced complete copy is renamed back into place first.
 * The other copies are then removed (call it while holding the run directory's lock).
 */
export function findCheckpoint(dir: string): string {
  if (existsSync(dir)) {
    verifyCheckpoint(dir);
    removeStaleCheckpoints(dir);
    return dir;
  }
  const complete = siblings(dir).filter(isComplete);
  if (complete.length === 0) throw new Error(`no checkpoint in ${dir}`);
  complete.sort((a, b) => progressOf(b) - progressOf(a));
  renameSync(complete[0], dir);
  fsyncDir(dirname(dir));
  removeStaleCheckpoints(dir);
  return dir;
}

export async function loadCheckpoint<H>(dir: string): Promise<LoadedCheckpoint<H>> {
  findCheckpoint(dir);
  const statePath = join(dir, 'state.json');
  const file = readJsonFile<StateFile>(statePath);
  if (file.format !== FORMAT || !Number.isInteger(file.epochsDone) || !Array.isArray(file.history)) {
    throw new Error(`corrupt checkpoint ${statePath}: format, epochsDone or history is missing`);
  }
  let optimizer: SavedOptimizer | undefined;
  if (file.optimizer) {
    const buf = readFileSync(join(dir, 'optimizer.bin'));
    const floats = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
    const total = file.optimizer.slots.reduce((n, e) => n + e.length, 0);
    if (floats.length !== total) throw new Error(`corrupt checkpoint ${join(dir, 'optimizer.bin')}: ${floats.length} values, state.json describes ${total}`);
    optimizer = {
      kind: file.optimizer.kind, iterations: file.optimizer.iterations, accBeta: file.optimizer.accBeta,
      slots: file.optimizer.slots.map((e) => ({ name: e.name, shape: e.shape, values: floats.slice(e.offset, e.offset + e.length) })),
    };
  }
  const model = await tf.loadLayersModel(fileIO(dir));
  return { model, state: { epochsDone: file.epochsDone, history: file.history as H[], optimizer, partial: file.partial }, meta: file.meta, dir };
}
