/**
 * The LiftPool options of `train`, `segment train` and `sweep`: one declaration, with the layer's own
 * defaults, so a CLI user and a library user get the same LiftPool.
 */
import { CONSTRAINT_FORMS, DEFAULT_CONSTRAINT, type ConstraintForm } from '../../lifting/index.js';
import { DEFAULT_LAMBDA_P, DEFAULT_LAMBDA_U } from '../../layers/index.js';
import type { LiftRunOptions } from '../run-common.js';
import { optionsOf, type Catalog, type Defaults, type HelpTexts } from './define.js';
import { float, oddInt, oneOf } from './parsers.js';

export interface LiftValues {
  constraint: ConstraintForm;
  lambdaU: number;
  lambdaP: number;
  liftKernelSize?: number;
}

export const LIFT_OPTIONS: Catalog<LiftValues> = {
  constraint: {
    flags: '--constraint <form>', parse: oneOf(CONSTRAINT_FORMS),
    help: `LiftPool constraint-loss form: ${CONSTRAINT_FORMS.join(' | ')} (paper = the paper's absolute norms; see README)`,
  },
  lambdaU: { flags: '--lambda-u <x>', help: 'LiftPool update-constraint weight λ_u (0 disables)', parse: float(0) },
  lambdaP: { flags: '--lambda-p <x>', help: 'LiftPool predict-constraint weight λ_p (0 disables)', parse: float(0) },
  liftKernelSize: { flags: '--lift-kernel-size <k>', help: 'LiftPool predict/update kernel size (odd)', parse: oddInt },
};

/** The layer's defaults (kernel size: none given, the layer's). */
export const LIFT_DEFAULTS: Defaults<LiftValues> = { constraint: DEFAULT_CONSTRAINT, lambdaU: DEFAULT_LAMBDA_U, lambdaP: DEFAULT_LAMBDA_P, liftKernelSize: undefined };

export const liftOptions = (defaults: Defaults<LiftValues> = LIFT_DEFAULTS, help?: HelpTexts<LiftValues>) => optionsOf(LIFT_OPTIONS, defaults, help);

/** The runners' names for the parsed LiftPool options. */
export function liftRunOptions(o: LiftValues): LiftRunOptions & { lambdaU: number; lambdaP: number } {
  return { liftConstraint: o.constraint, lambdaU: o.lambdaU, lambdaP: o.lambdaP, liftKernelSize: o.liftKernelSize };
}
