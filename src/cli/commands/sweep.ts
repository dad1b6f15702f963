/**
 * `liftpool sweep`: `liftpool train` for every pool × seed (or, with `--task segment`, `liftpool segment
 * train` for every down/up pair × seed) into DIR/<pool>/seed<S>, `--jobs N` child processes at once, then
 * the table. Resumable: finished runs are skipped, interrupted ones continue from their checkpoint.
 */
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { DATASET_NAMES } from '../../data/index.js';
import { ARCH_NAMES, DOWN_UP_NAMES, POOL_NAMES, type PoolName } from '../../models/index.js';
import { int, float, oneOf, list } from '../options.js';
import { CONSTRAINT_FORMS } from '../../lifting/index.js';
import { freeCores, runJobs, type Job } from '../jobs.js';
import { createSweepProgress } from '../sweep-progress.js';
import { writeTables } from './table.js';
import { BACKENDS } from './train.js';

const TASKS = ['classify', 'segment'] as const;
type Task = (typeof TASKS)[number];

/** Options of `sweep` passed to every child, with the child's flag; `always` = passed even when not given. */
const FORWARD: { key: string; flag: string; task?: Task; always?: Task }[] = [
  { key: 'dataset', flag: '--dataset', always: 'classify' },
  { key: 'arch', flag: '--arch', task: 'classify', always: 'classify' },
  { key: 'epochs', flag: '--epochs', always: 'classify' },
  { key: 'batchSize', flag: '--batch-size', always: 'classify' },
  { key: 'lr', flag: '--lr', always: 'classify' },
  { key: 'width', flag: '--width', always: 'classify' },
  { key: 'trainLimit', flag: '--train-limit', task: 'classify' },
  { key: 'testLimit', flag: '--test-limit', task: 'classify' },
  { key: 'constraint', flag: '--constraint' },
  { key: 'lambdaU', flag: '--lambda-u' },
  { key: 'lambdaP', flag: '--lambda-p' },
  { key: 'liftKernelSize', flag: '--lift-kernel-size' },
  { key: 'backend', flag: '--backend' },
];

export interface SweepPlan {
  task: Task;
  jobs: Job[];
}

/**
 * The child runs of a sweep. `given(key)` says whether the user set an option (options left at sweep's
 * default are passed only where `always` says so, so the child command's own defaults apply otherwise).
 */
export function planSweep(o: Record<string, unknown>, given: (key: string) => boolean, extra: readonly string[] = []): SweepPlan {
  const task = o.task as Task;
  const names = (task === 'classify' ? o.pools : (o.downUps ?? DOWN_UP_NAMES)) as string[];
  if (task === 'segment' && given('pools')) throw new Error('--pools is for --task classify; use --down-ups with --task segment');
  if (task === 'classify' && given('downUps')) throw new Error('--down-ups is for --task segment; use --pools with --task classify');
  for (const f of FORWARD) {
    if (f.task && f.task !== task && given(f.key)) throw new Error(`--${f.flag.slice(2)} does not apply to --task ${task}`);
  }
  const common: string[] = [];
  for (const f of FORWARD) {
    if ((f.task && f.task !== task) || o[f.key] === undefined) continue;
    if (given(f.key) || f.always === task) common.push(f.flag, String(o[f.key]));
  }
  if (o.augment === false) {
    if (task !== 'classify') throw new Error('--no-augment does not apply to --task segment');
    common.push('--no-augment');
  }
  const epochsAt = extra.lastIndexOf('--epochs');
  const epochs = epochsAt >= 0 ? Number(extra[epochsAt + 1]) : given('epochs') || task === 'classify' ? (o.epochs as number) : 5;
  const jobs: Job[] = [];
  for (const seed of o.seeds as number[]) {
    for (const name of names) {
      const args = task === 'classify'
        ? ['train', '--pool', name, '--seed', String(seed), ...common, ...extra]
        : ['segment', 'train', '--down-up', name, '--seed', String(seed), ...common, ...extra];
      jobs.push({ label: `${name} s${seed}`, dir: join(o.out as string, name, `seed${seed}`), args, epochs });
    }
  }
  return { task, jobs };
}

export function sweepCommand(): Command {
  return new Command('sweep')
    .description('train every pool x seed (--task segment: every down/up pair x seed) into DIR/<name>/seed<S>, --jobs N child processes at once; finished runs are skipped and interrupted ones resume from their checkpoint; then DIR/table.md')
    .addOption(new Option('--task <name>', 'classify (liftpool train) or segment (liftpool segment train)').default('classify').argParser(oneOf(TASKS)))
    .addOption(new Option('--dataset <name>', 'dataset (segment: default mnist)').default('fashion-mnist').argParser(oneOf(DATASET_NAMES)))
    .addOption(new Option('--arch <name>', 'architecture').default('vgg13').argParser(oneOf(ARCH_NAMES)))
    .option('--pools <list>', 'pools (classify)', list(POOL_NAMES), ['max', 'avg', 'skip', 'blur', 'wavelet', 'lift'] as PoolName[])
    .option('--down-ups <list>', `down/up pairs (segment; default all: ${DOWN_UP_NAMES.join(',')})`, list(DOWN_UP_NAMES))
    .option('--seeds <list>', 'comma-separated seeds', (v: string) => v.split(',').map((s) => int(0)(s.trim())), [0, 1, 2])
    .option('--epochs <n>', 'epochs (segment: default that of segment train)', int(1), 3)
    .option('--batch-size <n>', 'batch size (segment: default that of segment train)', int(1), 32)
    .option('--lr <x>', 'learning rate (segment: default that of segment train)', float(0, true), 3e-3)
    .option('--width <x>', 'width multiplier (segment: default that of segment train)', float(0, true), 0.25)
    .option('--train-limit <n>', 'class-balanced training subset (classify; default the whole training set)', int(1))
    .option('--test-limit <n>', 'class-balanced test subset (classify; default the whole test set)', int(1))
    .addOption(new Option('--constraint <form>', "LiftPool constraint form (default: that of the child command, i.e. the layer's)").argParser(oneOf(CONSTRAINT_FORMS)))
    .option('--lambda-u <x>', 'LiftPool λ_u (default: that of the child command, i.e. the layer\'s)', float(0))
    .option('--lambda-p <x>', 'LiftPool λ_p (default: that of the child command, i.e. the layer\'s)', float(0))
    .option('--lift-kernel-size <k>', 'LiftPool predict/update kernel size (default: the layer\'s)', int(1))
    .option('--no-augment', 'disable augmentation (classify)')
    .option('--jobs <n>', 'training processes at once (default: free cores = available parallelism minus load, at least 1)', int(1))
    .option('--out <dir>', 'output directory', 'runs/sweep')
    .option('--quiet', 'no progress output', false)
    .addOption(new Option('--backend <name>', 'TF.js backend of every run (default: the child command\'s)').argParser(oneOf(BACKENDS)))
    .argument('[child-options...]', 'further options for every child run, after -- (e.g. -- --scene-size 32 --train-scenes 2000)')
    .action(async (extra: string[], o: Record<string, unknown>, cmd: Command) => {
      const given = (key: string) => cmd.getOptionValueSource(key) !== undefined && cmd.getOptionValueSource(key) !== 'default';
      for (const flag of ['--out', '--resume', '--seed', '--pool', '--down-up']) {
        if (extra.includes(flag)) throw new Error(`${flag} after -- is set by the sweep itself`);
      }
      const plan = planSweep(o, given, extra);
      const parallel = (o.jobs as number | undefined) ?? freeCores();
      const command = `liftpool ${process.argv.slice(2).join(' ')}`;
      if (!o.quiet) process.stderr.write(`sweep: ${plan.jobs.length} runs into ${o.out as string}, ${parallel} at once\n`);
      const progress = createSweepProgress(plan.jobs.length, parallel, { quiet: o.quiet as boolean });
      const abort = new AbortController();
      const stop = (sig: NodeJS.Signals) => {
        process.stderr.write(`\nsweep: ${sig}, stopping the running jobs (their checkpoints stay; rerun the same command to continue)\n`);
        abort.abort();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      let summary;
      try {
        summary = await runJobs(plan.jobs, { parallel, onEvent: (e) => progress.event(e), signal: abort.signal });
      } finally {
        progress.stop();
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
      if (summary.aborted) {
        process.stderr.write(`sweep: interrupted; ${summary.done.length + summary.skipped.length}/${plan.jobs.length} runs finished\n`);
        process.exitCode = 130;
        return;
      }
      if (summary.done.length + summary.skipped.length > 0) {
        console.log(writeTables(o.out as string, [o.out as string], command, [plan.task === 'classify' ? 'classification' : 'segmentation']));
      }
      const bad = [...summary.failed.map((j) => `${j.label} failed (log: ${join(j.dir, 'sweep.log')})`), ...summary.busy.map((j) => `${j.label} is being run by another process`)];
      if (bad.length) throw new Error(`${bad.length} of ${plan.jobs.length} runs did not finish: ${bad.join('; ')}`);
    });
}
