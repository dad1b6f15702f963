/** Options of how a run is done rather than what it computes: backend, output directory, resume, force, quiet. */
import { useBestBackend, type BackendPreference } from '../../backend/index.js';
import type { RunControlOptions } from '../run-common.js';
import { optionsOf, type Catalog, type Defaults, type HelpTexts } from './define.js';
import { oneOf } from './parsers.js';

export const BACKENDS: readonly BackendPreference[] = ['auto', 'wasm', 'cpu', 'tensorflow'];

export interface RunControlValues {
  backend: BackendPreference;
  out: string;
  resume: boolean;
  force: boolean;
  quiet: boolean;
}

export const RUN_CONTROL_OPTIONS: Catalog<RunControlValues> = {
  backend: { flags: '--backend <name>', help: 'TF.js backend: auto (tfjs-node if installed, else wasm) | wasm | cpu | tensorflow', parse: oneOf(BACKENDS) },
  out: { flags: '--out <dir>', help: 'output directory' },
  resume: { flags: '--resume', help: 'continue from DIR/checkpoint (same options; --epochs may be raised when the schedule allows)' },
  force: { flags: '--force', help: 'replace a finished or unfinished run in DIR' },
  quiet: { flags: '--quiet', help: 'print only errors and the final line' },
};

export const runControlOptions = (defaults: Defaults<RunControlValues>, help?: HelpTexts<RunControlValues>) => optionsOf(RUN_CONTROL_OPTIONS, defaults, help);

/** `--backend auto` (the commands that run on one backend). */
export const backendOption = () => runControlOptions({ backend: 'auto' });

/** `--out DIR` and the flags of a resumable training run (`train`, `segment train`). */
export const trainingRunOptions = (out: string, outHelp?: string) => runControlOptions({ out, resume: false, force: false, quiet: false }, { out: outHelp });

export async function selectBackend(pref: BackendPreference, quiet = false): Promise<string> {
  const name = await useBestBackend(pref);
  if (!quiet) process.stderr.write(`backend: ${name}\n`);
  return name;
}

/** The runners' run-control options for a CLI training run (it refuses an `--out` holding a run unless `--resume` or `--force`). */
export function cliRunControl(o: RunControlValues, shouldStop: () => boolean, command: string): RunControlOptions {
  return { out: o.out, resume: o.resume, force: o.force, refuseExisting: true, quiet: o.quiet, shouldStop, command };
}
