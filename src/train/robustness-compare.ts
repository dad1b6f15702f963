/**
 * Robustness of a model relative to a baseline evaluated on the same images: CE, mCE, relative CE /
 * mCE (Hendrycks & Dietterich 2019) and flip-rate ratios / mFR.
 */
import type { RobustnessResult } from './robustness.js';
import { corruptionError, relativeCorruptionError } from './robustness-metrics.js';

function mean(xs: number[]): number | null {
  return xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export interface RobustnessComparison {
  /** CE_c = Σ_s E_{s,c}(model) / Σ_s E_{s,c}(baseline); null where the baseline never errs on c. */
  ce: Record<string, number | null>;
  /** mCE: mean of the defined CE_c (null when none is). */
  mCE: number | null;
  /** Relative CE_c = Σ_s (E_{s,c} − E_clean) / Σ_s (E^b_{s,c} − E^b_clean); null where the baseline does not degrade. */
  relativeCE: Record<string, number | null>;
  relativeMCE: number | null;
  /** FR_p(model) / FR_p(baseline); null where the baseline never flips. */
  flipRateRatio: Record<string, number | null>;
  /** mFR: mean of the defined ratios. */
  mFR: number | null;
  /** Corruptions / perturbations left out of a mean because their ratio is undefined. */
  undefined: { ce: string[]; relativeCE: string[]; flipRate: string[] };
}

/**
 * Normalise a model's robustness by a baseline's (evaluated on the same images with the same seed):
 * CE, mCE, relative CE / mCE (Hendrycks & Dietterich 2019) and flip-rate ratios / mFR. A ratio whose
 * denominator is 0 is null and left out of its mean (and listed in `undefined`).
 */
export function compareRobustness(model: RobustnessResult, baseline: RobustnessResult): RobustnessComparison {
  if (model.n !== baseline.n || model.seed !== baseline.seed) {
    throw new Error(`compareRobustness: model (${model.n} images, seed ${model.seed}) and baseline (${baseline.n} images, seed ${baseline.seed}) were not evaluated on the same images`);
  }
  if (model.severities.join() !== baseline.severities.join()) throw new Error('compareRobustness: model and baseline were evaluated at different severities');
  if (model.sequenceLength !== baseline.sequenceLength) {
    throw new Error(`compareRobustness: model sequences have ${model.sequenceLength} frames, baseline sequences ${baseline.sequenceLength}`);
  }
  if ((model.shift && baseline.shift && (model.shift.maxShift !== baseline.shift.maxShift || model.shift.mode !== baseline.shift.mode)) || !model.shift !== !baseline.shift) {
    throw new Error('compareRobustness: model and baseline were evaluated with different shift settings');
  }
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const und = { ce: [] as string[], relativeCE: [] as string[], flipRate: [] as string[] };
  const ce: Record<string, number | null> = {};
  const relativeCE: Record<string, number | null> = {};
  for (const [name, errs] of Object.entries(model.corruptionErrors)) {
    const base = baseline.corruptionErrors[name];
    if (!base) throw new Error(`compareRobustness: the baseline has no errors for corruption '${name}'`);
    const den = sum(base);
    ce[name] = den > 0 ? corruptionError(errs, base) : null;
    if (ce[name] === null) und.ce.push(name);
    const relDen = den - base.length * baseline.cleanError;
    relativeCE[name] = Math.abs(relDen) > 1e-12 ? relativeCorruptionError(errs, model.cleanError, base, baseline.cleanError) : null;
    if (relativeCE[name] === null) und.relativeCE.push(name);
  }
  const flipRateRatio: Record<string, number | null> = {};
  for (const [kind, fr] of Object.entries(model.flipRate)) {
    const b = baseline.flipRate[kind];
    if (b === undefined) throw new Error(`compareRobustness: the baseline has no flip rate for '${kind}'`);
    flipRateRatio[kind] = b > 0 ? fr / b : null;
    if (flipRateRatio[kind] === null) und.flipRate.push(kind);
  }
  const defined = (r: Record<string, number | null>) => Object.values(r).filter((v): v is number => v !== null);
  return {
    ce,
    mCE: mean(defined(ce)),
    relativeCE,
    relativeMCE: mean(defined(relativeCE)),
    flipRateRatio,
    mFR: mean(defined(flipRateRatio)),
    undefined: und,
  };
}
