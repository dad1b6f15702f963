/**
 * `liftpool report`'s content: every classification, robustness and segmentation experiment found in
 * the result files, as tables (with the runs behind each row), charts and prediction sheets.
 */
import { relative } from 'node:path';
import { lineChartSvg } from './plot.js';
import { barChartSvg } from './charts.js';
import { collectResults, type Collected, type Provenance } from './collect.js';
import { classificationExperiments, segmentationExperiments, type Experiment } from './classification.js';
import { robustnessExperiments, type RobustnessExperiment } from './robustness.js';
import { diffText, type Block, type Cell, type RunInfo } from './document.js';
import { corruptionTable, experimentTable, robustnessTable } from './tables.js';

export interface ReportOptions {
  /** The command that made the report (shown at the top). */
  command: string;
  date?: string;
}

export interface Report {
  title: string;
  blocks: Block[];
  collected: Collected;
  classification: Experiment[];
  segmentation: Experiment[];
  robustness: RobustnessExperiment[];
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const setupText = (s: Record<string, string | number>) => Object.entries(s).map(([k, v]) => `${k} ${v}`).join(', ');

class Runs {
  readonly list: RunInfo[] = [];
  private byFile = new Map<string, number>();
  add(kind: string, file: string, p: Provenance): void {
    const id = this.list.length + 1;
    this.byFile.set(file, id);
    this.list.push({ id, kind, file: relative(process.cwd(), file) || file, command: p.command, date: p.date, version: p.liftpoolVersion ?? '?', backend: p.backend ?? '?' });
  }
  cite(files: string[]): Cell {
    return { runs: files.map((f) => this.byFile.get(f)!).filter((id) => id != null) };
  }
}

async function experimentBlocks(e: Experiment, runs: Runs): Promise<Block[]> {
  const seg = e.kind === 'segmentation';
  const blocks: Block[] = [
    { type: 'h3', text: e.title, id: `${e.kind}-${slug(e.title)}` },
    { type: 'p', text: `Setup: ${setupText(e.setup)}.` },
    { type: 'table', ...experimentTable(e, (f) => runs.cite(f)) },
  ];
  const focus = e.rows.find((r) => r.name === (seg ? 'lift-liftup' : 'lift'));
  if (focus?.diff) {
    blocks.push({ type: 'p', text: `${focus.name} vs ${e.reference}: **${focus.verdict}** (Δ ${diffText(focus.diff)} pp over seeds ${focus.diff.seeds.join(', ')}; ${e.lowerIsBetter ? 'lower' : 'higher'} is better).` });
  }
  const name = `${e.kind}-${slug(e.title)}`;
  blocks.push({
    type: 'chart', name: `${name}-bars`,
    svg: await barChartSvg(e.rows.map((r) => ({ name: r.name, value: r.metric.mean, lo: r.metric.mean - r.metric.std, hi: r.metric.mean + r.metric.std })), {
      title: `${e.title}: ${e.metricName} (bars: ± std)`, yTitle: e.metricName,
    }),
  });
  const curves = e.rows.filter((r) => r.curve.length > 0).map((r) => ({ name: r.name, points: r.curve }));
  if (curves.length) {
    blocks.push({ type: 'chart', name: `${name}-curves`, svg: await lineChartSvg(curves, { title: `${e.title}: learning curves (mean over seeds)`, xTitle: 'epoch', yTitle: e.metricName }) });
  }
  return blocks;
}

function sheetBlocks(e: Experiment, c: Collected): Block[] {
  const byFile = new Map(c.segmentation.map((f) => [f.file, f]));
  const out: Block[] = [];
  for (const r of e.rows) {
    // the sheet of the row's lowest seed that has one
    const f = r.files.map((file) => byFile.get(file)!).find((x) => x?.sheet);
    if (!f) continue;
    out.push({ type: 'image', name: `${slug(e.title)}-${f.data.downUp}-seed${f.data.seed}`, path: f.sheet!, caption: `${f.data.downUp}, seed ${f.data.seed}: image | truth | prediction | errors` });
  }
  return out.length ? [{ type: 'p', text: 'Prediction sheets (first test scenes):' }, ...out] : [];
}

async function robustnessBlocks(e: RobustnessExperiment, runs: Runs): Promise<Block[]> {
  const name = `robustness-${slug(e.title)}`;
  const blocks: Block[] = [
    { type: 'h3', text: e.title, id: name },
    { type: 'p', text: `Setup: ${setupText(e.setup)}. Every number: mean ± half-width of the 95% Student-t CI over training seeds; mCE, relative mCE and mFR against the max-pool model of the same seed.` },
    { type: 'table', ...robustnessTable(e, (f) => runs.cite(f)) },
    { type: 'chart', name: `${name}-severity`, svg: await lineChartSvg(e.rows.map((r) => ({ name: r.pool, points: r.bySeverity.map((v, i): [number, number] => [e.severities[i], v.mean]) })), {
      title: `${e.title}: error vs severity (mean over corruptions and seeds)`, xTitle: 'severity', yTitle: 'error %',
    }) },
  ];
  const withMce = e.rows.filter((r) => r.mCE);
  if (withMce.length) {
    blocks.push({ type: 'chart', name: `${name}-mce`, svg: await barChartSvg(withMce.map((r) => ({ name: r.pool, value: r.mCE!.mean, ...(r.mCE!.n > 1 ? { lo: r.mCE!.lo, hi: r.mCE!.hi } : {}) })), {
      title: `${e.title}: mCE vs max (bars: 95% CI)`, yTitle: 'mCE',
    }) });
  }
  blocks.push({ type: 'details', summary: `Error per corruption and severity (${e.corruptions.length} × ${e.severities.length})`, blocks: [{ type: 'table', ...corruptionTable(e) }] });
  return blocks;
}

export async function buildReport(dirs: readonly string[], opts: ReportOptions): Promise<Report> {
  const collected = collectResults(dirs);
  const total = collected.classification.length + collected.segmentation.length + collected.robustness.length;
  if (total === 0) throw new Error(`no result files (results.json of train / segment train, --json of robustness) below ${dirs.join(', ')}`);
  const runs = new Runs();
  collected.classification.forEach((f) => runs.add('train', f.file, f.data));
  collected.robustness.forEach((f) => runs.add('robustness', f.file, f.data));
  collected.segmentation.forEach((f) => runs.add('segment train', f.file, f.data));
  const classification = classificationExperiments(collected.classification);
  const robustness = robustnessExperiments(collected.robustness);
  const segmentation = segmentationExperiments(collected.segmentation);
  const title = 'liftpool experiment report';
  const blocks: Block[] = [
    { type: 'h1', text: title },
    { type: 'p', text: `Made by \`${opts.command}\` on ${opts.date ?? new Date().toISOString()} from ${collected.classification.length} classification, ${collected.robustness.length} robustness and ${collected.segmentation.length} segmentation result files. Every row cites its runs (R…); the list of runs at the end gives the command that produced each.` },
    { type: 'p', text: 'Δ is the paired difference to the reference on the seeds both have (same seed = same initialisation, data order and subset), with a 95% Student-t confidence interval; the verdict is better or worse when that interval excludes 0, indistinguishable when it contains 0, n/a with fewer than 2 pairs.' },
  ];
  if (classification.length) {
    blocks.push({ type: 'h2', text: 'Classification', id: 'classification' });
    blocks.push({ type: 'table', header: ['experiment', 'lift vs max', 'Δ test error (pp) [95% CI]'], rows: classification.map((e) => {
      const lift = e.rows.find((r) => r.name === 'lift');
      return [e.title, lift?.verdict ?? 'no lift runs', diffText(lift?.diff ?? null)];
    }) });
    for (const e of classification) blocks.push(...(await experimentBlocks(e, runs)));
  }
  if (robustness.length) {
    blocks.push({ type: 'h2', text: 'Robustness', id: 'robustness' });
    for (const e of robustness) blocks.push(...(await robustnessBlocks(e, runs)));
  }
  if (segmentation.length) {
    blocks.push({ type: 'h2', text: 'Segmentation', id: 'segmentation' });
    for (const e of segmentation) blocks.push(...(await experimentBlocks(e, runs)), ...sheetBlocks(e, collected));
  }
  blocks.push({ type: 'h2', text: 'Runs', id: 'runs' }, { type: 'runs', runs: runs.list });
  return { title, blocks, collected, classification, segmentation, robustness };
}
