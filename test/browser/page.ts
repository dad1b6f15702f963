/**
 * The browser suite's page script, bundled by test/browser.test.ts from the package root
 * (`'liftpool'`, no stubs). `liftpoolSuite(backend)` runs ./cases.ts on one backend and returns
 * what the Node side checks.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo, useBestBackend, type BackendInfo, type BackendPreference } from 'liftpool';
import { poolValuesAndGrads, trainAndReload, type PoolResult, type TrainResult } from './cases.js';

export interface SuiteResult {
  backend: string;
  crossOriginIsolated: boolean;
  info: BackendInfo | null;
  /** Whether the LiftPool filter's own wasm kernels are registered after `useBestBackend` checked they can run. */
  liftFilterKernel: boolean;
  pool: PoolResult | null;
  train: TrainResult | null;
  error: string | null;
}

async function liftpoolSuite(backend: BackendPreference, threads?: number): Promise<SuiteResult> {
  const g = globalThis as { crossOriginIsolated?: boolean };
  const r: SuiteResult = { backend, crossOriginIsolated: g.crossOriginIsolated === true, info: null, liftFilterKernel: false, pool: null, train: null, error: null };
  try {
    // The test server serves @tensorflow/tfjs-backend-wasm/dist/*.wasm under /wasm/.
    await useBestBackend(backend, { wasmPaths: '/wasm/', threads });
    r.info = backendInfo();
    r.liftFilterKernel = tf.getKernel('LiftPoolFilter', 'wasm') != null && tf.getKernel('LiftPoolFilterGrad', 'wasm') != null;
    r.pool = await poolValuesAndGrads();
    r.train = await trainAndReload(`indexeddb://liftpool-suite-${backend}-${threads ?? 0}`);
  } catch (e) {
    r.error = String((e as Error).stack ?? e);
  }
  return r;
}

/** What `useBestBackend()` ('auto') picks on this page. */
async function liftpoolAuto(): Promise<string> {
  return useBestBackend('auto', { wasmPaths: '/wasm/' });
}

Object.assign(globalThis, { liftpoolSuite, liftpoolAuto });
