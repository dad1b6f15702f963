/**
 * Find the result files of `liftpool train` / `sweep`, `segment train` and `robustness --json` below
 * some directories and sort them by kind (recognised by their fields, whatever the file is called:
 * `results.json`, or copies such as `max-seed0.json`). Other JSON files (tables, checkpoints, eval
 * output, benchmarks) are ignored. A run found twice (e.g. in runs/ and in a copy under docs/) counts once.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Provenance every result file carries. */
export interface Provenance {
  command: string;
  date: string;
  liftpoolVersion?: string;
  backend?: string;
}

/** The fields of a classification results.json the report uses. */
export interface ClassificationRecord extends Provenance {
  dataset: string;
  arch: string;
  pool: string;
  seed: number;
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer?: string;
  schedule?: string;
  width: number;
  trainSize: number;
  testSize: number;
  testError: number;
  testAccuracy: number;
  params: number;
  imagesPerSecond: number;
  history: { epoch: number; testAccuracy?: number; trainAccuracy?: number; trainLoss?: number }[];
}

/** The fields of a segmentation results.json the report uses. */
export interface SegmentationRecord extends Provenance {
  dataset: string;
  downUp: string;
  seed: number;
  epochs: number;
  batchSize: number;
  lr: number;
  width: number;
  depth: number;
  sceneSize: number;
  trainScenes: number;
  testScenes: number;
  /** Mean IoU over classes with a defined IoU, background included. */
  mIoU: number;
  /** The same, background left out. */
  mIoUNoBackground: number;
  pixelAccuracy: number;
  params: number;
  imagesPerSecond: number;
  history: { epoch: number; testMIoU?: number; testMIoUNoBackground?: number }[];
}

/** One model's numbers in a robustness JSON. */
export interface RobustnessModelRecord {
  dir: string;
  arch: string | null;
  pool: string | null;
  trainSeed: number | null;
  width: number | null;
  n: number;
  seed: number;
  cleanError: number;
  corruptionErrors: Record<string, number[]>;
  errorPerCorruption: Record<string, number>;
  meanCorruptionError: number;
  severities: number[];
  shift: { maxShift: number; mode: string; consistency: number } | null;
  flipRate: Record<string, number>;
  meanFlipRate: number;
  sequenceLength: number;
}

/** The fields of a `liftpool robustness --json` file the report uses. */
export interface RobustnessRecord extends Provenance {
  dataset: string;
  testSize: number;
  seed: number;
  corruptions: string[];
  model: RobustnessModelRecord;
}

export interface Found<T> {
  /** Path of the JSON file. */
  file: string;
  data: T;
  /** A PNG of predictions next to a segmentation result (predictions.png or predictions-<x>.png for results-<x>.json). */
  sheet?: string;
}

export interface Collected {
  classification: Found<ClassificationRecord>[];
  segmentation: Found<SegmentationRecord>[];
  robustness: Found<RobustnessRecord>[];
  /** JSON files that could not be parsed (with the reason): left out, not fatal. */
  unreadable: string[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Json, ...keys: string[]) => keys.every((k) => k in o);

export type ResultKind = keyof Collected;

/** Which kind of result a parsed JSON file is, or null when it is none of them. */
export function resultKind(j: unknown): ResultKind | null {
  if (!isObj(j) || !has(j, 'command', 'date')) return null;
  if (has(j, 'arch', 'pool', 'seed', 'testError', 'history', 'epochs') && Array.isArray(j.history)) return 'classification';
  if (has(j, 'downUp', 'seed', 'mIoU', 'mIoUNoBackground', 'history', 'epochs') && Array.isArray(j.history)) return 'segmentation';
  if (isObj(j.model) && has(j.model, 'corruptionErrors', 'cleanError') && has(j, 'dataset', 'testSize')) return 'robustness';
  return null;
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'node_modules' || name === 'checkpoint') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

function sheetFor(file: string): string | undefined {
  const name = basename(file);
  const m = /^results(.*)\.json$/.exec(name);
  const candidates = m ? [`predictions${m[1]}.png`, 'predictions.png'] : ['predictions.png'];
  for (const c of candidates) {
    const p = join(dirname(file), c);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Every result file below `dirs` (each a directory or a single JSON file), sorted by kind. */
export function collectResults(dirs: readonly string[]): Collected {
  const out: Collected = { classification: [], segmentation: [], robustness: [], unreadable: [] };
  const seen = new Set<string>();
  for (const d of dirs) {
    if (!existsSync(d)) throw new Error(`no such file or directory: ${d}`);
    const files = statSync(d).isDirectory() ? jsonFiles(d) : [d];
    for (const file of files) {
      let j: unknown;
      try {
        j = JSON.parse(readFileSync(file, 'utf8'));
      } catch (err) {
        out.unreadable.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      }
      const kind = resultKind(j);
      if (!kind) continue;
      const rec = j as Provenance;
      const key = `${kind}|${rec.command}|${rec.date}`;
      if (seen.has(key) || seen.has(resolve(file))) continue;
      seen.add(key);
      seen.add(resolve(file));
      if (kind === 'segmentation') out.segmentation.push({ file, data: j as SegmentationRecord, sheet: sheetFor(file) });
      else if (kind === 'classification') out.classification.push({ file, data: j as ClassificationRecord });
      else out.robustness.push({ file, data: j as RobustnessRecord });
    }
  }
  return out;
}

/** Group items by a string key, keeping first-seen order. */
export function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = m.get(k);
    if (g) g.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** Flags that name the run (seed, pool, output) or how it ran, not the recipe; recorded fields too. */
const NOT_RECIPE = new Set([
  '--seed', '--seeds', '--pool', '--pools', '--down-up', '--down-ups', '--out', '--resume', '--quiet', '--backend', '--jobs', '--json', '--baseline',
  '--model', '--dataset', '--arch', '--epochs', '--batch-size', '--lr', '--width', '--train-limit', '--test-limit', '--optimizer', '--schedule',
  '--depth', '--scene-size', '--train-scenes', '--test-scenes', '--sheet-scenes', '--label', '--task',
]);

/**
 * The recipe options of a command that its result file does not record as fields (e.g. `--lambda-u 0
 * --no-augment`), sorted, so runs of different recipes are never averaged together.
 */
export function recipeFlags(command: string): string {
  const tokens = command.trim().split(/\s+/);
  const groups: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t.startsWith('--')) continue;
    const [flag, inlineValue] = t.split('=', 2);
    const value = inlineValue ?? (i + 1 < tokens.length && !tokens[i + 1].startsWith('--') ? tokens[++i] : undefined);
    if (!NOT_RECIPE.has(flag)) groups.push(value === undefined ? flag : `${flag} ${value}`);
  }
  return groups.sort().join(' ');
}
