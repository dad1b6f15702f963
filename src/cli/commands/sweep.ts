/**
 * `liftpool sweep` runs `train` for every pool × seed (resumable: finished runs are skipped) and
 * `liftpool table` aggregates results.json files into a mean ± std table.
 */
import { Command, Option } from 'commander';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DATASET_NAMES, type DatasetName } from '../../data/index.js';
import { ARCH_NAMES, POOL_NAMES, type ArchName, type PoolName } from '../../models/index.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { markdownTable, meanStd } from '../../report/markdown.js';
import { int, float, oneOf, list } from '../options.js';
import { addLiftOptions } from '../lift-options.js';
import { prepareData, runClassifier, type ClassifierResults } from '../run-classifier.js';
import { backendOption, selectBackend } from './train.js';

/** Every results.json below `dir` (recursively). */
export function findResults(dir: string): ClassifierResults[] {
  if (!existsSync(dir)) throw new Error(`no such directory: ${dir}`);
  const out: ClassifierResults[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'results.json') out.push(JSON.parse(readFileSync(p, 'utf8')) as ClassifierResults);
    }
  };
  walk(dir);
  return out;
}

export interface TableRow {
  dataset: string;
  arch: string;
  pool: string;
  seeds: number[];
  testError: { mean: number; std: number };
  params: number;
  imagesPerSecond: number;
  text: string[];
}

/** Group by dataset/arch/pool; test error in % as mean ± sample std over seeds. */
export function aggregate(results: ClassifierResults[], poolOrder: readonly string[] = POOL_NAMES): TableRow[] {
  const groups = new Map<string, ClassifierResults[]>();
  for (const r of results) {
    const key = `${r.dataset}|${r.arch}|${r.pool}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rows = [...groups.values()].map((rs) => {
    const err = meanStd(rs.map((r) => 100 * r.testError), 2);
    const ips = rs.reduce((s, r) => s + r.imagesPerSecond, 0) / rs.length;
    const r0 = rs[0];
    return {
      dataset: r0.dataset, arch: r0.arch, pool: r0.pool, seeds: rs.map((r) => r.seed).sort((a, b) => a - b),
      testError: { mean: err.mean, std: err.std }, params: r0.params, imagesPerSecond: ips,
      text: [r0.dataset, r0.arch, r0.pool, `${err.text}`, String(rs.length), String(r0.params), ips.toFixed(0)],
    };
  });
  const idx = (p: string) => (poolOrder.includes(p) ? poolOrder.indexOf(p) : 999);
  return rows.sort((a, b) => a.dataset.localeCompare(b.dataset) || a.arch.localeCompare(b.arch) || idx(a.pool) - idx(b.pool));
}

const HEADER = ['dataset', 'arch', 'pool', 'test error % (mean ± std)', 'seeds', 'params', 'train images/s'];

function writeTable(dir: string, results: ClassifierResults[], command: string): string {
  const rows = aggregate(results);
  const table = markdownTable(HEADER, rows.map((r) => r.text));
  writeFileAtomic(join(dir, 'table.md'), `${table}\n\nMade by \`${command}\`.\n`);
  writeFileAtomic(join(dir, 'table.json'), JSON.stringify({ command, rows: rows.map(({ text: _t, ...r }) => r) }, null, 2));
  return table;
}

export function tableCommand(): Command {
  return new Command('table')
    .description('aggregate results.json files below DIR into a mean ± std table (DIR/table.md, DIR/table.json)')
    .argument('<dir>', 'directory with runs')
    .action((dir: string) => {
      const results = findResults(dir);
      if (results.length === 0) throw new Error(`no results.json below ${dir}`);
      console.log(writeTable(dir, results, `liftpool ${process.argv.slice(2).join(' ')}`));
    });
}

export function sweepCommand(): Command {
  return addLiftOptions(new Command('sweep'))
    .description('train every pool x seed (skipping finished runs) into DIR/<pool>/seed<S>, then write the table')
    .addOption(new Option('--dataset <name>', 'dataset').default('fashion-mnist').argParser(oneOf(DATASET_NAMES)))
    .addOption(new Option('--arch <name>', 'architecture').default('vgg13').argParser(oneOf(ARCH_NAMES)))
    .option('--pools <list>', 'pools', list(POOL_NAMES), ['max', 'avg', 'skip', 'blur', 'wavelet', 'lift'] as PoolName[])
    .option('--seeds <list>', 'comma-separated seeds', (v: string) => v.split(',').map((s) => int(0)(s.trim())), [0, 1, 2])
    .option('--epochs <n>', 'epochs', int(1), 3)
    .option('--batch-size <n>', 'batch size', int(1), 32)
    .option('--lr <x>', 'learning rate', float(0, true), 3e-3)
    .option('--width <x>', 'width multiplier', float(0, true), 0.25)
    .option('--train-limit <n>', 'class-balanced training subset', int(1))
    .option('--test-limit <n>', 'class-balanced test subset', int(1))
    .option('--no-augment', 'disable augmentation')
    .option('--out <dir>', 'output directory', 'runs/sweep')
    .addOption(backendOption())
    .action(async (o) => {
      await selectBackend(o.backend);
      const command = `liftpool ${process.argv.slice(2).join(' ')}`;
      for (const seed of o.seeds as number[]) {
        const data = await prepareData(o.dataset as DatasetName, { trainLimit: o.trainLimit, testLimit: o.testLimit, seed, pad32: false });
        for (const pool of o.pools as PoolName[]) {
          const dir = join(o.out, pool, `seed${seed}`);
          if (existsSync(join(dir, 'results.json'))) {
            process.stderr.write(`skip ${dir} (done)\n`);
            continue;
          }
          const r = await runClassifier({
            dataset: o.dataset, arch: o.arch as ArchName, pool, epochs: o.epochs, batchSize: o.batchSize, lr: o.lr, optimizer: 'adam',
            momentum: 0.9, weightDecay: 0, schedule: 'cosine', seed, width: o.width, trainLimit: o.trainLimit, testLimit: o.testLimit,
            pad32: false, augment: o.augment, liftConstraint: o.constraint, lambdaU: o.lambdaU, lambdaP: o.lambdaP, liftKernelSize: o.liftKernelSize, out: dir, label: `${pool} s${seed}`, command,
          }, data);
          process.stderr.write(`${pool} seed ${seed}: test error ${(100 * r.testError).toFixed(2)}% (${r.trainSeconds.toFixed(0)} s)\n`);
        }
      }
      console.log(writeTable(o.out, findResults(o.out), command));
    });
}
