/**
 * `liftpool/node`: everything of the package root plus the parts that need Node — file IO
 * (`fileIO`), the datasets and their cache, training, checkpoints and the experiment runners.
 * (Wasm threads in Node need no import: `useBestBackend` loads them itself when it runs in Node.)
 */
export * from './index.js';
export { fileIO } from './io/file-io.js';
export * from './data/index.js';
export * from './train/index.js';
