/**
 * Model builders with pluggable pooling: classification backbones (`tiny`, `vgg13`, `resnet18`,
 * `mobilenetv2`) and a SegNet-style encoder–decoder.
 */
import type * as tf from '@tensorflow/tfjs';

export {
  POOL_NAMES, downsample, maxBlurPool, makeLiftDown, assertPoolName, poolHasWeights,
  type PoolName, type PoolOptions, type PoolContext,
} from './pooling.js';
export { SeededInit, mixSeed } from './init.js';
export { scaleChannels, canPool } from './common.js';
export {
  buildTinyCnn, buildVgg13, buildResNet18, buildMobileNetV2, buildClassifier, ARCHS, ARCH_NAMES,
  VGG13_STAGES, RESNET18_STAGES, MOBILENETV2_SMALL,
  type ArchName, type ClassifierOptions, type MobileNetV2Stage,
} from './classifiers.js';
export { buildSegNet, DOWN_UP_NAMES, SEGNET_STAGES, assertDownUpName, type DownUpName, type SegNetOptions } from './segnet.js';

export interface ParamCount {
  trainable: number;
  nonTrainable: number;
  total: number;
}

/**
 * Parameter counts of a model, each variable counted once (a `LiftUpPool2D` shares its paired
 * `LiftDownPool2D`'s weights and adds none). Non-trainable: e.g. BatchNorm moving statistics.
 */
export function paramCount(model: tf.LayersModel): ParamCount {
  const count = (ws: tf.LayerVariable[]) => {
    const seen = new Set<number>();
    let n = 0;
    for (const w of ws) {
      if (seen.has(w.id)) continue;
      seen.add(w.id);
      n += w.shape.reduce<number>((a, b) => a * (b ?? 0), 1);
    }
    return n;
  };
  const trainable = count(model.trainableWeights);
  const nonTrainable = count(model.nonTrainableWeights);
  return { trainable, nonTrainable, total: trainable + nonTrainable };
}
