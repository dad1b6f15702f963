/**
 * Aggregate experiment outputs into the README's tables (mean ± std over seeds).
 *   npx tsx scripts/tables.ts robustness runs/robustness     (JSON files of `liftpool robustness`)
 *   npx tsx scripts/tables.ts segmentation runs/segment       (results.json of `liftpool segment train`)
 * Writes DIR/table.md next to the inputs and prints it.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable, meanStd } from '../src/report/markdown.js';

function files(dir: string, match: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, match));
    else if (match(name)) out.push(p);
  }
  return out;
}

const groupBy = <T>(xs: T[], key: (x: T) => string) => {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
};

const pct = (v: number[]) => meanStd(v.map((x) => 100 * x), 1).text;

interface Rob {
  model: { pool: string; trainSeed: number; cleanError: number; meanCorruptionError: number; shift: { consistency: number } | null; meanFlipRate: number };
  comparison: { mCE: number; relativeMCE: number; mFR: number } | null;
  testSize: number;
}

function robustness(dir: string): string {
  const runs = files(dir, (n) => n.endsWith('.json') && n !== 'table.json').map((f) => JSON.parse(readFileSync(f, 'utf8')) as Rob);
  const order = ['max', 'avg', 'skip', 'blur', 'wavelet', 'lift'];
  const groups = [...groupBy(runs, (r) => r.model.pool)].sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  const rows = groups.map(([pool, rs]) => {
    const cmp = (f: (c: NonNullable<Rob['comparison']>) => number) => (rs.every((r) => r.comparison) ? meanStd(rs.map((r) => f(r.comparison!)), 3).text : '1 (baseline)');
    return [pool, String(rs.length), pct(rs.map((r) => r.model.cleanError)), pct(rs.map((r) => r.model.meanCorruptionError)), cmp((c) => c.mCE), cmp((c) => c.relativeMCE),
      pct(rs.map((r) => r.model.shift?.consistency ?? NaN)), pct(rs.map((r) => r.model.meanFlipRate)), cmp((c) => c.mFR)];
  });
  return markdownTable(['pool', 'seeds', 'clean error %', 'mean corruption error %', 'mCE (vs max)', 'relative mCE', 'shift consistency %', 'mean flip rate %', 'mFR (vs max)'], rows)
    + `\n\n${runs[0]?.testSize ?? '?'} test images per model; mean ± std over seeds.\n`;
}

interface Seg { downUp: string; seed: number; mIoU: number; mIoUNoBackground: number; pixelAccuracy: number; params: number; imagesPerSecond: number; testScenes: number; trainScenes: number }

function segmentation(dir: string): string {
  const runs = files(dir, (n) => n === 'results.json').map((f) => JSON.parse(readFileSync(f, 'utf8')) as Seg);
  const groups = [...groupBy(runs, (r) => r.downUp)].sort((a, b) => meanStd(b[1].map((r) => r.mIoU)).mean - meanStd(a[1].map((r) => r.mIoU)).mean);
  const rows = groups.map(([v, rs]) => [v, String(rs.length), pct(rs.map((r) => r.mIoU)), pct(rs.map((r) => r.mIoUNoBackground)), pct(rs.map((r) => r.pixelAccuracy)), String(rs[0].params), meanStd(rs.map((r) => r.imagesPerSecond), 0).mean.toFixed(0)]);
  return markdownTable(['down/up', 'seeds', 'mIoU % (incl. background)', 'mIoU % (excl. background)', 'pixel accuracy %', 'params', 'train scenes/s'], rows)
    + `\n\n${runs[0]?.trainScenes ?? '?'} training / ${runs[0]?.testScenes ?? '?'} test scenes; mean ± std over seeds.\n`;
}

const [kind, dir] = process.argv.slice(2);
if (!kind || !dir) {
  console.error('usage: tables.ts robustness|segmentation DIR');
  process.exit(2);
}
const table = kind === 'robustness' ? robustness(dir) : kind === 'segmentation' ? segmentation(dir) : null;
if (table == null) {
  console.error(`unknown table '${kind}'`);
  process.exit(2);
}
writeFileSync(join(dir, 'table.md'), `${table}\nMade by \`npx tsx scripts/tables.ts ${kind} ${dir}\`.\n`);
console.log(table);
