/**
 * The report as Markdown: the same blocks as the HTML page, with charts and images as files next to
 * it (charts/<name>.svg, sheets/<name>.png) referenced by relative paths.
 */
import { readFileSync } from 'node:fs';
import { markdownTable } from './markdown.js';
import { runLabel, type Block, type Cell } from './document.js';

export interface MarkdownOutput {
  markdown: string;
  /** Files to write next to the Markdown file (relative path → content). */
  assets: Map<string, string | Buffer>;
}

const cellText = (c: Cell) => (typeof c === 'string' ? c : c.runs.map(runLabel).join(' ')).replace(/\|/g, '\\|');

export function renderMarkdown(blocks: Block[]): MarkdownOutput {
  const assets = new Map<string, string | Buffer>();
  const out: string[] = [];
  const walk = (b: Block): void => {
    switch (b.type) {
      case 'h1':
        out.push(`# ${b.text}`);
        break;
      case 'h2':
        out.push(`## ${b.text}`);
        break;
      case 'h3':
        out.push(`### ${b.text}`);
        break;
      case 'p':
        out.push(b.text);
        break;
      case 'table':
        out.push(markdownTable(b.header.map((h) => h.replace(/\|/g, '\\|')), b.rows.map((r) => r.map(cellText))));
        break;
      case 'chart':
        assets.set(`charts/${b.name}.svg`, b.svg);
        out.push(`![${b.name}](charts/${b.name}.svg)`);
        break;
      case 'image':
        assets.set(`sheets/${b.name}.png`, readFileSync(b.path));
        out.push(`![${b.caption}](sheets/${b.name}.png)`);
        break;
      case 'details':
        out.push(`<details><summary>${b.summary}</summary>`, '');
        b.blocks.forEach(walk);
        out.push('</details>');
        break;
      case 'runs':
        out.push(markdownTable(['run', 'kind', 'file', 'command', 'date', 'version', 'backend'], b.runs.map((r) => [
          runLabel(r.id), r.kind, `\`${r.file}\``, `\`${r.command.replace(/\|/g, '\\|')}\``, r.date, r.version, r.backend,
        ])));
        break;
    }
  };
  blocks.forEach(walk);
  return { markdown: `${out.join('\n\n')}\n`, assets };
}
