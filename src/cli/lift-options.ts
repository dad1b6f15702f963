/**
 * The LiftPool options shared by `train`, `sweep`, `segment train` and `demo`: one declaration, with
 * the layer's own defaults, so a CLI user and a library user get the same LiftPool.
 */
import { Option, type Command } from 'commander';
import { CONSTRAINT_FORMS, DEFAULT_CONSTRAINT } from '../lifting/index.js';
import { DEFAULT_LAMBDA_P, DEFAULT_LAMBDA_U } from '../layers/index.js';
import { float, int, oneOf } from './options.js';

/** Add `--constraint`, `--lambda-u`, `--lambda-p` and `--lift-kernel-size` to `cmd`. */
export function addLiftOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--constraint <form>', `LiftPool constraint-loss form: ${CONSTRAINT_FORMS.join(' | ')} (paper = the paper's absolute norms; see README)`)
      .default(DEFAULT_CONSTRAINT).argParser(oneOf(CONSTRAINT_FORMS)))
    .option('--lambda-u <x>', 'LiftPool update-constraint weight λ_u (0 disables)', float(0), DEFAULT_LAMBDA_U)
    .option('--lambda-p <x>', 'LiftPool predict-constraint weight λ_p (0 disables)', float(0), DEFAULT_LAMBDA_P)
    .option('--lift-kernel-size <k>', 'LiftPool predict/update kernel size (odd)', int(1));
}
