/**
 * Names of the kernels this project adds to TF.js backends (not overrides of TF.js kernels).
 * Kept apart from the kernels so that the lifting core can ask the registry for them without
 * importing any backend code.
 */

/** The whole backward pass of the LiftPool filter (registered on wasm: ./kernels/lift-filter-grad.ts). */
export const LIFT_FILTER_GRAD = 'LiftPoolFilterGrad';

/** The LiftPool filter's forward pass, returning the hidden layer too (wasm: ./kernels/lift-filter.ts). */
export const LIFT_FILTER = 'LiftPoolFilter';
