/**
 * `liftpool table DIR...`: the experiment tables (classification / robustness / segmentation, whichever
 * result files are below DIR) as Markdown, printed and written to DIR/table.md and DIR/table.json.
 * The same tables as `liftpool report`, without charts.
 */
import { Command, Option } from 'commander';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { collectResults, type ResultKind } from '../../report/collect.js';
import { classificationExperiments, segmentationExperiments } from '../../report/classification.js';
import { robustnessExperiments } from '../../report/robustness.js';
import { experimentTable, robustnessTable } from '../../report/tables.js';
import { markdownTable } from '../../report/markdown.js';
import { commandLine } from '../provenance.js';
import { addOptions } from '../options/define.js';
import { runControlOptions } from '../options/run-control.js';

const KINDS = ['classification', 'robustness', 'segmentation'] as const;

export interface Tables {
  markdown: string;
  json: Record<string, unknown>;
}

/** The tables of every experiment below `dirs` (only `kinds`, when given). */
export function experimentTables(dirs: readonly string[], kinds: readonly ResultKind[] = KINDS): Tables {
  const c = collectResults(dirs);
  for (const u of c.unreadable) process.stderr.write(`warning: left out ${u}\n`);
  const parts: string[] = [];
  const json: Record<string, unknown> = {};
  const text = (cells: (string | { runs: number[] })[]) => cells.map((x) => (typeof x === 'string' ? x : ''));
  if (kinds.includes('classification') && c.classification.length) {
    const ex = classificationExperiments(c.classification);
    json.classification = ex;
    for (const e of ex) {
      const t = experimentTable(e, null);
      parts.push(`### ${e.title}\n\n${markdownTable(t.header, t.rows.map(text))}`);
    }
  }
  if (kinds.includes('robustness') && c.robustness.length) {
    const ex = robustnessExperiments(c.robustness);
    json.robustness = ex;
    for (const e of ex) {
      const t = robustnessTable(e, null);
      parts.push(`### Robustness: ${e.title}\n\n${markdownTable(t.header, t.rows.map(text))}\n\nmean ± half-width of the 95% CI over training seeds; mCE, relative mCE, mFR vs the max-pool model of the same seed.`);
    }
  }
  if (kinds.includes('segmentation') && c.segmentation.length) {
    const ex = segmentationExperiments(c.segmentation);
    json.segmentation = ex;
    for (const e of ex) {
      const t = experimentTable(e, null);
      parts.push(`### Segmentation: ${e.title}\n\n${markdownTable(t.header, t.rows.map(text))}`);
    }
  }
  if (parts.length === 0) throw new Error(`no ${kinds.length === KINDS.length ? '' : `${kinds.join('/')} `}result files below ${dirs.join(', ')}`);
  return { markdown: parts.join('\n\n'), json };
}

/** Write DIR/table.md and DIR/table.json; returns the Markdown. */
export function writeTables(dir: string, dirs: readonly string[], command: string, kinds?: readonly ResultKind[]): string {
  const t = experimentTables(dirs, kinds);
  writeFileAtomic(join(dir, 'table.md'), `${t.markdown}\n\nMade by \`${command}\`. Δ: paired difference on the same seeds with a 95% Student-t CI.\n`);
  writeFileAtomic(join(dir, 'table.json'), JSON.stringify({ command, ...t.json }, null, 2));
  return t.markdown;
}

export function tableCommand(): Command {
  const cmd = new Command('table')
    .description('tables (mean ± std over seeds, paired Δ to max / max-maxunpool with 95% CI; robustness mCE etc.) of the result files below DIR...; writes table.md and table.json into the first DIR (or --out)')
    .argument('<dirs...>', 'directories with results.json / robustness JSON files (searched recursively)');
  return addOptions(cmd,
    new Option('--kind <kind>', 'only this kind of result').choices(KINDS),
    runControlOptions({ out: undefined }, { out: 'where to write table.md and table.json (default: the first DIR)' }),
  ).action((dirs: string[], o: { kind?: ResultKind; out?: string }) => {
    console.log(writeTables(o.out ?? dirs[0], dirs, commandLine(), o.kind ? [o.kind] : undefined));
  });
}
