/** `liftpool report DIR... --out DIR`: one self-contained HTML page (and Markdown) from result directories. */
import { Command } from 'commander';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { buildReport } from '../../report/build.js';
import { renderHtml } from '../../report/render-html.js';
import { renderMarkdown } from '../../report/render-markdown.js';
import { commandLine } from '../provenance.js';
import { addOptions } from '../options/define.js';
import { runControlOptions } from '../options/run-control.js';

export function reportCommand(): Command {
  const cmd = new Command('report')
    .description('write DIR/report.html (self-contained, offline) and DIR/report.md (+ charts/, sheets/) from the results.json files of train / sweep / segment train and the --json files of robustness below the given directories')
    .argument('<dirs...>', 'result directories (searched recursively) or JSON files');
  return addOptions(cmd, runControlOptions({ out: 'docs/report' })).action(async (dirs: string[], o: { out: string }) => {
    const command = commandLine();
    const report = await buildReport(dirs, { command });
    const html = renderHtml(report.title, report.blocks);
    const md = renderMarkdown(report.blocks);
    for (const [path, data] of md.assets) writeFileAtomic(join(o.out, path), data);
    writeFileAtomic(join(o.out, 'report.md'), md.markdown);
    writeFileAtomic(join(o.out, 'report.html'), html);
    const c = report.collected;
    for (const u of c.unreadable) process.stderr.write(`warning: left out ${u}\n`);
    console.log(`${c.classification.length} classification, ${c.robustness.length} robustness, ${c.segmentation.length} segmentation results in ${report.classification.length + report.robustness.length + report.segmentation.length} experiments`);
    console.log(`wrote ${join(o.out, 'report.html')}, ${join(o.out, 'report.md')} and ${md.assets.size} chart/sheet files`);
  });
}
