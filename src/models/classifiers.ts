/**
 * Classification backbones with pluggable pooling (timm style: one builder per architecture, the
 * downsampling injected through `downsample(x, opts.pool, …)`).
 *
 * Common rules:
 * - Channels are `max(1, round(c·width))`.
 * - Every kernel initialiser is drawn, in construction order, from a `SeededInit(seed)`: the same
 *   seed and options give identical initial weights (and identical training on the same backend).
 * - A pooling is applied only while the result stays ≥ 2×2 (`canPool`); where the reference layout
 *   pools once more it is skipped and the stage keeps the current resolution. No input padding.
 * - Heads: global average pooling → dense softmax (Glorot-uniform). BatchNorm: momentum 0.9, ε 1e-5.
 *
 * Poolings per architecture:
 *
 * | arch          | layout                                                  | 28×28          | 32×32         |
 * |---------------|---------------------------------------------------------|----------------|---------------|
 * | `tiny`        | conv16 conv16 P conv32 conv32 P conv64 (ReLU, no BN)    | 2: 28→14→7     | 2: 32→16→8    |
 * | `vgg13`       | 64 64 P 128 128 P 256 256 P 512 512 P 512 512 P (BN+ReLU) | 4: 28→14→7→4→2 (5th skipped) | 4: 32→16→8→4→2 (5th skipped) |
 * | `resnet18`    | 3×3 stem, BasicBlock×[2,2,2,2] at 64/128/256/512, P at the start of stages 2–4 | 3: 28→14→7→4 | 3: 32→16→8→4 |
 * | `mobilenetv2` | 3×3 stem (32), 10 inverted-residual blocks, P in 3 of them, 1×1 conv 1280 | 3: 28→14→7→4 | 3: 32→16→8→4 |
 */
import * as tf from '@tensorflow/tfjs';
import { SeededInit } from './init.js';
import { downsample, type PoolContext } from './pooling.js';
import {
  canPool, halve, checkCommon, scaleChannels, convBnAct, batchNorm, activation, classifierHead,
  type ClassifierOptions,
} from './common.js';

export type { ClassifierOptions } from './common.js';

function poolContext(opts: ClassifierOptions, init: SeededInit, name: string): PoolContext {
  return {
    init, name,
    liftKernelSize: opts.liftKernelSize, liftConstraint: opts.liftConstraint, lambdaU: opts.lambdaU, lambdaP: opts.lambdaP,
    waveletName: opts.waveletName, waveletOutput: opts.waveletOutput,
  };
}

/**
 * The benchmark's reference net: conv3×3(16)–conv(16)–P–conv(32)–conv(32)–P–conv(64)–GAP–dense.
 * Convs are 3×3 `'same'` with bias and ReLU (no BatchNorm), Glorot-uniform initialised (the TF.js
 * default, as in `bench/tiny-cnn-train.ts`); the BatchNorm nets use He-normal for ReLU convs.
 */
export function buildTinyCnn(opts: ClassifierOptions): tf.LayersModel {
  const width = checkCommon('buildTinyCnn', opts);
  const init = new SeededInit(opts.seed);
  const name = opts.name ?? 'tiny';
  const input = tf.input({ shape: opts.inputShape, name: `${name}_input` });
  let size: [number, number] = [opts.inputShape[0], opts.inputShape[1]];
  const conv = (x: tf.SymbolicTensor, c: number, n: string) =>
    tf.layers.conv2d({
      name: `${name}_${n}`, filters: scaleChannels(c, width), kernelSize: 3, padding: 'same', activation: 'relu',
      kernelInitializer: init.glorotUniform(),
    }).apply(x) as tf.SymbolicTensor;
  const pool = (x: tf.SymbolicTensor, n: string) => {
    if (!canPool(size)) return x;
    size = halve(size);
    return downsample(x, opts.pool, poolContext(opts, init, `${name}_${n}`));
  };
  let h = conv(input, 16, 'conv1');
  h = conv(h, 16, 'conv2');
  h = pool(h, 'pool1');
  h = conv(h, 32, 'conv3');
  h = conv(h, 32, 'conv4');
  h = pool(h, 'pool2');
  h = conv(h, 64, 'conv5');
  return tf.model({ name, inputs: input, outputs: classifierHead(h, opts.numClasses, init, name) });
}

/** VGG13 stage widths (two 3×3 conv–BN–ReLU per stage, then a pooling). */
export const VGG13_STAGES: readonly number[] = [64, 128, 256, 512, 512];

/**
 * VGG13: stages 64,64,P,128,128,P,256,256,P,512,512,P,512,512,P (×width), BatchNorm + ReLU after
 * every conv, classifier GAP + dense. Poolings that would shrink the map below 2×2 are skipped
 * (4 poolings for 28×28 and for 32×32 inputs).
 */
export function buildVgg13(opts: ClassifierOptions): tf.LayersModel {
  const width = checkCommon('buildVgg13', opts);
  const init = new SeededInit(opts.seed);
  const name = opts.name ?? 'vgg13';
  const input = tf.input({ shape: opts.inputShape, name: `${name}_input` });
  let size: [number, number] = [opts.inputShape[0], opts.inputShape[1]];
  let h = input;
  VGG13_STAGES.forEach((c, i) => {
    const f = scaleChannels(c, width);
    h = convBnAct(h, f, 3, init, `${name}_s${i + 1}_a`);
    h = convBnAct(h, f, 3, init, `${name}_s${i + 1}_b`);
    if (canPool(size)) {
      size = halve(size);
      h = downsample(h, opts.pool, poolContext(opts, init, `${name}_s${i + 1}_pool`));
    }
  });
  return tf.model({ name, inputs: input, outputs: classifierHead(h, opts.numClasses, init, name) });
}

/** ResNet18 stage widths; two BasicBlocks per stage. */
export const RESNET18_STAGES: readonly number[] = [64, 128, 256, 512];

/**
 * ResNet18 for small images: 3×3 stem conv (no max pool), BasicBlock ×[2,2,2,2] at 64/128/256/512
 * (×width). The first block of stages 2–4 downsamples by applying the chosen pooling once to the
 * block input; the pooled tensor feeds both the main path (3×3 conv–BN–ReLU, 3×3 conv–BN, stride 1)
 * and the shortcut (1×1 conv–BN projection where the channel count changes, else identity) — the
 * paper's substitution of strided convolutions by the pooling.
 */
export function buildResNet18(opts: ClassifierOptions): tf.LayersModel {
  const width = checkCommon('buildResNet18', opts);
  const init = new SeededInit(opts.seed);
  const name = opts.name ?? 'resnet18';
  const input = tf.input({ shape: opts.inputShape, name: `${name}_input` });
  let size: [number, number] = [opts.inputShape[0], opts.inputShape[1]];
  let h = convBnAct(input, scaleChannels(RESNET18_STAGES[0], width), 3, init, `${name}_stem`);
  RESNET18_STAGES.forEach((c, s) => {
    const f = scaleChannels(c, width);
    for (let b = 0; b < 2; b++) {
      const n = `${name}_s${s + 1}_b${b + 1}`;
      let x = h;
      if (s > 0 && b === 0 && canPool(size)) {
        size = halve(size);
        x = downsample(x, opts.pool, poolContext(opts, init, `${n}_pool`));
      }
      let main = convBnAct(x, f, 3, init, `${n}_1`);
      main = convBnAct(main, f, 3, init, `${n}_2`, 'linear');
      const inC = x.shape[3];
      const shortcut = inC === f
        ? x
        : batchNorm(tf.layers.conv2d({
          name: `${n}_proj_conv`, filters: f, kernelSize: 1, useBias: false, kernelInitializer: init.glorotUniform(),
        }).apply(x) as tf.SymbolicTensor, `${n}_proj_bn`);
      const sum = tf.layers.add({ name: `${n}_add` }).apply([main, shortcut]) as tf.SymbolicTensor;
      h = activation(sum, 'relu', `${n}_out`);
    }
  });
  return tf.model({ name, inputs: input, outputs: classifierHead(h, opts.numClasses, init, name) });
}

/** One MobileNetV2 stage: expansion t, output channels c, n blocks, first block downsamples when s = 2. */
export interface MobileNetV2Stage { t: number; c: number; n: number; s: 1 | 2 }

/**
 * The reduced MobileNetV2 layout used for 28×28/32×32 inputs: the ImageNet layout's seven stages
 * (16, 24, 32, 64, 96, 160, 320) with 1,2,2,2,1,1,1 blocks (10 instead of 17) and three
 * downsamplings (stages 24, 32, 64; the 160 stage keeps the resolution), after a stride-1 stem.
 */
export const MOBILENETV2_SMALL: readonly MobileNetV2Stage[] = [
  { t: 1, c: 16, n: 1, s: 1 },
  { t: 6, c: 24, n: 2, s: 2 },
  { t: 6, c: 32, n: 2, s: 2 },
  { t: 6, c: 64, n: 2, s: 2 },
  { t: 6, c: 96, n: 1, s: 1 },
  { t: 6, c: 160, n: 1, s: 1 },
  { t: 6, c: 320, n: 1, s: 1 },
];

/**
 * MobileNetV2 (reduced, see `MOBILENETV2_SMALL`): 3×3 stem conv(32)–BN–ReLU6 with stride 1,
 * inverted residual blocks (1×1 expand ×t –BN–ReLU6, 3×3 depthwise –BN–ReLU6, 1×1 project –BN,
 * residual when shape is kept). In a downsampling block the stride-2 depthwise conv is replaced by a
 * stride-1 depthwise conv followed by the chosen pooling (on the expanded channels). Then 1×1
 * conv(1280)–BN–ReLU6, GAP, dense. All channels ×width.
 */
export function buildMobileNetV2(opts: ClassifierOptions & { stages?: readonly MobileNetV2Stage[] }): tf.LayersModel {
  const width = checkCommon('buildMobileNetV2', opts);
  const init = new SeededInit(opts.seed);
  const name = opts.name ?? 'mobilenetv2';
  const stages = opts.stages ?? MOBILENETV2_SMALL;
  const input = tf.input({ shape: opts.inputShape, name: `${name}_input` });
  let size: [number, number] = [opts.inputShape[0], opts.inputShape[1]];
  let h = convBnAct(input, scaleChannels(32, width), 3, init, `${name}_stem`, 'relu6');
  let block = 0;
  for (const st of stages) {
    const out = scaleChannels(st.c, width);
    for (let i = 0; i < st.n; i++) {
      const n = `${name}_b${++block}`;
      const inC = h.shape[3] as number;
      let x = h;
      if (st.t !== 1) x = convBnAct(x, inC * st.t, 1, init, `${n}_expand`, 'relu6');
      x = tf.layers.depthwiseConv2d({
        name: `${n}_dw`, kernelSize: 3, strides: 1, padding: 'same', useBias: false, depthwiseInitializer: init.heNormal(),
      }).apply(x) as tf.SymbolicTensor;
      x = activation(batchNorm(x, `${n}_dw_bn`), 'relu6', `${n}_dw_relu6`);
      let pooled = false;
      if (i === 0 && st.s === 2 && canPool(size)) {
        size = halve(size);
        x = downsample(x, opts.pool, poolContext(opts, init, `${n}_pool`));
        pooled = true;
      }
      x = convBnAct(x, out, 1, init, `${n}_project`, 'linear');
      h = !pooled && inC === out ? (tf.layers.add({ name: `${n}_add` }).apply([h, x]) as tf.SymbolicTensor) : x;
    }
  }
  h = convBnAct(h, scaleChannels(1280, width), 1, init, `${name}_head`, 'relu6');
  return tf.model({ name, inputs: input, outputs: classifierHead(h, opts.numClasses, init, name) });
}

export const ARCHS = {
  tiny: buildTinyCnn,
  vgg13: buildVgg13,
  resnet18: buildResNet18,
  mobilenetv2: buildMobileNetV2,
} as const satisfies Record<string, (opts: ClassifierOptions) => tf.LayersModel>;

export type ArchName = keyof typeof ARCHS;
export const ARCH_NAMES = Object.keys(ARCHS) as ArchName[];

/** Builds the named architecture (`ARCHS`) with the given pooling and options. */
export function buildClassifier(arch: ArchName, opts: ClassifierOptions): tf.LayersModel {
  if (typeof arch !== 'string' || !Object.prototype.hasOwnProperty.call(ARCHS, arch)) {
    throw new Error(`unknown architecture '${String(arch)}'; expected one of: ${ARCH_NAMES.join(', ')}`);
  }
  return ARCHS[arch](opts);
}
