/** The variables of one learned lifting step (predict + update filters) inside a layer. */
import * as tf from '@tensorflow/tfjs';
import type { LiftAxis, LiftFilterWeights, LiftStepWeights } from '../lifting/index.js';

export type StepVariables = Record<'predict' | 'update', Record<keyof LiftFilterWeights, tf.LayerVariable>>;

type Initializer = ReturnType<typeof tf.initializers.zeros>;
type Regularizer = ReturnType<typeof tf.regularizers.l2>;

/** Adds a weight to the layer (the layer's protected `addWeight`, bound by the caller). */
export type AddWeight = (name: string, shape: number[], init: Initializer, reg: Regularizer | undefined) => tf.LayerVariable;

export interface StepInit {
  depthwise: Initializer;
  pointwise: Initializer;
  bias: Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
}

/** Create the 8 variables of a step along `axis`, named `<prefix>_<predict|update>_<tensor>`. */
export function addStepVariables(add: AddWeight, prefix: string, axis: LiftAxis, channels: number, kernelSize: number, init: StepInit): StepVariables {
  const c = channels;
  const k = kernelSize;
  const dShape = axis === 'width' ? [1, k, c, 1] : [k, 1, c, 1];
  const make = (which: 'predict' | 'update') => ({
    depthwiseKernel: add(`${prefix}${which}_depthwise_kernel`, dShape, init.depthwise, init.kernelRegularizer),
    depthwiseBias: add(`${prefix}${which}_depthwise_bias`, [c], init.bias, init.biasRegularizer),
    pointwiseKernel: add(`${prefix}${which}_pointwise_kernel`, [1, 1, c, c], init.pointwise, init.kernelRegularizer),
    pointwiseBias: add(`${prefix}${which}_pointwise_bias`, [c], init.bias, init.biasRegularizer),
  });
  return { predict: make('predict'), update: make('update') };
}

/** The current values of a step's variables as the functional core's `LiftStepWeights`. */
export function readStepVariables(v: StepVariables): LiftStepWeights {
  const f = (w: Record<keyof LiftFilterWeights, tf.LayerVariable>): LiftFilterWeights => ({
    depthwiseKernel: w.depthwiseKernel.read() as tf.Tensor4D,
    depthwiseBias: w.depthwiseBias.read() as tf.Tensor1D,
    pointwiseKernel: w.pointwiseKernel.read() as tf.Tensor4D,
    pointwiseBias: w.pointwiseBias.read() as tf.Tensor1D,
  });
  return { predict: f(v.predict), update: f(v.update) };
}
