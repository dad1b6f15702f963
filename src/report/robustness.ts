/**
 * Robustness tables: `liftpool robustness --json` files grouped into experiments (same dataset,
 * backbone, test images, evaluation seed and settings), one row per pooling with every number as a mean
 * over training seeds and a 95% Student-t CI. CE, mCE, relative mCE and mFR are recomputed here against
 * the max-pool model of the same training seed (whatever --baseline the run had), so a file evaluated
 * without a baseline still gets them.
 */
import { corruptionError, relativeCorruptionError } from '../train/robustness-metrics.js';
import { groupBy, type Found, type RobustnessModelRecord, type RobustnessRecord } from './collect.js';
import { POOL_ORDER, disambiguate } from './classification.js';
import { mean, meanCI, type Interval } from './stats.js';

export interface RobustnessRow {
  pool: string;
  seeds: number[];
  /** In %. */
  clean: Interval;
  meanCorruptionError: Interval;
  /** Ratios (not %), null without a max-pool model of the same seeds. */
  mCE: Interval | null;
  relativeMCE: Interval | null;
  mFR: Interval | null;
  /** In %, null when the shift test was skipped. */
  shiftConsistency: Interval | null;
  meanFlipRate: Interval;
  /** Error in % per corruption, one interval per severity. */
  perCorruption: Record<string, Interval[]>;
  /** Error in % at each severity, averaged over corruptions. */
  bySeverity: Interval[];
  files: string[];
}

export interface RobustnessExperiment {
  title: string;
  setup: Record<string, string | number>;
  corruptions: string[];
  severities: number[];
  rows: RobustnessRow[];
}

const pct = (xs: number[]) => meanCI(xs.map((x) => 100 * x));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** CE/mCE/relative mCE/mFR of one model against a baseline, leaving out undefined terms (denominator 0). */
export function compareToBaseline(m: RobustnessModelRecord, b: RobustnessModelRecord): { mCE: number; relativeMCE: number; mFR: number } {
  const ce: number[] = [];
  const rel: number[] = [];
  for (const [name, errs] of Object.entries(m.corruptionErrors)) {
    const base = b.corruptionErrors[name];
    if (!base) throw new Error(`the max-pool baseline has no errors for corruption '${name}'`);
    if (sum(base) > 0) ce.push(corruptionError(errs, base));
    if (Math.abs(sum(base) - base.length * b.cleanError) > 1e-12) rel.push(relativeCorruptionError(errs, m.cleanError, base, b.cleanError));
  }
  const fr = Object.entries(m.flipRate).filter(([k]) => (b.flipRate[k] ?? 0) > 0).map(([k, v]) => v / b.flipRate[k]);
  return { mCE: mean(ce), relativeMCE: mean(rel), mFR: mean(fr) };
}

function bySeed(runs: Found<RobustnessRecord>[]): Map<number, Found<RobustnessRecord>> {
  const m = new Map<number, Found<RobustnessRecord>>();
  for (const r of runs) {
    const s = r.data.model.trainSeed ?? -1;
    const prev = m.get(s);
    if (!prev || prev.data.date < r.data.date) m.set(s, r);
  }
  return new Map([...m].sort((a, b) => a[0] - b[0]));
}

export function robustnessExperiments(found: Found<RobustnessRecord>[]): RobustnessExperiment[] {
  const setup = (r: RobustnessRecord) => ({
    dataset: r.dataset, arch: r.model.arch ?? '?', width: r.model.width ?? '?', testImages: r.testSize, evalSeed: r.seed,
    corruptions: r.corruptions.length, severities: r.model.severities.join(','),
    shift: r.model.shift ? `±${r.model.shift.maxShift} px ${r.model.shift.mode}` : 'none', sequenceLength: r.model.sequenceLength,
  });
  const groups = groupBy(found, (f) => JSON.stringify({ ...setup(f.data), names: f.data.corruptions }));
  return disambiguate([...groups.values()].map((runs): RobustnessExperiment => {
    const r0 = runs[0].data;
    const perPool = new Map([...groupBy(runs, (f) => f.data.model.pool ?? '?')].map(([p, rs]) => [p, bySeed(rs)]));
    const base = perPool.get('max');
    const pools = [...perPool.keys()].sort((a, b) => {
      const ia = POOL_ORDER.indexOf(a);
      const ib = POOL_ORDER.indexOf(b);
      return (ia < 0 ? 999 : ia) - (ib < 0 ? 999 : ib) || a.localeCompare(b);
    });
    const rows = pools.map((pool): RobustnessRow => {
      const seeds = [...perPool.get(pool)!];
      const models = seeds.map(([, f]) => f.data.model);
      const paired = base ? seeds.filter(([s]) => base.has(s)).map(([s, f]) => compareToBaseline(f.data.model, base.get(s)!.data.model)) : [];
      const cmp = (k: 'mCE' | 'relativeMCE' | 'mFR') => {
        const v = paired.map((c) => c[k]).filter(Number.isFinite); // undefined (denominator 0) for a seed: left out
        return v.length ? meanCI(v) : null;
      };
      const perCorruption = Object.fromEntries(r0.corruptions.map((c) => [c, r0.model.severities.map((_, i) => pct(models.map((m) => m.corruptionErrors[c][i])))]));
      return {
        pool, seeds: seeds.map(([s]) => s),
        clean: pct(models.map((m) => m.cleanError)),
        meanCorruptionError: pct(models.map((m) => m.meanCorruptionError)),
        mCE: cmp('mCE'), relativeMCE: cmp('relativeMCE'), mFR: cmp('mFR'),
        shiftConsistency: models.every((m) => m.shift) ? pct(models.map((m) => m.shift!.consistency)) : null,
        meanFlipRate: pct(models.map((m) => m.meanFlipRate)),
        perCorruption,
        bySeverity: r0.model.severities.map((_, i) => pct(models.map((m) => mean(r0.corruptions.map((c) => m.corruptionErrors[c][i]))))),
        files: seeds.map(([, f]) => f.file),
      };
    });
    const s = setup(r0);
    return { title: `${s.dataset} ${s.arch}${s.width === 1 || s.width === '?' ? '' : ` ×${s.width}`}, ${s.testImages} test images`, setup: s, corruptions: r0.corruptions, severities: r0.model.severities, rows };
  }));
}
