/**
 * Every command's options as `liftpool --help` and the parsers see them: flags, help text, default,
 * allowed values, and what each option's parser makes of a few probe values. Compared with the
 * committed test/fixtures/cli-options.json, so a command that loses, renames or changes an option,
 * a default or a check fails here. After an intended change, regenerate the file with
 * `UPDATE_CLI_OPTIONS=1 node --import tsx --test test/cli-options.test.ts` and review its diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { buildProgram } from '../src/cli/program.js';
import { optionsOf, type Catalog } from '../src/cli/options/define.js';
import { DATA_OPTIONS } from '../src/cli/options/data.js';
import { LIFT_OPTIONS } from '../src/cli/options/lift.js';
import { MODEL_OPTIONS } from '../src/cli/options/model.js';
import { RECIPE_OPTIONS } from '../src/cli/options/recipe.js';
import { RUN_CONTROL_OPTIONS } from '../src/cli/options/run-control.js';
import { SCENE_OPTIONS } from '../src/cli/options/scenes.js';
import { classifierRunOptions, segmentRunOptions, type SegmentTrainValues, type TrainValues } from '../src/cli/options/runner-args.js';
import { DEFAULT_CONSTRAINT } from '../src/lifting/index.js';
import { DEFAULT_LAMBDA_P, DEFAULT_LAMBDA_U } from '../src/layers/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/cli-options.json', import.meta.url));
const PROBES = ['-1', '0', '1', '2', '3', '0.5', '1e-3', 'x', 'max,lift'];

function probe(opt: Option): Record<string, unknown> | undefined {
  const parse = (opt as unknown as { parseArg?: (v: string, prev: unknown) => unknown }).parseArg;
  if (!parse) return undefined;
  return Object.fromEntries(PROBES.map((v) => {
    try {
      return [v, parse(v, undefined)];
    } catch (err) {
      return [v, `error: ${(err as Error).message}`];
    }
  }));
}

function describeOption(opt: Option) {
  const choices = (opt as unknown as { parseArg?: { choices?: readonly string[] } }).parseArg?.choices ?? opt.argChoices;
  return {
    flags: opt.flags,
    description: opt.description,
    ...(opt.defaultValue !== undefined ? { default: opt.defaultValue } : {}),
    ...(choices ? { choices } : {}),
    ...(opt.mandatory ? { mandatory: true } : {}),
    ...(opt.hidden ? { hidden: true } : {}),
    ...(probe(opt) ? { parses: probe(opt) } : {}),
  };
}

function snapshot(cmd: Command, path: string[] = [], out: Record<string, unknown> = {}): Record<string, unknown> {
  out[path.join(' ') || '(program)'] = {
    description: cmd.description(),
    arguments: cmd.registeredArguments.map((a) => ({ name: a.name(), description: a.description, required: a.required, variadic: a.variadic })),
    options: cmd.options.map(describeOption),
  };
  for (const sub of cmd.commands) snapshot(sub, [...path, sub.name()], out);
  return out;
}

test('every command keeps its options, help texts, defaults, allowed values and checks (test/fixtures/cli-options.json)', () => {
  const got = JSON.parse(JSON.stringify(snapshot(buildProgram())));
  if (process.env.UPDATE_CLI_OPTIONS) writeFileSync(FIXTURE, `${JSON.stringify(got, null, 2)}\n`);
  const want = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  assert.deepEqual(Object.keys(got), Object.keys(want), 'the commands');
  for (const name of Object.keys(want)) assert.deepEqual(got[name], want[name], name);
});

/** Parse `args` with every action replaced by one that records the parsed options; the error text when parsing fails. */
async function parse(args: string[]): Promise<{ opts?: Record<string, unknown>; err: string }> {
  const program = buildProgram();
  let err = '';
  let opts: Record<string, unknown> | undefined;
  const capture = (c: Command) => {
    c.exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: () => {} });
    if (c.commands.length === 0) {
      c.action(function (this: Command) {
        opts = this.opts();
      });
    }
    c.commands.forEach(capture);
  };
  capture(program);
  await program.parseAsync(args, { from: 'user' }).catch(() => {});
  return { opts, err };
}

test('--lift-kernel-size must be odd in every command that takes it; --depth must be 1-4 (checked when parsing, before any work)', async () => {
  for (const path of [['train'], ['segment', 'train'], ['sweep']]) {
    for (const k of ['2', '4', '0']) {
      const r = await parse([...path, '--lift-kernel-size', k]);
      assert.equal(r.opts, undefined, `${path.join(' ')} --lift-kernel-size ${k} ran`);
      assert.match(r.err, new RegExp(`^liftpool: error: option '--lift-kernel-size <k>' argument '${k}' is invalid\\. expected an odd integer >= 1, got '${k}'`), path.join(' '));
    }
    const ok = await parse([...path, '--lift-kernel-size', '5']);
    assert.equal(ok.err, '');
    assert.equal(ok.opts?.liftKernelSize, 5, path.join(' '));
  }
  for (const d of ['0', '5']) {
    const r = await parse(['segment', 'train', '--depth', d]);
    assert.equal(r.opts, undefined);
    assert.match(r.err, new RegExp(`^liftpool: error: option '--depth <n>' argument '${d}' is invalid\\. expected an integer from 1 to 4, got '${d}'`));
  }
  assert.equal((await parse(['segment', 'train', '--depth', '4'])).opts?.depth, 4);
});

test('option groups: each catalog key is the name commander gives the parsed value; a key outside the group is refused', () => {
  for (const catalog of [DATA_OPTIONS, MODEL_OPTIONS, RECIPE_OPTIONS, LIFT_OPTIONS, RUN_CONTROL_OPTIONS, SCENE_OPTIONS] as Catalog<Record<string, unknown>>[]) {
    for (const [key, def] of Object.entries(catalog)) assert.equal(new Option(def.flags).attributeName(), key, def.flags);
  }
  const opts = optionsOf(RECIPE_OPTIONS, { seed: 7, epochs: undefined }, { seed: 'my seed' });
  assert.deepEqual(opts.map((o) => [o.flags, o.description, o.defaultValue]), [['--epochs <n>', 'training epochs', undefined], ['--seed <n>', 'my seed', 7]], 'catalog order, given defaults and help');
  assert.throws(() => optionsOf(RECIPE_OPTIONS, { width: 1 } as never), /internal: option 'width' is not in this group/);
});

test('the parsed options of train and segment train map to the runner arguments (defaults, and a few given)', async () => {
  const stop = () => false;
  const train = (await parse(['train', '--pool', 'max', '--train-limit', '64', '--no-augment', '--lift-kernel-size', '3', '--out', 'runs/x'])).opts as unknown as TrainValues;
  const { command: c1, shouldStop: s1, ...run } = classifierRunOptions(train, stop);
  assert.equal(s1, stop);
  assert.match(c1, /^liftpool /);
  assert.deepEqual(run, {
    dataset: 'fashion-mnist', arch: 'tiny', pool: 'max', epochs: 5, batchSize: 8, lr: 1e-3, optimizer: 'adam', momentum: 0.9, weightDecay: 0, schedule: 'cosine',
    seed: 0, width: 1, trainLimit: 64, testLimit: undefined, pad32: false, augment: false, liftConstraint: DEFAULT_CONSTRAINT, lambdaU: DEFAULT_LAMBDA_U,
    lambdaP: DEFAULT_LAMBDA_P, liftKernelSize: 3, diagnoseEvery: undefined, out: 'runs/x', resume: false, force: false, refuseExisting: true, quiet: false,
  });
  const seg = (await parse(['segment', 'train', '--down-up', 'max-maxunpool', '--scene-seed', '4', '--resume', '--quiet'])).opts as unknown as SegmentTrainValues;
  const { command: _c2, shouldStop: _s2, ...segRun } = segmentRunOptions(seg, stop);
  assert.deepEqual(segRun, {
    dataset: 'mnist', downUp: 'max-maxunpool', epochs: 5, batchSize: 16, lr: 1e-3, schedule: 'cosine', seed: 0, sceneSeed: 4, width: 0.25, depth: 3,
    sceneSize: 64, trainScenes: 1000, testScenes: 200, liftConstraint: DEFAULT_CONSTRAINT, lambdaU: DEFAULT_LAMBDA_U, lambdaP: DEFAULT_LAMBDA_P,
    liftKernelSize: undefined, sheetScenes: 6, out: 'runs/segment', resume: true, force: false, refuseExisting: true, quiet: true,
  });
});
