/**
 * Robustness metrics, as pure functions on predictions (class ids) and error rates.
 *
 * - Corruption error CE and mean corruption error mCE, and their "relative" variants
 *   (Hendrycks & Dietterich, ICLR 2019, ImageNet-C).
 * - Shift consistency (Zhang, ICML 2019, "Making Convolutional Networks Shift-Invariant Again").
 * - Flip rate along perturbation sequences (ImageNet-P), and its baseline-normalised mean mFR.
 *
 * Errors are fractions in [0, 1] (not percentages).
 */

/** Index of the largest value of each row of an N×C row-major score matrix (first index wins ties). */
export function argmaxRows(scores: ArrayLike<number>, n: number, numClasses: number): Int32Array {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`argmaxRows: need n >= 0 and numClasses >= 1 integers, got n=${n}, numClasses=${numClasses}`);
  }
  if (scores.length !== n * numClasses) throw new Error(`argmaxRows: scores has ${scores.length} values, expected ${n}x${numClasses}`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestV = scores[i * numClasses];
    for (let c = 1; c < numClasses; c++) {
      const v = scores[i * numClasses + c];
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Fraction of predictions that differ from the labels. */
export function errorRate(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predictions.length !== labels.length) {
    throw new Error(`errorRate: ${predictions.length} predictions but ${labels.length} labels`);
  }
  if (predictions.length === 0) throw new Error('errorRate: no predictions');
  let wrong = 0;
  for (let i = 0; i < predictions.length; i++) if (predictions[i] !== labels[i]) wrong++;
  return wrong / predictions.length;
}

/** Error rate per severity (index 0 = severity 1) for each corruption name. */
export type CorruptionErrors = Readonly<Record<string, readonly number[]>>;

function checkErrors(fn: string, what: string, errs: readonly number[]): void {
  if (errs.length === 0) throw new Error(`${fn}: ${what} has no severities`);
  for (const e of errs) {
    if (!Number.isFinite(e) || e < 0 || e > 1) throw new Error(`${fn}: ${what} has error ${e}; errors are fractions in [0, 1]`);
  }
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** Mean error over severities, for each corruption. */
export function errorPerCorruption(errors: CorruptionErrors): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, errs] of Object.entries(errors)) {
    checkErrors('errorPerCorruption', name, errs);
    out[name] = sum(errs) / errs.length;
  }
  return out;
}

/** CE_c = Σ_s E_{s,c}(model) / Σ_s E_{s,c}(baseline). */
export function corruptionError(modelErrors: readonly number[], baselineErrors: readonly number[]): number {
  checkErrors('corruptionError', 'model errors', modelErrors);
  checkErrors('corruptionError', 'baseline errors', baselineErrors);
  if (modelErrors.length !== baselineErrors.length) {
    throw new Error(`corruptionError: model has ${modelErrors.length} severities, baseline ${baselineErrors.length}`);
  }
  const den = sum(baselineErrors);
  if (den === 0) throw new Error('corruptionError: baseline error is 0 at every severity; CE is undefined');
  return sum(modelErrors) / den;
}

/**
 * Relative CE_c = Σ_s (E_{s,c} − E_clean) / Σ_s (E^base_{s,c} − E^base_clean): how much a model degrades
 * under corruption, relative to how much the baseline degrades. Can be negative (model better corrupted
 * than clean). Throws when the baseline does not degrade at all (denominator 0).
 */
export function relativeCorruptionError(
  modelErrors: readonly number[],
  modelClean: number,
  baselineErrors: readonly number[],
  baselineClean: number,
): number {
  checkErrors('relativeCorruptionError', 'model errors', modelErrors);
  checkErrors('relativeCorruptionError', 'baseline errors', baselineErrors);
  checkErrors('relativeCorruptionError', 'clean errors', [modelClean, baselineClean]);
  if (modelErrors.length !== baselineErrors.length) {
    throw new Error(`relativeCorruptionError: model has ${modelErrors.length} severities, baseline ${baselineErrors.length}`);
  }
  const num = sum(modelErrors) - modelErrors.length * modelClean;
  const den = sum(baselineErrors) - baselineErrors.length * baselineClean;
  if (Math.abs(den) < 1e-12) throw new Error('relativeCorruptionError: baseline corrupted error equals its clean error; relative CE is undefined');
  return num / den;
}

export interface MeanCorruptionError {
  /** CE (or relative CE) per corruption. */
  perCorruption: Record<string, number>;
  /** Mean over corruptions. */
  mean: number;
}

function corruptionNames(fn: string, model: CorruptionErrors, baseline: CorruptionErrors, names?: readonly string[]): string[] {
  const list = names ? [...names] : Object.keys(model);
  if (list.length === 0) throw new Error(`${fn}: no corruptions`);
  for (const c of list) {
    if (!(c in model)) throw new Error(`${fn}: model has no errors for corruption '${c}'`);
    if (!(c in baseline)) throw new Error(`${fn}: baseline has no errors for corruption '${c}'`);
  }
  return list;
}

/**
 * mCE = mean over corruptions of CE_c (Hendrycks & Dietterich 2019). `corruptions` defaults to every
 * corruption of `model`; each must also be present in `baseline`.
 */
export function meanCorruptionError(model: CorruptionErrors, baseline: CorruptionErrors, corruptions?: readonly string[]): MeanCorruptionError {
  const names = corruptionNames('meanCorruptionError', model, baseline, corruptions);
  const perCorruption: Record<string, number> = {};
  for (const c of names) perCorruption[c] = corruptionError(model[c], baseline[c]);
  return { perCorruption, mean: sum(names.map((c) => perCorruption[c])) / names.length };
}

/** Relative mCE = mean over corruptions of relative CE_c. */
export function relativeMeanCorruptionError(
  model: CorruptionErrors,
  modelClean: number,
  baseline: CorruptionErrors,
  baselineClean: number,
  corruptions?: readonly string[],
): MeanCorruptionError {
  const names = corruptionNames('relativeMeanCorruptionError', model, baseline, corruptions);
  const perCorruption: Record<string, number> = {};
  for (const c of names) perCorruption[c] = relativeCorruptionError(model[c], modelClean, baseline[c], baselineClean);
  return { perCorruption, mean: sum(names.map((c) => perCorruption[c])) / names.length };
}

/**
 * Shift consistency (Zhang 2019): fraction of images whose predicted class is the same under two
 * random shifts. `predsA[i]`, `predsB[i]` are the predictions for image i under its two shifts
 * (see `randomShiftPairs` / `shiftImage` in src/data/shifts.ts).
 */
export function shiftConsistency(predsA: ArrayLike<number>, predsB: ArrayLike<number>): number {
  if (predsA.length !== predsB.length) throw new Error(`shiftConsistency: ${predsA.length} vs ${predsB.length} predictions`);
  if (predsA.length === 0) throw new Error('shiftConsistency: no predictions');
  let same = 0;
  for (let i = 0; i < predsA.length; i++) if (predsA[i] === predsB[i]) same++;
  return same / predsA.length;
}

export interface FlipRateOptions {
  /**
   * `consecutive` (default): compare frame j with frame j−1 (ImageNet-P for geometric / brightness
   * sequences). `first`: compare every frame j ≥ 1 with frame 0 (ImageNet-P for noise sequences).
   */
  reference?: 'consecutive' | 'first';
}

/**
 * Flip rate (ImageNet-P "flip probability"): over `sequences[i]` (top-1 predictions for the T frames of
 * perturbation sequence i), the fraction of compared frame pairs whose top-1 prediction changes,
 * FP = 1 / (m (T−1)) Σ_i Σ_{j=1}^{T−1} 1[f(x_{i,j}) ≠ f(x_{i,ref(j)})]. Sequences must share one length T ≥ 2.
 */
export function flipRate(sequences: readonly ArrayLike<number>[], opts: FlipRateOptions = {}): number {
  const ref = opts.reference ?? 'consecutive';
  if (ref !== 'consecutive' && ref !== 'first') throw new Error(`flipRate: reference must be 'consecutive' or 'first', got '${String(ref)}'`);
  if (sequences.length === 0) throw new Error('flipRate: no sequences');
  const T = sequences[0].length;
  if (T < 2) throw new Error(`flipRate: sequences need at least 2 frames, got ${T}`);
  let flips = 0;
  for (let i = 0; i < sequences.length; i++) {
    const s = sequences[i];
    if (s.length !== T) throw new Error(`flipRate: sequence ${i} has ${s.length} frames, sequence 0 has ${T}`);
    for (let j = 1; j < T; j++) if (s[j] !== s[ref === 'first' ? 0 : j - 1]) flips++;
  }
  return flips / (sequences.length * (T - 1));
}

/**
 * Flip rate of predictions stored flat as [numSeqs][T] (e.g. straight from a model run over all frames
 * of all sequences in order).
 */
export function flipRateFlat(predictions: ArrayLike<number>, numSeqs: number, T: number, opts: FlipRateOptions = {}): number {
  if (!Number.isInteger(numSeqs) || numSeqs < 1 || !Number.isInteger(T)) throw new Error(`flipRateFlat: bad shape [${numSeqs}][${T}]`);
  if (predictions.length !== numSeqs * T) throw new Error(`flipRateFlat: ${predictions.length} predictions, expected ${numSeqs}x${T}`);
  const seqs: ArrayLike<number>[] = [];
  for (let i = 0; i < numSeqs; i++) seqs.push(Array.prototype.slice.call(predictions, i * T, (i + 1) * T) as number[]);
  return flipRate(seqs, opts);
}

/**
 * mFR = mean over perturbation kinds of FP_p(model) / FP_p(baseline) (ImageNet-P). `kinds` defaults to
 * every kind of `model`. Throws when the baseline never flips on a kind.
 */
export function meanFlipRate(
  model: Readonly<Record<string, number>>,
  baseline: Readonly<Record<string, number>>,
  kinds?: readonly string[],
): { perPerturbation: Record<string, number>; mean: number } {
  const list = kinds ? [...kinds] : Object.keys(model);
  if (list.length === 0) throw new Error('meanFlipRate: no perturbations');
  const perPerturbation: Record<string, number> = {};
  for (const k of list) {
    if (!(k in model)) throw new Error(`meanFlipRate: model has no flip rate for '${k}'`);
    if (!(k in baseline)) throw new Error(`meanFlipRate: baseline has no flip rate for '${k}'`);
    if (!(baseline[k] > 0)) throw new Error(`meanFlipRate: baseline flip rate for '${k}' is ${baseline[k]}; the ratio is undefined`);
    perPerturbation[k] = model[k] / baseline[k];
  }
  return { perPerturbation, mean: sum(list.map((k) => perPerturbation[k])) / list.length };
}
