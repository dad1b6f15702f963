/**
 * The report as a list of blocks (headings, text, tables, charts, images), rendered to HTML
 * (render-html.ts) and Markdown (render-markdown.ts), plus the number formats the tables use.
 */
import type { Interval, PairedDifference } from './stats.js';

/** A table cell: text, or references to runs (rendered as links to the list of runs). */
export type Cell = string | { runs: number[] };

export type Block =
  | { type: 'h1' | 'h2' | 'h3'; text: string; id?: string }
  /** Text; `code` spans in backticks. */
  | { type: 'p'; text: string }
  | { type: 'table'; header: string[]; rows: Cell[][] }
  /** `name` is a file stem (Markdown writes charts/<name>.svg). */
  | { type: 'chart'; name: string; svg: string }
  /** A PNG file shown inline (HTML: data URI; Markdown: sheets/<name>.png). */
  | { type: 'image'; name: string; path: string; caption: string }
  | { type: 'details'; summary: string; blocks: Block[] }
  | { type: 'runs'; runs: RunInfo[] };

export interface RunInfo {
  id: number;
  kind: string;
  file: string;
  command: string;
  date: string;
  version: string;
  backend: string;
}

/** The id of a run, as tables cite it. */
export const runLabel = (id: number) => `R${id}`;

const finite = (x: number) => Number.isFinite(x);

export function fixed(x: number | null | undefined, digits = 2): string {
  return x == null || !finite(x) ? '–' : x.toFixed(digits);
}

/** `mean ± std`. */
export function meanStdText(i: Interval, digits = 2): string {
  return i.n === 0 || !finite(i.mean) ? '–' : `${fixed(i.mean, digits)} ± ${fixed(i.std, digits)}`;
}

/** `mean ± half-width of the 95% CI` (just the mean with one value). */
export function meanCIText(i: Interval | null, digits = 2): string {
  if (!i || i.n === 0 || !finite(i.mean)) return '–';
  return i.n < 2 ? fixed(i.mean, digits) : `${fixed(i.mean, digits)} ± ${fixed(i.half, digits)}`;
}

const signed = (x: number, digits: number) => (finite(x) && x > 0 ? `+${x.toFixed(digits)}` : fixed(x, digits));

/** `+1.23 [−0.40, +2.86]` (paired difference with its 95% CI). */
export function diffText(d: PairedDifference | null, digits = 2): string {
  if (!d) return '';
  if (d.n === 0) return 'no shared seeds';
  if (d.n < 2) return `${signed(d.mean, digits)} (1 seed, no CI)`;
  return `${signed(d.mean, digits)} [${signed(d.lo, digits)}, ${signed(d.hi, digits)}]`;
}
