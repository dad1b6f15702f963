import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/program.js';
import { collectResults } from '../src/report/collect.js';

const find = (c: Command, path: string[]): Command => path.reduce((cmd, name) => cmd.commands.find((s) => s.name() === name)!, c);

test('--help lists the allowed values of every option with a fixed set', () => {
  const program = buildProgram();
  const help = (path: string[]) => find(program, path).helpInformation().replace(/\s+/g, ' ');
  const train = help(['train']);
  assert.match(train, /--pool <name> downsampling \(one of: max, avg, skip, blur, wavelet, lift, lift-ll, lift-lh, lift-hl, lift-hh\)/);
  assert.match(train, /--optimizer <name> optimizer \(one of: adam, sgd\)/);
  assert.match(train, /--schedule <name> learning-rate schedule \(one of: constant, cosine, step\)/);
  assert.match(help(['segment', 'train']), /--down-up <name> down\/up sampling pair \(one of: max-maxunpool, max-bilinear/);
});

test('every subcommand reports a bad argument with the one prefix `liftpool: error:`', async () => {
  for (const path of [['train'], ['eval'], ['segment', 'train'], ['table']]) {
    const program = buildProgram();
    let err = '';
    const capture = (c: Command) => {
      c.exitOverride().configureOutput({ writeErr: (s) => (err += s), writeOut: () => {} });
      c.commands.forEach(capture);
    };
    capture(program);
    await assert.rejects(program.parseAsync([...path, '--frobnicate'], { from: 'user' }));
    assert.match(err, /^liftpool: error: (unknown option '--frobnicate'|required option)/, path.join(' '));
  }
});

test('table names the results.json that is not valid JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'liftpool-table-'));
  try {
    mkdirSync(join(dir, 'max', 'seed0'), { recursive: true });
    writeFileSync(join(dir, 'max', 'seed0', 'results.json'), '{"pool": "max",');
    const c = collectResults([dir]);
    assert.equal(c.unreadable.length, 1);
    assert.match(c.unreadable[0], /max\/seed0\/results\.json: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
