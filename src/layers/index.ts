export { LiftDownPool2D, type LiftDownPool2DArgs, type LiftOutput } from './lift-down-pool2d.js';
export { LiftUpPool2D, type LiftUpPool2DArgs } from './lift-up-pool2d.js';
export { LiftDownPool1D, LiftUpPool1D, type LiftDownPool1DArgs, type LiftUpPool1DArgs, type Lift1dOutput } from './lift-pool1d.js';
export { BlurPool2D, binomialFilter2d, type BlurPool2DArgs } from './blur-pool2d.js';
export { MaxPool2DWithIndices, MaxUnpool2D, maxPoolWithSwitches, maxUnpoolWithSwitches, type MaxUnpool2DArgs } from './max-unpool2d.js';
export { WaveletPool2D, type WaveletPool2DArgs } from './wavelet-pool2d.js';
export { liftConstraintLoss } from './constraint-loss.js';
export { LiftDownPoolBase, DEFAULT_LAMBDA_U, DEFAULT_LAMBDA_P, type LiftDownPoolBaseArgs, type Decomposition } from './lift-down-base.js';
