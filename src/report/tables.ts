/** The header and rows of each experiment table, shared by `liftpool report` and `liftpool table`. */
import type { Experiment } from './classification.js';
import type { RobustnessExperiment } from './robustness.js';
import { diffText, fixed, meanCIText, meanStdText, type Cell } from './document.js';
import { verdict } from './stats.js';

/** Cites the runs behind a row (the report links them; the table command leaves the column out). */
export type Cite = ((files: string[]) => Cell) | null;

export interface TableData {
  header: string[];
  rows: Cell[][];
}

/** Classification or segmentation: one row per pool / down-up pair. */
export function experimentTable(e: Experiment, cite: Cite): TableData {
  const seg = e.kind === 'segmentation';
  const header = [seg ? 'down/up' : 'pool', 'seeds', `${e.metricName} (mean ± std)`, `Δ vs ${e.reference} (pp) [95% CI]`, 'verdict',
    ...(seg ? ['mIoU % incl. background (mean ± std)'] : []), 'params', seg ? 'train scenes/s' : 'train images/s', ...(cite ? ['runs'] : [])];
  const rows = e.rows.map((r): Cell[] => [
    r.name, String(r.seeds.length), meanStdText(r.metric), r.name === e.reference ? '(reference)' : diffText(r.diff), r.verdict ?? '',
    ...(seg ? [r.metric2 ? meanStdText(r.metric2) : '–'] : []), String(r.params), fixed(r.imagesPerSecond, seg ? 1 : 0), ...(cite ? [cite(r.files)] : []),
  ]);
  return { header, rows };
}

/**
 * Robustness summary: one row per pool, every number mean ± half-width of the 95% CI over seeds; the mCE
 * verdict says whether that CI lies below 1 (better than max), above 1 (worse) or contains 1.
 */
export function robustnessTable(e: RobustnessExperiment, cite: Cite): TableData {
  const header = ['pool', 'seeds', 'clean error %', 'mean corruption error %', 'mCE (vs max)', 'mCE verdict', 'relative mCE', 'shift consistency %', 'mean flip rate %', 'mFR (vs max)',
    ...(cite ? ['runs'] : [])];
  const rows = e.rows.map((r): Cell[] => [
    r.pool, String(r.seeds.length), meanCIText(r.clean), meanCIText(r.meanCorruptionError), meanCIText(r.mCE, 3),
    r.pool === 'max' ? '(reference)' : r.mCE ? verdict({ ...r.mCE, mean: r.mCE.mean - 1, lo: r.mCE.lo - 1, hi: r.mCE.hi - 1 }, true) : '', meanCIText(r.relativeMCE, 3),
    meanCIText(r.shiftConsistency), meanCIText(r.meanFlipRate), meanCIText(r.mFR, 3), ...(cite ? [cite(r.files)] : []),
  ]);
  return { header, rows };
}

/** Robustness detail: error % per corruption and severity, one column per pool. */
export function corruptionTable(e: RobustnessExperiment): TableData {
  return {
    header: ['corruption', 'severity', ...e.rows.map((r) => `${r.pool} error %`)],
    rows: e.corruptions.flatMap((c) => e.severities.map((s, i) => [c, String(s), ...e.rows.map((r) => meanCIText(r.perCorruption[c][i]))])),
  };
}
