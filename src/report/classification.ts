/**
 * Classification and segmentation tables: runs grouped into experiments (same data, model size and
 * recipe), one row per pooling (or down/up pair) with mean ± std over seeds and the paired difference to
 * the reference (max pooling / max-maxunpool) on the same seeds, with a 95% Student-t CI and a verdict.
 */
import { groupBy, recipeFlags, type ClassificationRecord, type Found, type SegmentationRecord } from './collect.js';
import { mean, meanCI, pairedDifference, verdict, type Interval, type PairedDifference, type Verdict } from './stats.js';

/** Canonical order of the pools (models/pooling.ts POOL_NAMES; a test keeps them equal). */
export const POOL_ORDER = ['max', 'avg', 'skip', 'blur', 'wavelet', 'lift', 'lift-ll', 'lift-lh', 'lift-hl', 'lift-hh'];
/** Canonical order of the down/up pairs (models/segnet.ts DOWN_UP_NAMES). */
export const DOWN_UP_ORDER = ['max-maxunpool', 'max-bilinear', 'max-transposed', 'lift-liftup', 'blur-bilinear'];

export interface Row {
  /** Pool (classification) or down/up pair (segmentation). */
  name: string;
  seeds: number[];
  /** The metric in % over seeds (test error, or mIoU without background). */
  metric: Interval;
  /** Second metric in % (segmentation: mIoU with background). */
  metric2?: Interval;
  /** metric − reference metric (percentage points) on the shared seeds; null for the reference or without one. */
  diff: PairedDifference | null;
  verdict: Verdict | null;
  params: number;
  imagesPerSecond: number;
  /** Mean over seeds of the per-epoch metric (%), for learning curves. */
  curve: [number, number][];
  /** The result files of the row (one per seed). */
  files: string[];
}

export interface Experiment {
  kind: 'classification' | 'segmentation';
  /** e.g. `fashion-mnist vgg13 ×0.25`. */
  title: string;
  /** The recipe shared by every run of the experiment. */
  setup: Record<string, string | number>;
  reference: string;
  metricName: string;
  lowerIsBetter: boolean;
  rows: Row[];
}

const order = (list: readonly string[]) => (a: string, b: string) => {
  const ia = list.indexOf(a);
  const ib = list.indexOf(b);
  return (ia < 0 ? 999 : ia) - (ib < 0 ? 999 : ib) || a.localeCompare(b);
};

/** One run per seed (the latest by date when a seed was run twice). */
function bySeed<T extends { seed: number; date: string }>(runs: Found<T>[]): Map<number, Found<T>> {
  const m = new Map<number, Found<T>>();
  for (const r of runs) {
    const prev = m.get(r.data.seed);
    if (!prev || prev.data.date < r.data.date) m.set(r.data.seed, r);
  }
  return new Map([...m].sort((a, b) => a[0] - b[0]));
}

/** Mean per-epoch curve over runs (epochs where every run has a value). */
function meanCurve(histories: ({ epoch: number }[])[], value: (h: never) => number | undefined): [number, number][] {
  const epochs = new Map<number, number[]>();
  for (const h of histories) for (const e of h) {
    const v = value(e as never);
    if (v == null || Number.isNaN(v)) continue;
    epochs.set(e.epoch, [...(epochs.get(e.epoch) ?? []), v]);
  }
  return [...epochs].filter(([, vs]) => vs.length === histories.length).sort((a, b) => a[0] - b[0]).map(([e, vs]) => [e, mean(vs)]);
}

interface Spec<T> {
  kind: Experiment['kind'];
  reference: string;
  order: readonly string[];
  metricName: string;
  lowerIsBetter: boolean;
  name: (r: T) => string;
  setup: (r: T) => Record<string, string | number>;
  title: (r: T) => string;
  metric: (r: T) => number;
  metric2?: (r: T) => number;
  epochMetric: (h: never) => number | undefined;
}

function experiments<T extends ClassificationRecord | SegmentationRecord>(found: Found<T>[], spec: Spec<T>): Experiment[] {
  const groups = groupBy(found, (f) => JSON.stringify(spec.setup(f.data)));
  const list = [...groups.values()].map((runs) => {
    const byName = groupBy(runs, (f) => spec.name(f.data));
    const perSeed = new Map([...byName].map(([name, rs]) => [name, bySeed(rs)]));
    const values = (name: string) => new Map([...perSeed.get(name)!].map(([s, f]) => [s, 100 * spec.metric(f.data)]));
    const ref = perSeed.has(spec.reference) ? values(spec.reference) : null;
    const rows = [...perSeed.keys()].sort(order(spec.order)).map((name): Row => {
      const seeds = [...perSeed.get(name)!.values()];
      const v = values(name);
      const diff = ref && name !== spec.reference ? pairedDifference(v, ref) : null;
      return {
        name, seeds: [...v.keys()], metric: meanCI([...v.values()]),
        metric2: spec.metric2 ? meanCI(seeds.map((f) => 100 * spec.metric2!(f.data))) : undefined,
        diff, verdict: diff ? verdict(diff, spec.lowerIsBetter) : null,
        params: seeds[0].data.params, imagesPerSecond: mean(seeds.map((f) => f.data.imagesPerSecond)),
        curve: meanCurve(seeds.map((f) => f.data.history), spec.epochMetric), files: seeds.map((f) => f.file),
      };
    });
    const r0 = runs[0].data;
    return { kind: spec.kind, title: spec.title(r0), setup: spec.setup(r0), reference: spec.reference, metricName: spec.metricName, lowerIsBetter: spec.lowerIsBetter, rows };
  });
  return disambiguate(list);
}

/** Experiments sorted by title, with the setup fields that tell apart experiments of one title appended to it. */
export function disambiguate<E extends { title: string; setup: Record<string, string | number> }>(list: E[]): E[] {
  for (const same of groupBy(list, (e) => e.title).values()) {
    if (same.length < 2) continue;
    const keys = Object.keys(same[0].setup).filter((k) => new Set(same.map((e) => String(e.setup[k]))).size > 1);
    for (const e of same) e.title = `${e.title} (${keys.map((k) => `${k} ${e.setup[k]}`).join(', ')})`;
  }
  return list.sort((a, b) => a.title.localeCompare(b.title));
}

const widthText = (w: number) => (w === 1 ? '' : ` ×${w}`);

export function classificationExperiments(found: Found<ClassificationRecord>[]): Experiment[] {
  return experiments(found, {
    kind: 'classification', reference: 'max', order: POOL_ORDER, metricName: 'test error %', lowerIsBetter: true,
    name: (r) => r.pool,
    setup: (r) => ({
      dataset: r.dataset, arch: r.arch, width: r.width, epochs: r.epochs, trainSize: r.trainSize, testSize: r.testSize,
      batchSize: r.batchSize, lr: r.lr, optimizer: r.optimizer ?? '?', schedule: r.schedule ?? '?', options: recipeFlags(r.command) || 'none',
    }),
    title: (r) => `${r.dataset} ${r.arch}${widthText(r.width)}`,
    metric: (r) => r.testError,
    epochMetric: (h: { testAccuracy?: number }) => (h.testAccuracy == null ? undefined : 100 * (1 - h.testAccuracy)),
  });
}

export function segmentationExperiments(found: Found<SegmentationRecord>[]): Experiment[] {
  return experiments(found, {
    kind: 'segmentation', reference: 'max-maxunpool', order: DOWN_UP_ORDER, metricName: 'mIoU % (no background)', lowerIsBetter: false,
    name: (r) => r.downUp,
    setup: (r) => ({
      dataset: r.dataset, sceneSize: r.sceneSize, trainScenes: r.trainScenes, testScenes: r.testScenes, epochs: r.epochs,
      width: r.width, depth: r.depth, batchSize: r.batchSize, lr: r.lr, options: recipeFlags(r.command) || 'none',
    }),
    title: (r) => `${r.dataset} scenes ${r.sceneSize}px segnet${widthText(r.width)} depth ${r.depth}`,
    metric: (r) => r.mIoUNoBackground,
    metric2: (r) => r.mIoU,
    epochMetric: (h: { testMIoUNoBackground?: number }) => (h.testMIoUNoBackground == null ? undefined : 100 * h.testMIoUNoBackground),
  });
}
