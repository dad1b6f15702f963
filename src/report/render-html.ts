/**
 * The report as one self-contained HTML page: inline CSS, charts as inline SVG, images as data URIs,
 * no script and no external URL, so it opens offline from any folder.
 */
import { readFileSync } from 'node:fs';
import { inlineSvg } from './charts.js';
import { runLabel, type Block, type Cell } from './document.js';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Escaped text with `code` and **bold** spans. */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

function cell(c: Cell): string {
  if (typeof c === 'string') return inline(c);
  return c.runs.map((id) => `<a href="#${runLabel(id)}">${runLabel(id)}</a>`).join(' ');
}

const CSS = `
body { font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.8rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td code, p code { font-size: 0.85em; background: #f6f6f6; padding: 0 0.2em; }
figure { display: inline-block; margin: 0.5rem 1rem 0.5rem 0; vertical-align: top; }
figure img { image-rendering: pixelated; max-width: 100%; }
figcaption { font-size: 0.85rem; color: #555; }
details { margin: 0.5rem 0; }
tr:target { background: #fff6cc; }
`;

function block(b: Block): string {
  switch (b.type) {
    case 'h1':
    case 'h2':
    case 'h3':
      return `<${b.type}${b.id ? ` id="${escapeHtml(b.id)}"` : ''}>${inline(b.text)}</${b.type}>`;
    case 'p':
      return `<p>${inline(b.text)}</p>`;
    case 'table':
      return `<table>\n<thead><tr>${b.header.map((h) => `<th>${inline(h)}</th>`).join('')}</tr></thead>\n<tbody>\n${b.rows
        .map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`)
        .join('\n')}\n</tbody></table>`;
    case 'chart':
      return `<figure class="chart" id="chart-${escapeHtml(b.name)}">${inlineSvg(b.svg)}</figure>`;
    case 'image':
      return `<figure><img alt="${escapeHtml(b.caption)}" src="data:image/png;base64,${readFileSync(b.path).toString('base64')}"><figcaption>${inline(b.caption)}</figcaption></figure>`;
    case 'details':
      return `<details><summary>${inline(b.summary)}</summary>\n${b.blocks.map(block).join('\n')}\n</details>`;
    case 'runs':
      return `<table>\n<thead><tr><th>run</th><th>kind</th><th>file</th><th>command</th><th>date</th><th>version</th><th>backend</th></tr></thead>\n<tbody>\n${b.runs
        .map((r) => `<tr id="${runLabel(r.id)}"><td>${runLabel(r.id)}</td><td>${escapeHtml(r.kind)}</td><td><code>${escapeHtml(r.file)}</code></td><td><code>${escapeHtml(r.command)}</code></td><td>${escapeHtml(r.date)}</td><td>${escapeHtml(r.version)}</td><td>${escapeHtml(r.backend)}</td></tr>`)
        .join('\n')}\n</tbody></table>`;
  }
}

export function renderHtml(title: string, blocks: Block[]): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${blocks.map(block).join('\n')}
</body>
</html>
`;
}
