/**
 * Semantic-segmentation metrics, as pure functions on label maps (class ids per pixel, any shape
 * flattened to one array; a batch is just a longer array).
 *
 * Everything derives from a confusion matrix `cm` of `numClasses × numClasses` pixel counts, row-major,
 * **row = ground-truth class, column = predicted class**. Accumulate it over batches, then score it:
 *
 * - IoU of class c: `TP / (TP + FP + FN)` with TP = cm[c][c], FP = column sum − TP, FN = row sum − TP.
 *   A class **absent from both** prediction and ground truth (TP + FP + FN = 0) has IoU `NaN` and is
 *   **skipped** from the means (it is neither right nor wrong). A class that is only predicted, or only
 *   in the ground truth, has IoU 0 and counts.
 * - mIoU: mean IoU over the counted classes, background included. `mIoUNoBackground`: the same with the
 *   background class (default 0) left out — the background dominates the pixels, so this is the score
 *   that shows whether objects are segmented. `NaN` when no class counts.
 * - Pixel accuracy: trace / total. Foreground accuracy: accuracy on pixels whose ground truth is not
 *   background. `NaN` when there are no such pixels.
 *
 * Ground-truth pixels equal to `ignoreIndex` (when given) are not counted at all.
 */

export interface ConfusionOptions {
  /** Ground-truth value whose pixels are skipped (e.g. 255 for "void"). Default: none. */
  ignoreIndex?: number;
}

function checkNumClasses(numClasses: number, fn: string): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`${fn}: numClasses must be a positive integer, got ${numClasses}`);
}

/**
 * Add the pixels of one batch to `cm` (a `numClasses²` Float64Array, counts, row = truth, col = prediction)
 * and return it. Throws (leaving `cm` unchanged) on a length mismatch or a class id outside [0, numClasses) (non-integers too).
 */
export function accumulateConfusion(
  cm: Float64Array,
  predictions: ArrayLike<number>,
  truth: ArrayLike<number>,
  numClasses: number,
  opts: ConfusionOptions = {},
): Float64Array {
  checkNumClasses(numClasses, 'accumulateConfusion');
  if (cm.length !== numClasses * numClasses) throw new Error(`accumulateConfusion: confusion matrix has ${cm.length} entries, expected ${numClasses}×${numClasses}`);
  if (predictions.length !== truth.length) {
    throw new Error(`accumulateConfusion: ${predictions.length} predicted pixels but ${truth.length} ground-truth pixels`);
  }
  const ignore = opts.ignoreIndex;
  // Validate everything first, so a bad batch leaves `cm` untouched.
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    if (t === ignore) continue;
    const p = predictions[i];
    if (!(Number.isInteger(t) && t >= 0 && t < numClasses)) throw new Error(`accumulateConfusion: ground-truth label ${t} at pixel ${i} is outside [0, ${numClasses})`);
    if (!(Number.isInteger(p) && p >= 0 && p < numClasses)) throw new Error(`accumulateConfusion: predicted label ${p} at pixel ${i} is outside [0, ${numClasses})`);
  }
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    if (t !== ignore) cm[t * numClasses + predictions[i]]++;
  }
  return cm;
}

/** A fresh confusion matrix for one batch (see {@link accumulateConfusion}). */
export function confusionMatrix(predictions: ArrayLike<number>, truth: ArrayLike<number>, numClasses: number, opts: ConfusionOptions = {}): Float64Array {
  checkNumClasses(numClasses, 'confusionMatrix');
  return accumulateConfusion(new Float64Array(numClasses * numClasses), predictions, truth, numClasses, opts);
}

export interface SegmentationScores {
  /** IoU per class; `NaN` for a class absent from both prediction and ground truth. */
  perClassIoU: number[];
  /** Mean IoU over classes with a defined IoU, background included. */
  mIoU: number;
  /** Mean IoU over classes with a defined IoU, background class left out. */
  mIoUNoBackground: number;
  /** Correct pixels / counted pixels. */
  pixelAccuracy: number;
  /** Correct pixels / pixels whose ground truth is not background. */
  foregroundAccuracy: number;
  /** Classes that entered the mean (defined IoU), background included. */
  countedClasses: number[];
  /** Pixels counted. */
  totalPixels: number;
}

export interface ScoreOptions {
  /** Class id of the background. Default 0. */
  backgroundClass?: number;
}

/** Score a confusion matrix (`numClasses²` counts, row = truth, column = prediction). */
export function segmentationScores(cm: ArrayLike<number>, numClasses: number, opts: ScoreOptions = {}): SegmentationScores {
  checkNumClasses(numClasses, 'segmentationScores');
  if (cm.length !== numClasses * numClasses) throw new Error(`segmentationScores: confusion matrix has ${cm.length} entries, expected ${numClasses}×${numClasses}`);
  const bg = opts.backgroundClass ?? 0;
  if (!Number.isInteger(bg) || bg < 0 || bg >= numClasses) throw new Error(`segmentationScores: backgroundClass ${bg} is outside [0, ${numClasses})`);
  const K = numClasses;
  const rowSum = new Array<number>(K).fill(0);
  const colSum = new Array<number>(K).fill(0);
  let total = 0;
  let correct = 0;
  for (let t = 0; t < K; t++) {
    for (let p = 0; p < K; p++) {
      const v = cm[t * K + p];
      rowSum[t] += v;
      colSum[p] += v;
      total += v;
    }
    correct += cm[t * K + t];
  }
  const perClassIoU: number[] = [];
  const countedClasses: number[] = [];
  let sumAll = 0;
  let sumFg = 0;
  let nFg = 0;
  for (let c = 0; c < K; c++) {
    const tp = cm[c * K + c];
    const union = rowSum[c] + colSum[c] - tp;
    const iou = union > 0 ? tp / union : NaN;
    perClassIoU.push(iou);
    if (union > 0) {
      countedClasses.push(c);
      sumAll += iou;
      if (c !== bg) {
        sumFg += iou;
        nFg++;
      }
    }
  }
  const fgPixels = total - rowSum[bg];
  const fgCorrect = correct - cm[bg * K + bg];
  return {
    perClassIoU,
    mIoU: countedClasses.length > 0 ? sumAll / countedClasses.length : NaN,
    mIoUNoBackground: nFg > 0 ? sumFg / nFg : NaN,
    pixelAccuracy: total > 0 ? correct / total : NaN,
    foregroundAccuracy: fgPixels > 0 ? fgCorrect / fgPixels : NaN,
    countedClasses,
    totalPixels: total,
  };
}

/**
 * Streaming accumulator: `update` once per batch of label maps, `scores()` at the end.
 *
 * ```ts
 * const m = new SegmentationMetrics(scenes.numClasses);
 * for (const b of batches) m.update(predictedLabels, b.labels);
 * const { mIoU, mIoUNoBackground, pixelAccuracy } = m.scores();
 * ```
 */
export class SegmentationMetrics {
  readonly numClasses: number;
  /** Confusion counts, row = truth, column = prediction. */
  readonly confusion: Float64Array;
  private readonly opts: ConfusionOptions & ScoreOptions;

  constructor(numClasses: number, opts: ConfusionOptions & ScoreOptions = {}) {
    checkNumClasses(numClasses, 'SegmentationMetrics');
    this.numClasses = numClasses;
    this.confusion = new Float64Array(numClasses * numClasses);
    this.opts = opts;
  }

  update(predictions: ArrayLike<number>, truth: ArrayLike<number>): this {
    accumulateConfusion(this.confusion, predictions, truth, this.numClasses, this.opts);
    return this;
  }

  scores(): SegmentationScores {
    return segmentationScores(this.confusion, this.numClasses, this.opts);
  }

  reset(): void {
    this.confusion.fill(0);
  }
}
