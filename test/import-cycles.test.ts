/**
 * Module-structure checks (issue 17): no value-import cycle anywhere in src/; in src/data no import
 * cycle even through type-only imports, no import of a layer above it, and no file over 300 lines.
 * The graph walk is test/import-graph.ts (`npx tsx test/import-graph.ts` prints the cycles).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cyclePath, cycles, importGraph, tsFiles, valueImports } from './import-graph.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const DATA = path.join(SRC, 'data');

test('valueImports: value imports and re-exports count, type-only ones and dynamic import() do not', () => {
  const src = [
    "import * as tf from '@tensorflow/tfjs';",
    "import type { A } from './types-only.js';",
    "import { type B, type C } from './types-inline.js';",
    "import { type D, e } from './mixed.js';",
    "import def from './default.js';",
    "import './side-effect.js';",
    "export * from './reexport.js';",
    "export type { F } from './type-reexport.js';",
    "export { type G } from './type-reexport-inline.js';",
    "export { h } from './named-reexport.js';",
    '/* import { x } from "./in-comment.js"; */',
    "const s = \"import { y } from './in-string.js'\";",
    "async function later() { return import('./dynamic.js'); }",
    'export const z = 1;',
  ].join('\n');
  assert.deepEqual(valueImports(src), ['@tensorflow/tfjs', './mixed.js', './default.js', './side-effect.js', './reexport.js', './named-reexport.js']);
  assert.deepEqual(valueImports(src, true), [
    '@tensorflow/tfjs',
    './types-only.js',
    './types-inline.js',
    './mixed.js',
    './default.js',
    './side-effect.js',
    './reexport.js',
    './type-reexport.js',
    './type-reexport-inline.js',
    './named-reexport.js',
  ]);
});

test('cycles: strongly connected components of known graphs', () => {
  const g = new Map<string, string[]>([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a', 'd']],
    ['d', ['e']],
    ['e', []],
    ['f', ['f']],
    ['g', ['e']],
  ]);
  assert.deepEqual(cycles(g), [['a', 'b', 'c'], ['f']]);
  assert.equal(cyclePath(g, ['a', 'b', 'c'], '.'), 'a -> b -> c -> a');
  assert.deepEqual(cycles(new Map([['x', ['y']], ['y', []]])), []);
});

test('importGraph finds a value cycle between files, and a type-only one only when types count', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'liftpool-cycles-'));
  try {
    writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
    writeFileSync(path.join(dir, 'b.ts'), "import { a } from './a.js';\nexport const b = () => a;\n");
    writeFileSync(path.join(dir, 'c.ts'), "import type { D } from './d.js';\nexport interface C { d?: D }\n");
    writeFileSync(path.join(dir, 'd.ts'), "import { c } from './e.js';\nimport type { C } from './c.js';\nexport interface D { c?: C }\nexport const dd = c;\n");
    writeFileSync(path.join(dir, 'e.ts'), 'export const c = 1;\n');
    const files = tsFiles(dir);
    const names = (cs: string[][]) => cs.map((c) => c.map((f) => path.basename(f)));
    assert.deepEqual(importGraph(files).get(path.join(dir, 'd.ts')), [path.join(dir, 'e.ts')]);
    assert.deepEqual(names(cycles(importGraph(files))), [['a.ts', 'b.ts']]);
    assert.deepEqual(names(cycles(importGraph(files, true))), [['a.ts', 'b.ts'], ['c.ts', 'd.ts']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('src/: no value-import cycle', () => {
  const g = importGraph(tsFiles(SRC));
  assert.ok(g.size > 50, `expected the whole source tree, got ${g.size} files`);
  const found = cycles(g).map((c) => cyclePath(g, c, ROOT));
  assert.deepEqual(found, [], `value-import cycles in src/:\n${found.join('\n')}`);
});

test('src/data: no import cycle even through type-only imports, nothing imported from the layers above', () => {
  const files = tsFiles(DATA);
  const g = importGraph(files, true);
  const found = cycles(g).map((c) => cyclePath(g, c, ROOT));
  assert.deepEqual(found, [], `import cycles in src/data:\n${found.join('\n')}`);
  for (const [f, deps] of g) {
    for (const d of deps) assert.ok(d.startsWith(DATA + path.sep), `${path.relative(ROOT, f)} imports ${path.relative(ROOT, d)} (data/ must not import from other src/ folders)`);
  }
});

test('src/data: every file is at most 300 lines', () => {
  for (const f of tsFiles(DATA)) {
    const lines = readFileSync(f, 'utf8').split('\n').length - 1;
    assert.ok(lines <= 300, `${path.relative(ROOT, f)} has ${lines} lines`);
  }
});
