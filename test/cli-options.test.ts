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
import type { Command, Option } from 'commander';
import { buildProgram } from '../src/cli/program.js';

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
