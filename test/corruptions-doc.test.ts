/**
 * docs/corruptions.md against the corruption specs: the severity table between the
 * `<!-- corruption-table:begin -->` / `end` markers must be exactly the table rendered from
 * CORRUPTION_SPECS (names, order, group, seeded or not, parameter text, every severity's values).
 * Regenerate it with `LIFTPOOL_WRITE_DOCS=1 node --import tsx --test test/corruptions-doc.test.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORRUPTION_SPECS, severityCell, type CorruptionName } from '../src/data/corruption-specs.js';
import { CORRUPTIONS } from '../src/data/corruptions.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DOC = path.join(ROOT, 'docs', 'corruptions.md');
const BEGIN = '<!-- corruption-table:begin (generated from src/data/corruption-specs.ts; see test/corruptions-doc.test.ts) -->';
const END = '<!-- corruption-table:end -->';

function renderTable(): string {
  const rows = ['| corruption | group | seeded | parameter | 1 | 2 | 3 | 4 | 5 |', '|---|---|---|---|---|---|---|---|---|'];
  for (const name of Object.keys(CORRUPTION_SPECS) as CorruptionName[]) {
    const s = CORRUPTION_SPECS[name];
    const cells = [0, 1, 2, 3, 4].map((i) => severityCell(name, i));
    rows.push(`| ${name} | ${s.category} | ${s.random ? 'yes' : 'no'} | ${s.parameter} | ${cells.join(' | ')} |`);
  }
  return rows.join('\n');
}

function docTable(doc: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  assert.ok(a >= 0 && b > a, `docs/corruptions.md must hold the markers ${BEGIN} … ${END}`);
  return doc.slice(a + BEGIN.length, b).trim();
}

test('docs/corruptions.md: the severity table is the one rendered from the corruption specs', () => {
  let doc = readFileSync(DOC, 'utf8');
  const want = renderTable();
  if (process.env.LIFTPOOL_WRITE_DOCS) {
    doc = doc.slice(0, doc.indexOf(BEGIN) + BEGIN.length) + '\n' + want + '\n' + doc.slice(doc.indexOf(END));
    writeFileSync(DOC, doc);
  }
  assert.equal(docTable(doc), want, 'docs/corruptions.md disagrees with src/data/corruption-specs.ts; regenerate with LIFTPOOL_WRITE_DOCS=1 (see this test)');
});

test('the rendered table shows every corruption with all five severities, and the doc names only files that exist', () => {
  const lines = renderTable().split('\n').slice(2);
  assert.deepEqual(lines.map((l) => l.split(' | ')[0].slice(2)), [...CORRUPTIONS]);
  for (const l of lines) assert.equal(l.split(' | ').length, 9, l);
  // Spot checks against the records, so a renderer bug cannot hide behind a regenerated doc.
  assert.ok(lines[0].endsWith('| 0.08 | 0.12 | 0.18 | 0.26 | 0.38 |'));
  assert.ok(lines.find((l) => l.startsWith('| glass_blur |'))?.endsWith('| 0.5; 0.6; 1 | 0.6; 0.8; 1 | 0.7; 1; 2 | 0.8; 1.2; 2 | 0.9; 1.5; 2 |'));
  assert.ok(lines.find((l) => l.startsWith('| pixelate |'))?.includes('| 0.6 (17 px) | 0.5 (14 px) | 0.4 (11 px) | 0.3 (8 px) | 0.25 (7 px) |'));
  const doc = readFileSync(DOC, 'utf8');
  for (const m of doc.matchAll(/`(src\/[\w/.-]+\.ts)`/g)) assert.ok(existsSync(path.join(ROOT, m[1])), `docs/corruptions.md names ${m[1]}, which does not exist`);
});
