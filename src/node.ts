/**
 * `liftpool/node`: everything of the package root plus the parts that need Node — file IO
 * (`fileIO`), the datasets and their cache, training, checkpoints, the experiment runners, and
 * wasm threads in Node (`useBestBackend('wasm', { threads: 2 })` works once this module is loaded).
 */
import { setNodeWasmThreads } from './backend/index.js';
import { enableWasmThreads } from './backend/wasm-threads.js';

setNodeWasmThreads(enableWasmThreads);

export * from './index.js';
export { fileIO } from './io/file-io.js';
export * from './data/index.js';
export * from './train/index.js';
