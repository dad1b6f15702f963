/** `liftpool train` and `liftpool eval`. */
import { Command, Option } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import type { DatasetName } from '../../data/index.js';
import { paramCount } from '../../models/index.js';
import { evaluateClassifier } from '../../train/index.js';
import { fileIO } from '../../io/file-io.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { prepareData, runClassifier } from '../run-classifier.js';
import { interruptible } from '../interrupt.js';
import { checkModelKind, evalDataset, readTrainedRecord } from '../trained-model.js';
import { commandLine, provenance } from '../provenance.js';
import { addOptions } from '../options/define.js';
import { dataOptions, type DataValues } from '../options/data.js';
import { liftOptions } from '../options/lift.js';
import { modelOptions } from '../options/model.js';
import { int } from '../options/parsers.js';
import { recipeOptions } from '../options/recipe.js';
import { backendOption, selectBackend, trainingRunOptions, type RunControlValues } from '../options/run-control.js';
import { classifierRunOptions, type TrainValues } from '../options/runner-args.js';

const fmtPct = (v: number) => `${(100 * v).toFixed(2)}%`;

export function trainCommand(): Command {
  const cmd = new Command('train').description('train a classifier and write DIR/model.json, DIR/weights.bin and DIR/results.json');
  return addOptions(cmd,
    liftOptions(),
    dataOptions({ dataset: 'fashion-mnist' }),
    modelOptions({ arch: 'tiny', pool: 'lift' }),
    recipeOptions({ epochs: 5, batchSize: 8, lr: 1e-3, optimizer: 'adam', momentum: 0.9, weightDecay: 0, schedule: 'cosine', seed: 0 }),
    modelOptions({ width: 1 }),
    dataOptions({ trainLimit: undefined, testLimit: undefined, pad32: false, augment: undefined }),
    backendOption(),
    new Option('--diagnose-every <n>', 'also record pool diagnostics every N steps (they are always recorded after each epoch)').argParser(int(1)),
    trainingRunOptions('runs/train'),
  ).action(async (o: TrainValues) => {
    await selectBackend(o.backend, o.quiet);
    const res = await interruptible(join(o.out, 'checkpoint'), (shouldStop) => runClassifier(classifierRunOptions(o, shouldStop)));
    if (!res) return;
    console.log(`${res.dataset} ${res.arch} pool=${res.pool} seed=${res.seed}: test accuracy ${fmtPct(res.testAccuracy)} (error ${fmtPct(res.testError)}), test loss ${res.testLoss.toFixed(4)}, ${res.params} params, ${res.imagesPerSecond.toFixed(0)} img/s on ${res.backend}`);
    if (!o.quiet) console.log(`wrote ${join(o.out, 'model.json')}, ${join(o.out, 'weights.bin')}, ${join(o.out, 'results.json')}`);
  });
}

type EvalValues = { model: string; json?: string } & Partial<Pick<DataValues, 'dataset' | 'testLimit'>> & Pick<RunControlValues, 'backend'>;

export function evalCommand(): Command {
  const cmd = new Command('eval')
    .description('re-evaluate a saved classifier (DIR from `liftpool train`) and write DIR/eval.json')
    .requiredOption('--model <dir>', 'directory with model.json and weights.bin');
  return addOptions(cmd,
    dataOptions({ dataset: undefined, testLimit: undefined }, { dataset: 'dataset (default: the one it was trained on)' }),
    new Option('--json <file>', 'where to write the metrics (default DIR/eval.json)'),
    backendOption(),
  ).action(async (o: EvalValues) => {
    await selectBackend(o.backend);
    const trained = readTrainedRecord(o.model, 'classifier');
    const dataset = evalDataset<DatasetName>(o.model, trained, o.dataset);
    const model = await tf.loadLayersModel(fileIO(o.model));
    checkModelKind(model, o.model, 'classifier');
    const [h, w] = model.inputs[0].shape.slice(1, 3) as number[];
    const { test } = await prepareData(dataset, { testLimit: o.testLimit, seed: 0, pad32: h === 32 && w === 32 });
    const ev = evaluateClassifier(model, test);
    const pc = paramCount(model);
    const out = {
      dataset, testSize: test.n, testAccuracy: ev.accuracy, testError: 1 - ev.accuracy, testLoss: ev.loss, perClassAccuracy: ev.perClassAccuracy,
      confusion: ev.confusion, params: pc.total, ...provenance(commandLine()),
    };
    const jsonPath = o.json ?? join(o.model, 'eval.json');
    writeFileAtomic(jsonPath, JSON.stringify(out, null, 2));
    console.log(`${dataset}: test accuracy ${fmtPct(ev.accuracy)} (error ${fmtPct(1 - ev.accuracy)}), loss ${ev.loss.toFixed(4)} on ${test.n} images`);
    console.log(`per-class accuracy: ${ev.perClassAccuracy.map((a, i) => `${i}:${fmtPct(a)}`).join(' ')}`);
    console.log(`wrote ${jsonPath}`);
    model.dispose();
  });
}
