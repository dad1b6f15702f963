import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { planSweep } from '../src/cli/commands/sweep.js';
import { freeCores, progressFraction } from '../src/cli/jobs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 300_000 });

/** A tiny real sweep: 2 pools x 1 seed of the tiny CNN on 64 MNIST images. */
const TINY = ['sweep', '--dataset', 'mnist', '--arch', 'tiny', '--pools', 'max,lift', '--seeds', '0', '--train-limit', '64', '--test-limit', '40', '--epochs', '1', '--batch-size', '32'];
const RUNS = ['max/seed0', 'lift/seed0'];

/** Everything in results.json that is a result, not a timing or a date; and the trained weights. */
function metrics(dir: string): string {
  const r = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
  const history = r.history.map((h: Record<string, number>) => ({ ...h, seconds: 0, imagesPerSecond: 0 }));
  const { trainSeconds: _t, imagesPerSecond: _i, date: _d, command: _c, ...rest } = r;
  return JSON.stringify({ ...rest, history, weights: readFileSync(join(dir, 'weights.bin')).toString('base64') });
}

test('progressFraction reads the batch and epoch lines of a training child', () => {
  assert.equal(progressFraction('epoch 2 batch 5/10 loss 0.1 acc 0.9 100 img/s', 4), 0.375);
  assert.equal(progressFraction('[max] epoch 3/4 lr 1e-3 loss 0.2', 4), 0.75);
  assert.equal(progressFraction('backend: wasm', 4), null);
  assert.ok(freeCores() >= 1);
});

test('planSweep: one child per name x seed, options the user gave forwarded, -- options appended', () => {
  const given = new Set(['lambdaU']);
  const o = { task: 'classify', dataset: 'fashion-mnist', arch: 'vgg13', pools: ['max', 'lift'], seeds: [0, 1], epochs: 3, batchSize: 32, lr: 3e-3, width: 0.25, lambdaU: 0, augment: true, out: 'runs/x' };
  const plan = planSweep(o, (k) => given.has(k), ['--lift-kernel-size', '3']);
  assert.deepEqual(plan.jobs.map((j) => j.label), ['max s0', 'lift s0', 'max s1', 'lift s1']);
  assert.equal(plan.jobs[3].dir, join('runs/x', 'lift', 'seed1'));
  assert.deepEqual(plan.jobs[3].args, ['train', '--pool', 'lift', '--seed', '1', '--dataset', 'fashion-mnist', '--arch', 'vgg13', '--epochs', '3', '--batch-size', '32',
    '--lr', '0.003', '--width', '0.25', '--lambda-u', '0', '--lift-kernel-size', '3']);
  const seg = planSweep({ ...o, task: 'segment', downUps: ['max-maxunpool'], seeds: [2] }, (k) => k === 'epochs', ['--scene-size', '32']);
  assert.deepEqual(seg.jobs[0].args, ['segment', 'train', '--down-up', 'max-maxunpool', '--seed', '2', '--epochs', '3', '--scene-size', '32']);
  assert.throws(() => planSweep({ ...o, task: 'segment' }, (k) => k === 'trainLimit' || k === 'pools'), /--pools is for --task classify/);
  assert.throws(() => planSweep({ ...o, task: 'segment', trainLimit: 10 }, (k) => k === 'trainLimit'), /--train-limit does not apply to --task segment/);
});

test('sweep --jobs 2 gives byte-identical metrics and weights to --jobs 1; a second sweep skips finished runs; --quiet prints no progress', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-sweep-'));
  try {
    const a = cli([...TINY, '--jobs', '1', '--out', join(dir, 'a')]);
    assert.equal(a.status, 0, a.stderr);
    assert.match(a.stderr, /\[sweep: 0\/2 done, 1 running\] start max s0/);
    assert.match(a.stderr, /max s0: epoch 1\/1 .*test_acc/);
    assert.match(a.stdout, /\| max \| 1 \|/);
    const b = cli([...TINY, '--jobs', '2', '--out', join(dir, 'b'), '--quiet']);
    assert.equal(b.status, 0, b.stderr);
    assert.equal(b.stderr.match(/sweep:|start|done/g), null, `--quiet: ${b.stderr}`);
    for (const run of RUNS) assert.equal(metrics(join(dir, 'b', run)), metrics(join(dir, 'a', run)), run);
    const before = statSync(join(dir, 'a', 'max/seed0/results.json')).mtimeMs;
    const again = cli([...TINY, '--jobs', '2', '--out', join(dir, 'a')]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /skip max s0: .*results\.json exists/);
    assert.match(again.stderr, /skip lift s0/);
    assert.equal(statSync(join(dir, 'a', 'max/seed0/results.json')).mtimeMs, before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a killed sweep continues where it stopped: finished runs are kept, the rest runs, metrics as without the kill', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-sweep-kill-'));
  try {
    const out = join(dir, 'k');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...TINY, '--jobs', '1', '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    // Kill the sweep once the first run has finished and the second one has started.
    await new Promise<void>((res, rej) => {
      const t0 = Date.now();
      const poll = setInterval(() => {
        if (/start lift s0/.test(stderr)) {
          clearInterval(poll);
          res();
        } else if (Date.now() - t0 > 240_000 || child.exitCode != null) {
          clearInterval(poll);
          rej(new Error(`the sweep did not reach its second run: ${stderr}`));
        }
      }, 100);
    });
    child.kill('SIGTERM');
    const code = await exited;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted; 1\/2 runs finished/);
    assert.ok(existsSync(join(out, 'max/seed0/results.json')));
    assert.ok(!existsSync(join(out, 'lift/seed0/results.json')), 'the second run was stopped');
    assert.ok(!existsSync(join(out, 'lift/seed0/.sweep-lock')), 'no stale lock');
    const kept = readFileSync(join(out, 'max/seed0/results.json'), 'utf8');
    const rerun = cli([...TINY, '--jobs', '1', '--out', out]);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(rerun.stderr, /skip max s0/);
    assert.match(rerun.stderr, /done lift s0/);
    assert.equal(readFileSync(join(out, 'max/seed0/results.json'), 'utf8'), kept);
    const ref = cli([...TINY, '--jobs', '2', '--out', join(dir, 'ref'), '--quiet']);
    assert.equal(ref.status, 0, ref.stderr);
    for (const run of RUNS) assert.equal(metrics(join(out, run)), metrics(join(dir, 'ref', run)), run);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run with a checkpoint and no results is continued with --resume', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-sweep-resume-'));
  try {
    const out = join(dir, 'r');
    const run = join(out, 'max', 'seed0');
    const t = cli(['train', '--dataset', 'mnist', '--arch', 'tiny', '--pool', 'max', '--seed', '0', '--train-limit', '64', '--test-limit', '40', '--epochs', '1',
      '--batch-size', '32', '--lr', '0.003', '--width', '0.25', '--out', run, '--quiet']);
    assert.equal(t.status, 0, t.stderr);
    rmSync(join(run, 'results.json'));
    const s = cli([...TINY.map((x) => (x === 'max,lift' ? 'max' : x === '1' ? '2' : x)), '--jobs', '1', '--out', out]);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stderr, /start max s0 \(resuming its checkpoint\)/);
    assert.match(readFileSync(join(run, 'sweep.log'), 'utf8'), /--resume\n[^]*resuming from epoch 1 of 2/);
    assert.equal(JSON.parse(readFileSync(join(run, 'results.json'), 'utf8')).history.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run locked by a live process is left alone (reported, not run twice)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-sweep-lock-'));
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    const run = join(dir, 'max', 'seed0');
    mkdirSync(run, { recursive: true });
    writeFileSync(join(run, '.sweep-lock'), JSON.stringify({ sweepPid: holder.pid, childPid: holder.pid }));
    const s = cli([...TINY.map((x) => (x === 'max,lift' ? 'max' : x)), '--jobs', '1', '--out', dir]);
    assert.equal(s.status, 1);
    assert.match(s.stderr, new RegExp(`skip max s0: process ${holder.pid} is running it`));
    assert.match(s.stderr, /liftpool: error: 1 of 1 runs did not finish: max s0 is being run by another process/);
    assert.ok(!existsSync(join(run, 'results.json')) && !existsSync(join(run, 'sweep.log')), 'not started');
  } finally {
    holder.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
