/** `liftpool train` and `liftpool eval`. */
import { Command, Option } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { DATASET_NAMES, type DatasetName } from '../../data/index.js';
import { ARCH_NAMES, POOL_NAMES, paramCount, type ArchName, type PoolName } from '../../models/index.js';
import { OPTIMIZERS, SCHEDULES, evaluateClassifier, type OptimizerName, type ScheduleName } from '../../train/index.js';
import { useBestBackend, type BackendPreference } from '../../backend/index.js';
import { fileIO } from '../../io/file-io.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { int, float, oneOf } from '../options.js';
import { prepareData, runClassifier } from '../run-classifier.js';
import { interruptible } from '../interrupt.js';
import { checkModelKind, evalDataset, readTrainedRecord } from '../trained-model.js';
import { addLiftOptions } from '../lift-options.js';
import { provenance } from '../provenance.js';

export const BACKENDS: readonly BackendPreference[] = ['auto', 'wasm', 'cpu', 'tensorflow'];

export function backendOption(): Option {
  return new Option('--backend <name>', 'TF.js backend: auto (tfjs-node if installed, else wasm) | wasm | cpu | tensorflow').default('auto').argParser(oneOf(BACKENDS));
}

export async function selectBackend(pref: BackendPreference, quiet = false): Promise<string> {
  const name = await useBestBackend(pref);
  if (!quiet) process.stderr.write(`backend: ${name}\n`);
  return name;
}

const fmtPct = (v: number) => `${(100 * v).toFixed(2)}%`;

export function trainCommand(): Command {
  return addLiftOptions(new Command('train'))
    .description('train a classifier and write DIR/model.json, DIR/weights.bin and DIR/results.json')
    .addOption(new Option('--dataset <name>', 'dataset').default('fashion-mnist').argParser(oneOf(DATASET_NAMES)))
    .addOption(new Option('--arch <name>', 'architecture').default('tiny').argParser(oneOf(ARCH_NAMES)))
    .addOption(new Option('--pool <name>', 'downsampling').default('lift').argParser(oneOf(POOL_NAMES)))
    .option('--epochs <n>', 'training epochs', int(1), 5)
    .option('--batch-size <n>', 'mini-batch size', int(1), 8)
    .option('--lr <x>', 'learning rate', float(0, true), 1e-3)
    .addOption(new Option('--optimizer <name>', 'optimizer').default('adam').argParser(oneOf(OPTIMIZERS)))
    .option('--momentum <x>', 'SGD momentum', float(0), 0.9)
    .option('--weight-decay <x>', 'L2 weight decay on conv/dense kernels', float(0), 0)
    .addOption(new Option('--schedule <name>', 'learning-rate schedule').default('cosine').argParser(oneOf(SCHEDULES)))
    .option('--seed <n>', 'random seed (initialisation, shuffling, augmentation)', int(0), 0)
    .option('--width <x>', 'channel width multiplier', float(0, true), 1)
    .option('--train-limit <n>', 'use a class-balanced subset of N training images', int(1))
    .option('--test-limit <n>', 'use a class-balanced subset of M test images', int(1))
    .option('--pad32', 'zero-pad images to 32x32', false)
    .option('--no-augment', 'disable random-crop (and, for Fashion-MNIST, flip) augmentation')
    .addOption(backendOption())
    .option('--diagnose-every <n>', 'also record pool diagnostics every N steps (they are always recorded after each epoch)', int(1))
    .option('--out <dir>', 'output directory', 'runs/train')
    .option('--resume', 'continue from DIR/checkpoint (same options; --epochs may be raised when the schedule allows)', false)
    .option('--force', 'replace a finished or unfinished run in DIR', false)
    .option('--quiet', 'print only errors and the final line', false)
    .action(async (o) => {
      if (o.liftKernelSize != null && o.liftKernelSize % 2 === 0) throw new Error(`--lift-kernel-size must be odd, got ${o.liftKernelSize}`);
      await selectBackend(o.backend, o.quiet);
      const res = await interruptible(join(o.out, 'checkpoint'), (shouldStop) => runClassifier({
        dataset: o.dataset as DatasetName, arch: o.arch as ArchName, pool: o.pool as PoolName, epochs: o.epochs, batchSize: o.batchSize,
        lr: o.lr, optimizer: o.optimizer as OptimizerName, momentum: o.momentum, weightDecay: o.weightDecay, schedule: o.schedule as ScheduleName,
        seed: o.seed, width: o.width, trainLimit: o.trainLimit, testLimit: o.testLimit, pad32: o.pad32, augment: o.augment,
        liftConstraint: o.constraint, lambdaU: o.lambdaU, lambdaP: o.lambdaP, liftKernelSize: o.liftKernelSize, diagnoseEvery: o.diagnoseEvery,
        out: o.out, resume: o.resume, force: o.force, refuseExisting: true, shouldStop, quiet: o.quiet, command: `liftpool ${process.argv.slice(2).join(' ')}`,
      }));
      if (!res) return;
      console.log(`${res.dataset} ${res.arch} pool=${res.pool} seed=${res.seed}: test accuracy ${fmtPct(res.testAccuracy)} (error ${fmtPct(res.testError)}), test loss ${res.testLoss.toFixed(4)}, ${res.params} params, ${res.imagesPerSecond.toFixed(0)} img/s on ${res.backend}`);
      if (!o.quiet) console.log(`wrote ${join(o.out, 'model.json')}, ${join(o.out, 'weights.bin')}, ${join(o.out, 'results.json')}`);
    });
}

export function evalCommand(): Command {
  return new Command('eval')
    .description('re-evaluate a saved classifier (DIR from `liftpool train`) and write DIR/eval.json')
    .requiredOption('--model <dir>', 'directory with model.json and weights.bin')
    .addOption(new Option('--dataset <name>', 'dataset (default: the one it was trained on)').argParser(oneOf(DATASET_NAMES)))
    .option('--test-limit <n>', 'use a class-balanced subset of M test images', int(1))
    .option('--json <file>', 'where to write the metrics (default DIR/eval.json)')
    .addOption(backendOption())
    .action(async (o) => {
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
        confusion: ev.confusion, params: pc.total, ...provenance(`liftpool ${process.argv.slice(2).join(' ')}`),
      };
      const jsonPath = o.json ?? join(o.model, 'eval.json');
      writeFileAtomic(jsonPath, JSON.stringify(out, null, 2));
      console.log(`${dataset}: test accuracy ${fmtPct(ev.accuracy)} (error ${fmtPct(1 - ev.accuracy)}), loss ${ev.loss.toFixed(4)} on ${test.n} images`);
      console.log(`per-class accuracy: ${ev.perClassAccuracy.map((a, i) => `${i}:${fmtPct(a)}`).join(' ')}`);
      console.log(`wrote ${jsonPath}`);
      model.dispose();
    });
}
