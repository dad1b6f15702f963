import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { main } from '../examples/encoder-decoder.js';
import { functionalDemo } from '../examples/functional.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const body = (file: string) =>
  readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8')
    .split('\n').filter((l) => !l.startsWith('if (import.meta.url')).join('\n').trim();

test('README shows examples/functional.ts verbatim, and it round-trips exactly', () => {
  assert.ok(readme.includes(body('functional.ts')), 'README API section must contain examples/functional.ts');
  const { learnedError, pyramidError } = functionalDemo();
  assert.ok(learnedError < 1e-5 && pyramidError < 1e-5);
});

test('README shows examples/encoder-decoder.ts verbatim, and it trains', async () => {
  assert.ok(readme.includes(body('encoder-decoder.ts')), 'README "Use it in your model" must contain examples/encoder-decoder.ts');
  const last = await main();
  assert.ok(Number.isFinite(last));
});
