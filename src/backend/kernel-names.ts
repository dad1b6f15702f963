/**
 * Names of the kernels this project adds to TF.js backends (not overrides of TF.js kernels).
 * Kept apart from the kernels so that the lifting core can ask the registry for them without
 * importing any backend code.
 */

/** The whole backward pass of the LiftPool filter (registered on wasm: ./kernels/lift-filter-grad.ts). */
export const LIFT_FILTER_GRAD = 'LiftPoolFilterGrad';

/** The LiftPool filter's forward pass, returning the hidden layer too (wasm: ./kernels/lift-filter.ts). */
export const LIFT_FILTER = 'LiftPoolFilter';

/**
 * A whole lifting step on the un-split input (wasm: ./kernels/lift-step.ts): `d = x_odd − P(x_even)`
 * (attribute `step: 'predict'`) or `s = x_even + U(d)` (`'update'`), reading the even/odd samples
 * with strides, returning the filter's hidden layer and output too.
 */
export const LIFT_STEP = 'LiftPoolStep';

/** The backward of {@link LIFT_STEP} (wasm: ./kernels/lift-step-grad.ts). */
export const LIFT_STEP_GRAD = 'LiftPoolStepGrad';

/** `u = s − x_odd` on the un-split input (wasm: ./kernels/lift-odd-residual.ts). */
export const LIFT_ODD_RESIDUAL = 'LiftPoolOddResidual';
