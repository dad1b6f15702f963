/**
 * `liftpool sweep`: `liftpool train` for every pool × seed (or, with `--task segment`, `liftpool segment
 * train` for every down/up pair × seed) into DIR/<pool>/seed<S>, `--jobs N` child processes at once, then
 * the table. Resumable: finished runs are skipped, interrupted ones continue from their checkpoint.
 */
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { DOWN_UP_NAMES } from '../../models/index.js';
import { freeCores, runJobs, type Job } from '../jobs.js';
import { createSweepProgress } from '../sweep-progress.js';
import { commandLine } from '../provenance.js';
import { addOptions } from '../options/define.js';
import { dataOptions } from '../options/data.js';
import { liftOptions } from '../options/lift.js';
import { modelOptions } from '../options/model.js';
import { int, intList, list, oneOf } from '../options/parsers.js';
import { recipeOptions } from '../options/recipe.js';
import { runControlOptions } from '../options/run-control.js';
import { writeTables } from './table.js';

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

/** Help of an option whose default, when not given, is the child command's. */
const childDefault = (what: string) => `${what} (segment: default that of segment train)`;

export function sweepCommand(): Command {
  const sweep = new Command('sweep')
    .description('train every pool x seed (--task segment: every down/up pair x seed) into DIR/<name>/seed<S>, --jobs N child processes at once; finished runs are skipped and interrupted ones resume from their checkpoint; then DIR/table.md');
  return addOptions(sweep,
    new Option('--task <name>', 'classify (liftpool train) or segment (liftpool segment train)').default('classify').argParser(oneOf(TASKS)),
    dataOptions({ dataset: 'fashion-mnist' }, { dataset: 'dataset (segment: default mnist)' }),
    modelOptions({ arch: 'vgg13', pools: ['max', 'avg', 'skip', 'blur', 'wavelet', 'lift'] }, { pools: 'pools (classify)' }),
    new Option('--down-ups <list>', `down/up pairs (segment; default all: ${DOWN_UP_NAMES.join(',')})`).argParser(list(DOWN_UP_NAMES)),
    new Option('--seeds <list>', 'comma-separated seeds').default([0, 1, 2]).argParser(intList(0)),
    recipeOptions({ epochs: 3, batchSize: 32, lr: 3e-3 }, { epochs: childDefault('epochs'), batchSize: childDefault('batch size'), lr: childDefault('learning rate') }),
    modelOptions({ width: 0.25 }, { width: childDefault('width multiplier') }),
    dataOptions({ trainLimit: undefined, testLimit: undefined }, {
      trainLimit: 'class-balanced training subset (classify; default the whole training set)', testLimit: 'class-balanced test subset (classify; default the whole test set)',
    }),
    liftOptions({ constraint: undefined, lambdaU: undefined, lambdaP: undefined, liftKernelSize: undefined }, {
      constraint: "LiftPool constraint form (default: that of the child command, i.e. the layer's)",
      lambdaU: "LiftPool λ_u (default: that of the child command, i.e. the layer's)",
      lambdaP: "LiftPool λ_p (default: that of the child command, i.e. the layer's)",
      liftKernelSize: "LiftPool predict/update kernel size (default: the layer's)",
    }),
    dataOptions({ augment: undefined }, { augment: 'disable augmentation (classify)' }),
    new Option('--jobs <n>', 'training processes at once (default: free cores = available parallelism minus load, at least 1)').argParser(int(1)),
    runControlOptions({ out: 'runs/sweep', quiet: false }, { quiet: 'no progress output' }),
    runControlOptions({ backend: undefined }, { backend: 'TF.js backend of every run (default: the child command\'s)' }),
  )
    .argument('[child-options...]', 'further options for every child run, after -- (e.g. -- --scene-size 32 --train-scenes 2000)')
    .action(async (extra: string[], o: Record<string, unknown>, cmd: Command) => {
      const given = (key: string) => cmd.getOptionValueSource(key) !== undefined && cmd.getOptionValueSource(key) !== 'default';
      for (const flag of ['--out', '--resume', '--seed', '--pool', '--down-up']) {
        if (extra.includes(flag)) throw new Error(`${flag} after -- is set by the sweep itself`);
      }
      const plan = planSweep(o, given, extra);
      const parallel = (o.jobs as number | undefined) ?? freeCores();
      const command = commandLine();
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
