import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

test('docs/experiments.md quotes the hours that scripts/experiments.sh estimate computes', () => {
  const r = spawnSync('bash', ['scripts/experiments.sh', 'estimate'], { cwd: root, encoding: 'utf8', env: { ...process.env, SEEDS: '0 1 2' } });
  assert.equal(r.status, 0, r.stderr);
  const doc = readFileSync(`${root}/docs/experiments.md`, 'utf8');
  const steps: [RegExp, RegExp][] = [
    [/^classification vgg13\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| classification VGG13 \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
    [/^classification resnet18\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| classification ResNet18 \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
    [/^classification mobilenetv2\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| classification MobileNetV2 \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
    [/^ablation vgg13 \S+\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| ablation VGG13 \S+ \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
    [/^robustness \(all backbones\)\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| robustness \(54 models\) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
    [/^segmentation \(5 variants\)\s+(\d+)\s+([\d.]+)\s+([\d.]+)$/m, /^\| segmentation \(5 variants\) \| (\d+) \| ([\d.]+) \| ([\d.]+) \|$/m],
  ];
  for (const [script, docs] of steps) {
    const s = script.exec(r.stdout);
    const d = docs.exec(doc);
    assert.ok(s && d, `${script} / ${docs}`);
    assert.deepEqual(d!.slice(1), s!.slice(1), s![0]);
  }
  const total = /^total\s+([\d.]+)\s+([\d.]+)$/m.exec(r.stdout)!;
  assert.match(doc, new RegExp(`\\| \\*\\*total\\*\\* \\| 135 \\| \\*\\*${total[1].replace('.', '\\.')}\\*\\* \\|`));
  assert.equal(spawnSync('bash', ['-n', 'scripts/experiments.sh']).status, 0);
});

test('scripts/experiment-queue.sh: checks the queue files first, skips what is done or would end after --until, runs the rest and commits each result', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-queue-'));
  try {
    const out = join(dir, 'runs');
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    const git = (...args: string[]) => spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '--allow-empty', '-m', 'start');
    writeFileSync(join(dir, 'a.txt'), 'cls tiny max 0 1   # the tiny CNN\n\nrob tiny max 0 1\nrob tiny lift 0 1\nseg lift-liftup 0 100000\ncls tiny avg 0 1\n');
    // A result committed by an earlier session (not in OUT): that step is done.
    mkdirSync(join(repo, 'docs/results/exp/cls-tiny/avg/seed0'), { recursive: true });
    writeFileSync(join(repo, 'docs/results/exp/cls-tiny/avg/seed0/results.json'), '{}');
    writeFileSync(join(dir, 'bad.txt'), 'cls tiny max 0 1\ncls tiny max\n');
    const run = (...args: string[]) => spawnSync('bash', ['scripts/experiment-queue.sh', ...args], {
      cwd: root, encoding: 'utf8',
      env: {
        ...process.env, OUT: out, COMMIT: '1', RESULTS_REPO: repo, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t',
        DATASET: 'mnist', EPOCHS: '1', TRAIN_LIMIT: '64', TEST_LIMIT: '32', ROB_LIMIT: '10',
      },
    });
    const bad = run('--dry-run', join(dir, 'bad.txt'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /bad\.txt:2: want 'cls ARCH POOL SEED MINUTES': cls tiny max/);
    assert.match(run('--until', 'nonsense', join(dir, 'a.txt')).stderr, /--until: not a time: nonsense/);
    const dry = run('--dry-run', '--until', '60 minutes', join(dir, 'a.txt'));
    assert.equal(dry.status, 0, dry.stderr);
    assert.deepEqual(dry.stdout.trim().split('\n'), [
      'a: would run: cls tiny max 0', 'a: would run: rob tiny max 0', 'a: skip (model not trained): rob tiny lift 0',
      'a: skip (would end after --until): seg lift-liftup 0', 'a: done already: cls tiny avg 0',
    ]);
    // The dry run lets each step take its minutes: the second 40-minute step would end after the hour.
    writeFileSync(join(dir, 'b.txt'), 'cls tiny max 1 40\ncls tiny max 2 40\nrob tiny max 2 5\n');
    assert.equal(run('--dry-run', '--until', '60 minutes', join(dir, 'b.txt')).stdout,
      'b: would run: cls tiny max 1\nb: skip (would end after --until): cls tiny max 2\nb: skip (model not trained): rob tiny max 2\n');
    const real = run('--until', '60 minutes', join(dir, 'a.txt'));
    assert.equal(real.status, 0, real.stderr);
    const log = readFileSync(join(out, 'queue-a.log'), 'utf8');
    assert.match(log, /done: cls tiny max 0[\s\S]*done: rob tiny max 0[\s\S]*skip \(model not trained\): rob tiny lift 0[\s\S]*skip \(would end after --until\): seg lift-liftup 0\ndone already: cls tiny avg 0/);
    assert.ok(existsSync(join(repo, 'docs/results/exp/cls-tiny/max/seed0/results.json')));
    assert.ok(existsSync(join(repo, 'docs/results/exp/robustness/tiny/max-seed0.json')));
    assert.deepEqual(git('log', '--format=%s').stdout.trim().split('\n'), ['experiments: rob tiny max 0', 'experiments: cls tiny max 0', 'start']);
    const again = run('--dry-run', join(dir, 'a.txt'));
    assert.match(again.stdout, /a: done already: cls tiny max 0\na: done already: rob tiny max 0\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Two ways to stop: SIGTERM to the script, and SIGTERM to every process of it (`pkill -f`, which also
// reaches the queues' subshells before the script can stop them). Either way the training run gets
// one signal (a second would make it quit without a new checkpoint) and nothing is left running.
for (const how of ['the script', 'every process of the script'] as const) {
  test(`scripts/experiment-queue.sh: SIGTERM to ${how} stops the queues and their running step, which checkpoints; nothing is left running`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'liftpool-queue-stop-'));
    try {
      const out = join(dir, 'runs');
      writeFileSync(join(dir, 'a.txt'), 'cls tiny max 0 1\n');
      const child = spawn('bash', ['scripts/experiment-queue.sh', join(dir, 'a.txt')], {
        cwd: root, stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, OUT: out, DATASET: 'mnist', EPOCHS: '200', TRAIN_LIMIT: '128', TEST_LIMIT: '32' },
      });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const run = join(out, 'cls-tiny/max/seed0');
      const checkpoint = join(run, 'checkpoint/state.json');
      for (let i = 0; i < 600 && !existsSync(checkpoint); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(existsSync(checkpoint), 'the run wrote its first epoch checkpoint');
      if (how === 'the script') child.kill('SIGTERM');
      else assert.equal(spawnSync('pkill', ['-TERM', '-f', `experiment-queue.sh ${join(dir, 'a.txt')}`]).status, 0);
      assert.equal(await exited, 130);
      assert.match(stderr, /experiment-queue: stopped/);
      for (let i = 0; i < 100 && spawnSync('pgrep', ['-f', out]).stdout.length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(spawnSync('pgrep', ['-f', out], { encoding: 'utf8' }).stdout.trim(), '', 'no process of the queue is left');
      assert.ok(!existsSync(join(run, 'results.json')), 'the run did not finish');
      const log = readFileSync(join(run, 'sweep.log'), 'utf8');
      assert.match(log, /SIGTERM: stopping after this batch and writing a checkpoint/);
      assert.doesNotMatch(log, /again: quitting/);
      assert.match(readFileSync(join(out, 'queue-a.log'), 'utf8'), /start: cls tiny max 0/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
