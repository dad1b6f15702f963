/** `liftpool robustness` (corruptions, shift consistency, flip rates of a saved model) and `liftpool corruptions`. */
import { Command, Option } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import '../../layers/index.js';
import { loadDataset, padDataset, subsetBalanced, toFloat32, type Dataset, type DatasetName } from '../../data/index.js';
import { CORRUPTIONS, CORRUPTION_CATEGORY, type CorruptionName } from '../../data/corruptions.js';
import { PERTURBATIONS } from '../../data/perturbations.js';
import { paramCount } from '../../models/index.js';
import { compareRobustness, evaluateRobustness, type RobustnessResult } from '../../train/robustness.js';
import { corruptionContactSheet } from '../../report/contact-sheet.js';
import { markdownTable } from '../../report/markdown.js';
import { fileIO } from '../../io/file-io.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { commandLine, provenance } from '../provenance.js';
import { verifyRunOutputs } from '../run-dir.js';
import type { Manifest } from '../../io/manifest.js';
import { addOptions } from '../options/define.js';
import { dataOptions, type DataValues } from '../options/data.js';
import { int, list } from '../options/parsers.js';
import { recipeOptions, type RecipeValues } from '../options/recipe.js';
import { backendOption, runControlOptions, selectBackend, type RunControlValues } from '../options/run-control.js';

interface TrainedInfo {
  dataset?: DatasetName;
  arch?: string;
  pool?: string;
  seed?: number;
  width?: number;
  testError?: number;
}

interface LoadedModel {
  dir: string;
  /** Absent for a baseline read from an earlier robustness JSON. */
  model?: tf.LayersModel;
  info: TrainedInfo;
  /** For a baseline read from JSON: the file, its result and the size of its test set. */
  fromJson?: string;
  result?: RobustnessResult;
  params?: number | null;
  testSize?: number;
  testLimit?: number | null;
}

/** The `model` entry of an earlier `liftpool robustness --json` file, to reuse as a baseline. */
function loadBaselineJson(file: string): LoadedModel {
  let j: { dataset?: DatasetName; testSize?: number; testLimit?: number | null; model?: RobustnessResult & { dir: string; arch: string | null; pool: string | null; trainSeed: number | null; width: number | null; params: number | null } };
  try {
    j = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--baseline ${file} is neither a model directory nor a robustness JSON file (${err instanceof Error ? err.message : String(err)})`);
  }
  const m = j.model;
  if (!m || typeof m !== 'object' || !m.corruptionErrors || m.cleanError === undefined) throw new Error(`--baseline ${file} is not the --json output of \`liftpool robustness\``);
  return {
    dir: m.dir, fromJson: file, result: m, params: m.params, testSize: j.testSize, testLimit: j.testLimit ?? null,
    info: { dataset: j.dataset, arch: m.arch ?? undefined, pool: m.pool ?? undefined, seed: m.trainSeed ?? undefined, width: m.width ?? undefined },
  };
}

type SavedModel = LoadedModel & { model: tf.LayersModel };

async function loadSavedModel(dir: string, what: string): Promise<SavedModel> {
  if (!existsSync(dir)) throw new Error(`${what} directory '${dir}' does not exist`);
  if (!existsSync(join(dir, 'model.json'))) throw new Error(`${what} directory '${dir}' has no model.json (expected the output of \`liftpool train --out DIR\`)`);
  const resultsPath = join(dir, 'results.json');
  const info = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as TrainedInfo) : {};
  // The files results.json describes must be the files beside it (a model half-overwritten by another run is refused).
  verifyRunOutputs(dir, info as { files?: Manifest });
  const model = await tf.loadLayersModel(fileIO(dir));
  return { dir, model, info };
}

/** The test split, class-balanced subset (seed 0, as in `train` / `eval`), zero-padded to the model input. */
async function testSet(dataset: DatasetName, limit: number | undefined, model: tf.LayersModel): Promise<Dataset> {
  let test = await loadDataset(dataset, 'test');
  if (limit) test = subsetBalanced(test, limit, 0);
  const [h, w] = model.inputs[0].shape.slice(1, 3) as number[];
  if (h !== test.height || w !== test.width) {
    if (h !== w || h < test.height) throw new Error(`the model expects ${h}x${w} inputs; ${dataset} images are ${test.height}x${test.width}`);
    test = padDataset(test, h);
  }
  return test;
}

const pct = (v: number | null | undefined) => (v == null ? 'n/a' : `${(100 * v).toFixed(2)}%`);
const num = (v: number | null | undefined, d = 3) => (v == null ? 'n/a' : v.toFixed(d));

function describe(m: LoadedModel): string {
  const i = m.info;
  return i.arch ? `${i.arch}${i.width != null && i.width !== 1 ? `×${i.width}` : ''} pool=${i.pool ?? '?'} seed=${i.seed ?? '?'}` : m.dir;
}

type RobustnessValues = { model: string; baseline?: string; corruptions?: CorruptionName[]; shift: number; sequenceLength: number; json?: string }
  & Partial<Pick<DataValues, 'dataset' | 'testLimit'>> & Pick<RecipeValues, 'seed' | 'batchSize'> & Pick<RunControlValues, 'quiet' | 'backend'>;

export function robustnessCommand(): Command {
  const cmd = new Command('robustness')
    .description('evaluate a saved classifier under corruptions (errors, CE/mCE vs a baseline), random shifts (consistency) and perturbation sequences (flip rates)')
    .requiredOption('--model <dir>', 'directory with model.json and weights.bin (from `liftpool train --out DIR`)')
    .option('--baseline <dir|json>', 'baseline model (e.g. max pooling) for CE, mCE, relative mCE and flip-rate ratios: a model DIR, evaluated the same way, or the --json FILE of an earlier robustness run of it with the same settings (saves evaluating it again)');
  return addOptions(cmd,
    dataOptions({ dataset: undefined, testLimit: undefined }, {
      dataset: 'dataset (default: the one the model was trained on)', testLimit: 'use a class-balanced subset of N test images (the same subset as train/eval)',
    }),
    recipeOptions({ seed: 0 }, { seed: 'seed of the corruptions, shifts and perturbation sequences' }),
    new Option('--corruptions <list>', `comma-separated corruptions (default: all ${CORRUPTIONS.length})`).argParser(list(CORRUPTIONS)),
    new Option('--shift <k>', 'largest shift (px) of the shift-consistency test: zero-padded shifts in [-k, k]; 0 skips it').default(3).argParser(int(0)),
    new Option('--sequence-length <n>', 'frames per perturbation sequence').default(10).argParser(int(2)),
    recipeOptions({ batchSize: 256 }, { batchSize: 'images per predict call' }),
    new Option('--json <file>', 'write every number to this JSON file'),
    runControlOptions({ quiet: false }, { quiet: 'no progress output' }),
    backendOption(),
  )
    .action(async (o: RobustnessValues) => {
      const command = commandLine();
      const t0 = performance.now();
      const backend = await selectBackend(o.backend);
      const main = await loadSavedModel(o.model, '--model');
      const baseFile = o.baseline && existsSync(o.baseline) && statSync(o.baseline).isFile() ? loadBaselineJson(o.baseline) : undefined;
      const baseDir = o.baseline && !baseFile ? await loadSavedModel(o.baseline, '--baseline') : undefined;
      const base: LoadedModel | undefined = baseDir ?? baseFile;
      const dataset = o.dataset ?? main.info.dataset;
      if (!dataset) throw new Error(`--dataset is required: ${join(o.model, 'results.json')} does not say which dataset the model was trained on`);
      if (base?.info.dataset && base.info.dataset !== dataset) {
        throw new Error(`the baseline was trained on ${base.info.dataset}, the evaluation uses ${dataset}`);
      }
      if (base?.model && base.model.inputs[0].shape.join() !== main.model.inputs[0].shape.join()) {
        throw new Error(`model input ${main.model.inputs[0].shape.slice(1).join('x')} and baseline input ${base.model.inputs[0].shape.slice(1).join('x')} differ`);
      }
      const test = await testSet(dataset, o.testLimit, main.model);
      const opts = {
        seed: o.seed,
        corruptions: o.corruptions ?? [...CORRUPTIONS],
        maxShift: o.shift,
        sequenceLength: o.sequenceLength,
        batchSize: o.batchSize,
      };
      const run = (m: SavedModel, label: string): RobustnessResult => {
        let last = 0;
        return evaluateRobustness(m.model, test, {
          ...opts,
          onProgress: (p) => {
            const now = Date.now();
            if (!o.quiet && (now - last > 5000 || p.done === p.total)) {
              last = now;
              process.stderr.write(`[${label}] ${p.done}/${p.total} ${p.label}\n`);
            }
          },
        });
      };
      const mainRes = run(main, 'model');
      if (baseFile) {
        const r = baseFile.result!;
        const names = (opts.corruptions as string[]).filter((c) => !(c in r.corruptionErrors));
        if (names.length) throw new Error(`--baseline ${o.baseline} has no errors for ${names.join(', ')}`);
        if (baseFile.testSize !== test.n || (baseFile.testLimit ?? null) !== (o.testLimit ?? null)) {
          throw new Error(`--baseline ${o.baseline} was evaluated on ${baseFile.testSize} test images (--test-limit ${baseFile.testLimit ?? 'none'}), this run uses ${test.n}`);
        }
      }
      const baseRes = baseFile ? baseFile.result : baseDir ? run(baseDir, 'baseline') : undefined;
      const cmp = baseRes ? compareRobustness(mainRes, baseRes) : undefined;

      // ---- stdout: tables ----
      const names = Object.keys(mainRes.corruptionErrors);
      console.log(`${dataset}, ${test.n} test images, seed ${opts.seed}, backend ${backend}`);
      console.log(`model: ${describe(main)} (${o.model})${base ? `\nbaseline: ${describe(base)} (${o.baseline})` : ''}\n`);
      if (names.length) {
        const header = base ? ['corruption', 'error', 'baseline error', 'CE', 'relative CE'] : ['corruption', 'error'];
        const rows = names.map((c) => (base
          ? [c, pct(mainRes.errorPerCorruption[c]), pct(baseRes!.errorPerCorruption[c]), num(cmp!.ce[c]), num(cmp!.relativeCE[c])]
          : [c, pct(mainRes.errorPerCorruption[c])]));
        rows.unshift(base ? ['clean', pct(mainRes.cleanError), pct(baseRes!.cleanError), '', ''] : ['clean', pct(mainRes.cleanError)]);
        rows.push(base
          ? ['**mean**', pct(mainRes.meanCorruptionError), pct(baseRes!.meanCorruptionError), `**mCE ${num(cmp!.mCE)}**`, `**rel. mCE ${num(cmp!.relativeMCE)}**`]
          : ['**mean**', pct(mainRes.meanCorruptionError)]);
        console.log(markdownTable(header, rows));
        console.log('');
      } else {
        console.log(`clean error ${pct(mainRes.cleanError)}${base ? ` (baseline ${pct(baseRes!.cleanError)})` : ''}\n`);
      }
      const kinds = Object.keys(mainRes.flipRate);
      const header2 = base ? ['stability', 'model', 'baseline', 'ratio'] : ['stability', 'model'];
      const rows2: string[][] = [];
      if (mainRes.shift) {
        const s = `shift consistency (±${mainRes.shift.maxShift} px, ${mainRes.shift.mode})`;
        rows2.push(base ? [s, pct(mainRes.shift.consistency), pct(baseRes!.shift!.consistency), ''] : [s, pct(mainRes.shift.consistency)]);
      }
      for (const k of kinds) {
        const s = `flip rate ${k} (${mainRes.flipReference[k]})`;
        rows2.push(base ? [s, pct(mainRes.flipRate[k]), pct(baseRes!.flipRate[k]), num(cmp!.flipRateRatio[k])] : [s, pct(mainRes.flipRate[k])]);
      }
      if (kinds.length) {
        rows2.push(base
          ? ['**mean flip rate**', pct(mainRes.meanFlipRate), pct(baseRes!.meanFlipRate), `**mFR ${num(cmp!.mFR)}**`]
          : ['**mean flip rate**', pct(mainRes.meanFlipRate)]);
      }
      if (rows2.length) console.log(markdownTable(header2, rows2));
      if (cmp) {
        for (const [what, list] of Object.entries(cmp.undefined)) {
          if (list.length) process.stderr.write(`warning: ${what} undefined for ${list.join(', ')} (baseline denominator 0); left out of its mean\n`);
        }
      }

      // ---- JSON ----
      const seconds = (performance.now() - t0) / 1000;
      if (o.json) {
        const entry = (m: LoadedModel, r: RobustnessResult) => ({
          dir: resolve(m.dir), arch: m.info.arch ?? null, pool: m.info.pool ?? null, trainSeed: m.info.seed ?? null, width: m.info.width ?? null,
          params: m.model ? paramCount(m.model).total : (m.params ?? null), ...(m.fromJson ? { fromJson: resolve(m.fromJson) } : {}), ...r,
        });
        const out = {
          dataset, testSize: test.n, testLimit: o.testLimit ?? null, imageSize: [test.height, test.width],
          seed: opts.seed, corruptions: names, categories: Object.fromEntries(names.map((c) => [c, CORRUPTION_CATEGORY[c as CorruptionName]])),
          severities: mainRes.severities, shift: { maxShift: opts.maxShift, mode: mainRes.shift?.mode ?? 'zero' }, perturbations: [...PERTURBATIONS], sequenceLength: opts.sequenceLength,
          model: entry(main, mainRes), baseline: base ? entry(base, baseRes!) : null, comparison: cmp ?? null,
          ...provenance(command), seconds,
        };
        writeFileAtomic(o.json, JSON.stringify(out, null, 2));
        console.log(`\nwrote ${o.json}`);
      }
      process.stderr.write(`robustness: ${seconds.toFixed(1)} s\n`);
      main.model.dispose();
      base?.model?.dispose();
    });
}

type CorruptionsValues = { sheet?: string; index: number; corruptions?: CorruptionName[]; scale: number } & Pick<DataValues, 'dataset'> & Pick<RecipeValues, 'seed'>;

export function corruptionsCommand(): Command {
  const cmd = new Command('corruptions')
    .description('list the corruption suite; with --sheet, write a PNG contact sheet (rows: corruptions; columns: clean, severities 1-5) of one test image')
    .option('--sheet <file>', 'write the contact sheet PNG here');
  return addOptions(cmd,
    dataOptions({ dataset: 'fashion-mnist' }),
    new Option('--index <i>', 'index of the test image').default(0).argParser(int(0)),
    recipeOptions({ seed: 0 }, { seed: 'seed of the random corruptions' }),
    new Option('--corruptions <list>', 'comma-separated corruptions (default: all)').argParser(list(CORRUPTIONS)),
    new Option('--scale <n>', 'upscaling of every tile').default(4).argParser(int(1)),
  )
    .action(async (o: CorruptionsValues) => {
      const names = o.corruptions ?? [...CORRUPTIONS];
      if (!o.sheet) {
        console.log(markdownTable(['corruption', 'category'], names.map((c) => [c, CORRUPTION_CATEGORY[c]])));
        console.log('\nseverities 1-5; parameters in docs/corruptions.md. Pass --sheet FILE for a PNG contact sheet.');
        return;
      }
      const test = toFloat32(await loadDataset(o.dataset, 'test'));
      if (o.index >= test.n) throw new Error(`--index ${o.index} is out of range: the ${o.dataset} test set has ${test.n} images`);
      const size = test.height * test.width * test.channels;
      const image = (test.images as Float32Array).slice(o.index * size, (o.index + 1) * size);
      const png = corruptionContactSheet(image, test.height, test.width, { seed: o.seed, corruptions: names, scale: o.scale });
      writeFileAtomic(o.sheet, png);
      console.log(`wrote ${o.sheet}: ${names.length} corruptions x (clean + 5 severities) of ${o.dataset} test image ${o.index} (label ${test.classNames[test.labels[o.index]] ?? test.labels[o.index]}), seed ${o.seed}`);
    });
}
