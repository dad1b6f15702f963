/** The demo page: backend choice, then the three panels. */
import * as tf from '@tensorflow/tfjs';
import { backendInfo, useBestBackend, type BackendPreference } from 'liftpool';
import { initExplorer } from './explorer.js';
import { initResults } from './results.js';
import { initTraining } from './train.js';

const select = document.getElementById('backend') as HTMLSelectElement;
const status = document.getElementById('backend-status')!;

async function setBackend(pref: BackendPreference): Promise<void> {
  status.dataset.state = 'starting';
  status.textContent = 'starting…';
  // The .wasm files are served under /wasm/ (web/prepare.ts copies them there).
  const name = await useBestBackend(pref, { wasmPaths: `${new URL(import.meta.env.BASE_URL, location.href).href}wasm/` });
  const info = backendInfo();
  status.textContent = `${name}${info.wasmBinary ? ` (${info.wasmBinary})` : ''}, TF.js ${tf.version.tfjs}`;
  status.dataset.state = 'ready';
  status.dataset.backend = name;
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const pref = (params.get('backend') ?? 'auto') as BackendPreference;
  select.value = pref;
  await setBackend(pref);
  select.addEventListener('change', () => void setBackend(select.value as BackendPreference).catch((e: Error) => {
    status.dataset.state = 'error';
    status.textContent = `error: ${e.message}`;
  }));
  const steps = params.get('steps');
  if (steps) (document.getElementById('tr-steps') as HTMLInputElement).value = steps;
  const every = params.get('every');
  if (every) (document.getElementById('tr-every') as HTMLInputElement).value = every;
  initTraining();
  await Promise.all([initExplorer(), initResults()]);
  document.body.dataset.ready = 'true';
}

main().catch((e: Error) => {
  status.dataset.state = 'error';
  status.textContent = `error: ${e.message}`;
  console.error(e);
});
