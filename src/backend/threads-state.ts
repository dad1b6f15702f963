/**
 * Whether this package switched the wasm backend to its threaded build in Node (see the Node-only
 * ./wasm-threads.ts). Kept apart so that browser-safe modules can read it without importing Node.
 */
const state = { enabled: false, requested: 0 };

export function wasmThreadsState(): { enabled: boolean; requested: number } {
  return { ...state };
}

/** Records the threads asked for and whether the threaded build came up (./wasm-threads.ts). */
export function setWasmThreadsState(requested: number, enabled: boolean): void {
  state.requested = requested;
  state.enabled = enabled;
}
