/**
 * Results: the experiment report written by `liftpool report` (docs/report/index.html, copied by
 * web/prepare.ts) when there is one, else the Results, Robustness and Segmentation sections of the
 * README with their tables.
 */
import readme from '../../README.md?raw';

const SECTIONS = ['Results', 'Robustness', 'Segmentation'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function inline(s: string): string {
  return esc(s)
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '<em>[figure: $1]</em>')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** The Markdown subset the README's result sections use: headings, pipe tables, paragraphs, lists, code blocks. */
export function renderMarkdown(md: string): string {
  const out: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length;) {
    const line = lines[i];
    if (line.startsWith('```')) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) code.push(lines[i]);
      i++;
      out.push(`<pre>${esc(code.join('\n'))}</pre>`);
    } else if (/^#{2,4} /.test(line)) {
      const level = line.indexOf(' ');
      out.push(`<h${level + 1}>${inline(line.slice(level + 1))}</h${level + 1}>`);
      i++;
    } else if (line.startsWith('|')) {
      const rows: string[][] = [];
      for (; i < lines.length && lines[i].startsWith('|'); i++) rows.push(lines[i].replace(/^\||\|$/g, '').split('|').map((c) => c.trim()));
      const [head, , ...rest] = rows;
      out.push(`<table class="md"><thead><tr>${head.map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>${rest.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`);
    } else if (line.trim() === '') {
      i++;
    } else {
      const para: string[] = [];
      for (; i < lines.length && lines[i].trim() !== '' && !lines[i].startsWith('|') && !lines[i].startsWith('```') && !/^#{2,4} /.test(lines[i]); i++) para.push(lines[i]);
      out.push(`<p>${inline(para.join(' '))}</p>`);
    }
  }
  return out.join('\n');
}

function readmeSections(): string {
  const parts = readme.split(/^(?=## )/m);
  return parts.filter((p) => SECTIONS.some((s) => p.startsWith(`## ${s}\n`))).join('\n');
}

export async function initResults(): Promise<void> {
  const body = document.getElementById('results-body')!;
  const base = import.meta.env.BASE_URL;
  // web/prepare.ts says whether it copied docs/report (probing for it would log a 404 when absent).
  const manifest = (await (await fetch(`${base}manifest.json`)).json()) as { report: boolean };
  const report = manifest.report;
  if (report) {
    body.innerHTML = `<p>The experiment report (<code>liftpool report</code>, docs/report/):</p><iframe src="${base}report/report.html" title="experiment report"></iframe>`;
    body.dataset.source = 'report';
  } else {
    body.innerHTML = `<p class="note">No docs/report here (written by <code>liftpool report</code>); the README's result sections instead.</p>${renderMarkdown(readmeSections())}`;
    body.dataset.source = 'readme';
  }
}
