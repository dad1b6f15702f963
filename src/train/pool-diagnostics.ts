/**
 * Diagnostics of the features that enter a model's pooling layers, measured on a fixed probe batch
 * in inference mode (no state changes, no randomness): their RMS, the fraction of exact zeros (dead
 * ReLU outputs), and for LiftDownPool2D layers the constraint losses in the paper's absolute form and
 * in the relative form. Recorded in the training history, they show whether the constraint losses
 * shrink the features that feed the pool (see the README's constraint-loss section).
 *
 * ```ts
 * const probe = tf.randomNormal([64, 28, 28, 1]) as tf.Tensor4D;
 * const stats = poolDiagnostics(model, probe); // [{layer: 'p1_lift', kind: 'LiftDownPool2D', inputRms: 0.41, …}]
 * ```
 */
import * as tf from '@tensorflow/tfjs';
import { LiftDownPool2D } from '../layers/index.js';
import { liftDown2d, type LiftWeights2d, type WaveletName } from '../lifting/index.js';

export interface PoolDiagnostics {
  /** Layer name. */
  layer: string;
  /** Layer class (`LiftDownPool2D`, `MaxPooling2D`, …). */
  kind: string;
  /** Root mean square of the layer's input. */
  inputRms: number;
  /** Fraction of input elements that are exactly 0 (dead ReLU outputs). */
  zeroFraction: number;
  /** LiftDownPool2D only: ΣL_u and ΣL_p of the paper's absolute form (unweighted). */
  paperU?: number;
  paperP?: number;
  /** LiftDownPool2D only: ΣL_u and ΣL_p divided by ‖x_odd‖ (unweighted). */
  relativeU?: number;
  relativeP?: number;
}

const POOL_CLASSES = new Set(['LiftDownPool2D', 'MaxPooling2D', 'AveragePooling2D', 'BlurPool2D', 'WaveletPool2D', 'MaxPool2DWithIndices']);

/** The model's pooling layers (by class name), in model order. */
export function poolingLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => POOL_CLASSES.has(l.getClassName()));
}

/** A model whose outputs are the pooling layers' inputs (it shares the layers; nothing to dispose). */
const taps = new WeakMap<tf.LayersModel, tf.LayersModel>();

/** Measure {@link PoolDiagnostics} for every pooling layer of `model` on `probe` (one forward pass). */
export function poolDiagnostics(model: tf.LayersModel, probe: tf.Tensor): PoolDiagnostics[] {
  const pools = poolingLayers(model);
  if (pools.length === 0) return [];
  let tap = taps.get(model);
  if (tap == null) {
    tap = tf.model({ inputs: model.inputs, outputs: pools.map((l) => l.input as tf.SymbolicTensor) });
    taps.set(model, tap);
  }
  const out: PoolDiagnostics[] = [];
  tf.tidy(() => {
    const feats = tap!.predict(probe) as tf.Tensor | tf.Tensor[];
    const list = Array.isArray(feats) ? feats : [feats];
    pools.forEach((layer, i) => {
      const x = list[i];
      const rms = tf.sqrt(tf.mean(tf.square(x))).dataSync()[0];
      const zeros = tf.mean(tf.cast(tf.equal(x, 0), 'float32')).dataSync()[0];
      const d: PoolDiagnostics = { layer: layer.name, kind: layer.getClassName(), inputRms: rms, zeroFraction: zeros };
      if (layer instanceof LiftDownPool2D && layer.learned) {
        const spec = layer.liftingSpec() as LiftWeights2d | WaveletName;
        const paper = liftDown2d(x as tf.Tensor4D, spec, { padMode: layer.padMode, constraint: 'paper' });
        const rel = liftDown2d(x as tf.Tensor4D, spec, { padMode: layer.padMode, constraint: 'relative' });
        d.paperU = paper.lossU.dataSync()[0];
        d.paperP = paper.lossP.dataSync()[0];
        d.relativeU = rel.lossU.dataSync()[0];
        d.relativeP = rel.lossP.dataSync()[0];
      }
      out.push(d);
    });
  });
  return out;
}
