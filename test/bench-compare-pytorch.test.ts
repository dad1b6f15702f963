/**
 * bench/compare-pytorch.ts runs end to end when PyTorch is installed (a measuring instrument: the
 * test is skipped without it; Debian `apt-get install python3-torch`), and says so clearly when it
 * is not.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const torchPython = ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);

const run = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'bench/compare-pytorch.ts', ...args], { encoding: 'utf8', timeout: 300_000 });

test('compare-pytorch: one interleaved step each prints the four rows with ratios, for both constraint forms', { skip: torchPython ? false : 'python3-torch is not installed' }, () => {
  for (const form of ['detached', 'paper']) {
    const r = run(['--steps', '1', '--batch', '4', '--torch-threads', '1', '--constraint', form, '--python', torchPython!]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`LiftPool constraint form '${form}'`));
    for (const row of [/\| liftpool \(wasm\) \| max \| \d+ \| \d+ /, /\| liftpool \(wasm\) \| lift \| \d+ \| \d+ .*\| \d+\.\d\d \| \d+\.\d\d \|/, /\| PyTorch [^|]+ \| max \| 1 \| \d+ /, /\| PyTorch [^|]+ \| lift \| 1 \| \d+ .*\| \d+\.\d\d \|/]) {
      assert.match(r.stdout, row);
    }
  }
});

test('compare-pytorch: an unknown constraint form is a clear one-line error', () => {
  const r = run(['--constraint', 'relative']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /compare-pytorch: --constraint must be one of detached, paper, got relative/);
});

test('compare-pytorch: a Python without torch is a clear one-line error', () => {
  const r = run(['--python', process.execPath]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /compare-pytorch: no Python with torch among .* \(Debian: apt-get install python3-torch; or pass --python\)/);
});
