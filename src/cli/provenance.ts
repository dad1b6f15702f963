/**
 * The provenance record every result file of the CLI carries: backend (and its details), liftpool
 * version, the command that produced it and the date. One definition for train, segment train,
 * eval, robustness and bench.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../backend/index.js';
import { VERSION } from '../version.js';

export interface Provenance {
  backend: string;
  backendInfo: unknown;
  liftpoolVersion: string;
  command?: string;
  date: string;
}

/** The provenance of a result made now on the current backend (with `command` when given). */
export function provenance(command: string): Provenance & { command: string };
export function provenance(command?: string): Provenance;
export function provenance(command?: string): Provenance {
  return { backend: tf.getBackend(), backendInfo: backendInfo(), liftpoolVersion: VERSION, ...(command != null ? { command } : {}), date: new Date().toISOString() };
}

/** This process's command line as `liftpool ARGS` (the `command` of its result files). */
export function commandLine(): string {
  return `liftpool ${process.argv.slice(2).join(' ')}`;
}
