/** Markdown tables. */
export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `mean ± std` (sample std) of values, formatted with `digits` decimals. */
export function meanStd(values: number[], digits = 2): { mean: number; std: number; text: string } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, text: `${mean.toFixed(digits)} ± ${std.toFixed(digits)}` };
}
