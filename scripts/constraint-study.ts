/**
 * The constraint-loss study behind the README's "Constraint losses" table: reads `liftpool train`
 * result directories named `<variant>-s<seed>` (as written by scripts/constraint-study.sh), and
 * writes OUT/README.md (tables: mean ± std, min, and the paired difference to max pooling with a 95%
 * t confidence interval), OUT/summary.json, and OUT/pool-inputs.svg (the RMS and zero fraction of
 * the features entering each pool during training, from the runs' diagnostics).
 *
 * Run: npx tsx scripts/constraint-study.ts RUNS_DIR --out docs/results/constraint-study
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lineChartSvg, type Series } from '../src/report/plot.js';
import { markdownTable } from '../src/report/markdown.js';

interface Run { variant: string; seed: number; dir: string; r: Record<string, unknown> & { testAccuracy: number; command: string; history: { diagnostics?: { step: number; pools: { layer: string; inputRms: number; zeroFraction: number }[] }[] }[] } }

// Two-sided 95% quantiles of Student's t for 1..10 degrees of freedom.
const T975 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
if (outIdx < 0 || args.length < 3) {
  console.error('usage: npx tsx scripts/constraint-study.ts RUNS_DIR --out OUT_DIR');
  process.exit(2);
}
const out = args[outIdx + 1];
const runsDir = args.filter((_, i) => i !== outIdx && i !== outIdx + 1)[0];

const runs: Run[] = [];
for (const name of readdirSync(runsDir).sort()) {
  const m = /^(.*)-s(\d+)$/.exec(name);
  const file = join(runsDir, name, 'results.json');
  if (!m || !existsSync(file)) continue;
  runs.push({ variant: m[1], seed: Number(m[2]), dir: name, r: JSON.parse(readFileSync(file, 'utf8')) });
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]) => (v.length < 2 ? 0 : Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1)));
const pct = (v: number) => (100 * v).toFixed(2);

/** Rows for the variants of one group (prefix `''` = MNIST tiny, `'vgg-'` = Fashion-MNIST VGG13). */
function table(prefix: string, labels: Record<string, string>): { md: string; rows: Record<string, unknown>[] } {
  const baseline = runs.filter((r) => r.variant === `${prefix}max`);
  const rows: Record<string, unknown>[] = [];
  const md: (string | number)[][] = [];
  for (const [key, label] of Object.entries(labels)) {
    const rs = runs.filter((r) => r.variant === `${prefix}${key}`).sort((a, b) => a.seed - b.seed);
    if (rs.length === 0) continue;
    const acc = rs.map((r) => r.r.testAccuracy);
    const paired = rs.flatMap((r) => {
      const b = baseline.find((x) => x.seed === r.seed);
      return b ? [r.r.testAccuracy - b.r.testAccuracy] : [];
    });
    const n = paired.length;
    const half = n >= 2 ? T975[Math.min(n - 1, 10)] * std(paired) / Math.sqrt(n) : NaN;
    const diff = key === 'max' || n === 0 ? '—' : `${pct(mean(paired)) } [${pct(mean(paired) - half)}, ${pct(mean(paired) + half)}]`;
    rows.push({ variant: key, label, seeds: rs.map((r) => r.seed), accuracy: acc, mean: mean(acc), std: std(acc), min: Math.min(...acc), pairedDiffToMax: paired, command: rs[0].r.command });
    md.push([label, rs.map((r) => pct(r.r.testAccuracy)).join(' / '), `${pct(mean(acc))} ± ${pct(std(acc))}`, pct(Math.min(...acc)), diff]);
  }
  return { md: markdownTable(['variant', 'test accuracy % per seed', 'mean ± std', 'min', 'paired Δ to max, points [95% CI]'], md), rows };
}

const mnistLabels: Record<string, string> = {
  max: 'max pooling',
  'paper-cli': "lift, paper form, λ 1e-4/1e-3 (0.1's CLI default)",
  'paper-layer': "lift, paper form, λ 0.01/0.1 (0.1's layer default)",
  lam0: 'lift, no constraint (λ = 0)',
  rel: 'lift, relative form, λ 0.01/0.1',
  det: 'lift, detached (paper norms, gradient stopped at x), λ 0.01/0.1',
  rms: 'lift, per-element RMS form, λ 0.01/0.1',
};
const mnist = table('', mnistLabels);
const vgg = table('vgg-', mnistLabels);

const MECH: [string, string][] = [['max', 'max'], ['lam0', 'lift λ=0'], ['paper-cli', 'lift paper 1e-4/1e-3'], ['paper-layer', 'lift paper 0.01/0.1'], ['rel', 'lift relative 0.01/0.1'], ['det', 'lift detached 0.01/0.1']];

/** Diagnostics of seed 0 of `variant` (from its own run, or a `diag-<variant>` rerun that recorded them). */
function diagnosticsOf(variant: string) {
  for (const v of [variant, `diag-${variant}`]) {
    const run = runs.find((r) => r.variant === v && r.seed === 0);
    const d = run?.r.history.flatMap((h) => h.diagnostics ?? []) ?? [];
    if (d.length > 0) return d;
  }
  return [];
}

async function mechanismChart(): Promise<string | null> {
  const series: Series[] = [];
  const zeros: Series[] = [];
  for (const [variant, label] of MECH) {
    const diags = diagnosticsOf(variant);
    if (diags.length === 0) continue;
    series.push({ name: label, points: diags.map((d) => [d.step, d.pools[0].inputRms]) });
    zeros.push({ name: label, points: diags.map((d) => [d.step, d.pools[0].zeroFraction]) });
  }
  if (series.length === 0) return null;
  const a = await lineChartSvg(series, { title: 'RMS of the features entering the first pool (MNIST tiny, seed 0)', xTitle: 'training step', yTitle: 'RMS' });
  const b = await lineChartSvg(zeros, { title: 'Fraction of zeros (dead ReLU outputs) entering the first pool', xTitle: 'training step', yTitle: 'fraction' });
  writeFileSync(join(out, 'pool-input-rms.svg'), a);
  writeFileSync(join(out, 'pool-input-zeros.svg'), b);
  const lines = [['variant', 'step', 'pool 1 RMS', 'pool 1 zeros', 'pool 2 RMS', 'pool 2 zeros']];
  const rows: (string | number)[][] = [];
  for (const [variant, label] of MECH) {
    const diags = diagnosticsOf(variant);
    for (const d of diags.filter((_, i) => i === 0 || i === diags.length - 1)) {
      rows.push([label, d.step, d.pools[0].inputRms.toFixed(3), d.pools[0].zeroFraction.toFixed(3), d.pools[1]?.inputRms.toFixed(3) ?? '', d.pools[1]?.zeroFraction.toFixed(3) ?? '']);
    }
  }
  return markdownTable(lines[0], rows);
}

mkdirSync(out, { recursive: true });
const mech = await mechanismChart();
const md = [
  '# Constraint-loss study',
  '',
  `Generated by \`npx tsx scripts/constraint-study.ts ${runsDir} --out ${out}\` from the runs of \`scripts/constraint-study.sh\`.`,
  '',
  '## MNIST, tiny CNN (no BatchNorm), one epoch of 5000 images, seeds 0–4',
  '',
  `Command per run: \`${runs.find((r) => r.variant === 'rel')?.r.command ?? 'liftpool train --dataset mnist --arch tiny --epochs 1 --train-limit 5000 …'}\` (pool and constraint options per row).`,
  '',
  mnist.md,
  '',
  '## Fashion-MNIST, VGG13 width 0.25 (BatchNorm), 1000 train / 1000 test images, 3 epochs, seeds 0–2',
  '',
  vgg.md || '(not run)',
  '',
  ...(mech ? ['## Mechanism: the features entering the pools (seed 0, probe of 256 training images)', '', mech, '', '![RMS](pool-input-rms.svg)', '', '![zeros](pool-input-zeros.svg)', ''] : []),
];
writeFileSync(join(out, 'README.md'), md.join('\n'));
writeFileSync(join(out, 'summary.json'), JSON.stringify({ mnistTiny: mnist.rows, fmnistVgg13: vgg.rows }, null, 2));
console.log(md.join('\n'));
