/**
 * What `eval` and `segment eval` know about a saved model before loading it: the directory and its
 * model.json exist, results.json (when there) is valid, describes the files beside it, and says the
 * model is of the kind the command evaluates and which dataset it was trained on.
 */
import type * as tf from '@tensorflow/tfjs';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile } from '../io/read-json.js';
import type { Manifest } from '../io/manifest.js';
import { RESULTS_FILE, verifyRunOutputs } from './run-dir.js';

export type ModelKind = 'classifier' | 'segmentation';

const COMMAND: Record<ModelKind, string> = { classifier: 'liftpool eval', segmentation: 'liftpool segment eval' };
const TRAINER: Record<ModelKind, string> = { classifier: 'liftpool train', segmentation: 'liftpool segment train' };

export interface TrainedRecord {
  dataset?: string;
  arch?: string;
  downUp?: string;
  testSize?: number;
  testScenes?: number;
  testSceneSeed?: number;
  files?: Manifest;
}

/** The results.json of model directory `dir` ({} when it has none), after the checks above. */
export function readTrainedRecord(dir: string, kind: ModelKind): TrainedRecord {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--model ${dir}: no such directory`);
  if (!existsSync(join(dir, 'model.json'))) throw new Error(`no saved model in ${dir}: model.json is missing (${TRAINER[kind]} --out ${dir} makes one)`);
  const path = join(dir, RESULTS_FILE);
  if (!existsSync(path)) return {};
  const rec = readJsonFile<TrainedRecord>(path);
  const other: ModelKind = kind === 'classifier' ? 'segmentation' : 'classifier';
  const isOther = kind === 'classifier' ? rec.downUp != null && rec.arch == null : rec.arch != null && rec.downUp == null;
  if (isOther) throw new Error(`${dir} holds a ${other} model (made by ${TRAINER[other]}); evaluate it with ${COMMAND[other]}`);
  verifyRunOutputs(dir, rec);
  return rec;
}

/** Throws when the model's output is not what `kind` produces (for directories without results.json). */
export function checkModelKind(model: tf.LayersModel, dir: string, kind: ModelKind): void {
  const rank = model.outputs[0].shape.length;
  const got: ModelKind = rank === 4 ? 'segmentation' : 'classifier';
  if (got !== kind) throw new Error(`${dir} holds a ${got} model (output rank ${rank}); evaluate it with ${COMMAND[got]}`);
}

/** The dataset to evaluate on: the requested one, which must be the one the model was trained on when results.json says. */
export function evalDataset<D extends string>(dir: string, rec: TrainedRecord, requested: D | undefined): D {
  if (requested && rec.dataset && requested !== rec.dataset) {
    throw new Error(`the model in ${dir} was trained on ${rec.dataset} (${RESULTS_FILE}); refusing to score it on --dataset ${requested}`);
  }
  const d = (requested ?? rec.dataset) as D | undefined;
  if (!d) throw new Error(`--dataset is required: ${dir} has no ${RESULTS_FILE} saying which dataset the model was trained on`);
  return d;
}
