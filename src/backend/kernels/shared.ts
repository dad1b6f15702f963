/**
 * Helpers shared by the wasm training kernels (./*.ts): typed kernel arguments, the wasm
 * backend's own kernels (the one place that fails when one is missing), a tidy wrapper for
 * kernels written with tf ops, and the crop / zero-insert steps of the convolution and pooling
 * gradients.
 */
import * as tf from '@tensorflow/tfjs';

export const WASM = 'wasm';

export type KernelArgs = Parameters<tf.KernelFunc>[0];
export type Explicit = [[number, number], [number, number], [number, number], [number, number]];

/** The kernel's attributes as tfjs-core's typed attrs of that kernel (e.g. `MaxPoolGradAttrs`). */
export function attrsOf<T>(args: KernelArgs): T {
  return args.attrs as unknown as T;
}

/** The kernel's inputs by name (tfjs-core's `...Inputs` types name them). */
export function inputsOf(args: KernelArgs): Record<string, tf.TensorInfo> {
  return args.inputs as Record<string, tf.TensorInfo>;
}

/** Wraps a kernel input (a TensorInfo) as a Tensor usable by tf ops. */
export function asTensor<T extends tf.Tensor>(info: tf.TensorInfo): T {
  if (info instanceof tf.Tensor) return info as T;
  return tf.engine().makeTensorFromTensorInfo(info) as T;
}

/**
 * A wasm kernel written with tf ops on the active backend. The engine does not record ops run
 * inside a kernel on the gradient tape, and the tidy frees the wrapped inputs and intermediates.
 */
export function tensorKernel(kernelName: string, f: (args: KernelArgs) => tf.Tensor): tf.KernelConfig {
  return { kernelName, backendName: WASM, kernelFunc: (args) => tf.tidy(() => f(args)) };
}

/** The wasm backend's own kernels that a kernel of this package replaced (set by ../wasm-kernels.ts). */
const originals = new Map<string, tf.KernelConfig>();

/** Records the wasm package's kernel before ../wasm-kernels.ts replaces it. */
export function keepOriginal(k: tf.KernelConfig): void {
  originals.set(k.kernelName, k);
}

/**
 * The wasm backend's own kernel `name` (the original where this package replaced it). The one way
 * the kernels fail when the wasm package lacks a kernel they build on.
 */
export function wasmKernel(name: string): tf.KernelConfig {
  const k = originals.get(name) ?? tf.getKernel(name, WASM);
  if (k == null) {
    throw new Error(`liftpool: the wasm backend has no ${name} kernel (is @tensorflow/tfjs-backend-wasm 4.22 imported?)`);
  }
  return k;
}

/** What {@link callWasmKernel} needs of the wasm backend. */
export interface DirectBackend {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
  disposeData(dataId: object): boolean;
}

/** Runs the wasm backend's own kernel `name` directly, without engine bookkeeping (inputs are only read). */
export function callWasmKernel(name: string, inputs: Record<string, tf.TensorInfo>, backend: DirectBackend, attrs: object): tf.TensorInfo {
  return wasmKernel(name).kernelFunc({ inputs, backend: backend as unknown as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo;
}

/** Slice [start, end) of axis 1 and 2 of a 4-D tensor, only when needed. */
function crop4(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  if (top === 0 && bottom === 0 && left === 0 && right === 0) return x;
  const [n, h, w, c] = x.shape;
  return tf.slice(x, [0, top, left, 0], [n, h - top - bottom, w - left - right, c]);
}

/**
 * Pads (positive amounts) and crops (negative amounts) axes 1 and 2 of a 4-D tensor. Returns the
 * tensor and the non-negative explicit padding that still has to be applied (so it can be folded
 * into a convolution's padding).
 */
export function cropNegative(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number): { x: tf.Tensor4D; pad: Explicit } {
  const c = crop4(x, Math.max(0, -top), Math.max(0, -bottom), Math.max(0, -left), Math.max(0, -right));
  return {
    x: c,
    pad: [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ],
  };
}

/** The parts of tfjs-core's conv/pool info that the crops below use. */
type WindowInfo = Pick<tf.backend_util.Conv2DInfo, 'inHeight' | 'inWidth' | 'outHeight' | 'outWidth' | 'strideHeight' | 'strideWidth' | 'effectiveFilterHeight' | 'effectiveFilterWidth' | 'padInfo'>;

/**
 * `x` cropped or padded to exactly the extent the forward windows read (padding first, then the
 * rows/columns up to the last window's end), as {@link cropNegative}: for filter gradients.
 */
export function cropToWindows(x: tf.Tensor4D, info: WindowInfo): { x: tf.Tensor4D; pad: Explicit } {
  const { top, left } = info.padInfo;
  const bottom = (info.outHeight - 1) * info.strideHeight + info.effectiveFilterHeight - info.inHeight - top;
  const right = (info.outWidth - 1) * info.strideWidth + info.effectiveFilterWidth - info.inWidth - left;
  return cropNegative(x, top, bottom, left, right);
}

/**
 * The stride-dilated output gradient `d` cropped or padded so that a 'valid' correlation with the
 * flipped filter gives the input gradient ("full" correlation), as {@link cropNegative}.
 */
export function cropForInputGradient(d: tf.Tensor4D, info: WindowInfo): { x: tf.Tensor4D; pad: Explicit } {
  const top = info.effectiveFilterHeight - 1 - info.padInfo.top;
  const left = info.effectiveFilterWidth - 1 - info.padInfo.left;
  const bottom = info.inHeight + info.effectiveFilterHeight - 1 - d.shape[1] - top;
  const right = info.inWidth + info.effectiveFilterWidth - 1 - d.shape[2] - left;
  return cropNegative(d, top, bottom, left, right);
}

/** Whether an explicit padding pads axis 1 or 2 at all. */
export const padsSpatially = (p: Explicit): boolean => p[1][0] + p[1][1] + p[2][0] + p[2][1] > 0;

/**
 * Inserts (s-1) zeros after every element of axes 1 and 2 ("dilates" dy by the forward stride),
 * with reshape + pad.
 */
export function zeroInsert(d: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return d;
  const [n, ho, wo, c] = d.shape;
  const padded = tf.pad(tf.reshape(d, [n, ho, 1, wo, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  return tf.reshape(padded, [n, ho * sh, wo * sw, c]);
}
