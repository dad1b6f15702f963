/**
 * Pairing of an up layer with the down layer whose recorded details it consumes.
 *
 * In a functional model the pairing is structural: the up layer is paired with the layer that
 * produced its detail inputs (`SymbolicTensor.sourceLayer`). This is what makes a saved model
 * load with the pair intact — no names or registries are involved.
 */
import * as tf from '@tensorflow/tfjs';

/** The layer that produced `t`, when `t` is a symbolic tensor of a functional model. */
export function sourceLayerOf(t: unknown): tf.layers.Layer | null {
  if (t instanceof tf.SymbolicTensor) return t.sourceLayer as unknown as tf.layers.Layer;
  return null;
}

/**
 * Resolve the paired down layer from `detailInputs`, checking consistency with an explicit pairing.
 * Returns the explicit pairing when inputs are concrete tensors. The down layer is given by its
 * class, or by its class name (so that an up layer's file need not import its down layer's file).
 */
export function resolvePair<T extends tf.layers.Layer>(
  upName: string,
  downClass: (abstract new (...args: never[]) => T) | string,
  explicit: T | null,
  detailInputs: unknown[],
): T | null {
  const sources = detailInputs.map(sourceLayerOf);
  if (sources.every((s) => s == null)) return explicit;
  const first = sources[0];
  const downName = typeof downClass === 'string' ? downClass : downClass.name;
  const isDown = (l: unknown) => (typeof downClass === 'string' ? l instanceof tf.layers.Layer && l.getClassName() === downClass : l instanceof downClass);
  if (!isDown(first) || sources.some((s) => s !== first)) {
    const names = sources.map((s) => (s ? `${s.getClassName()} '${s.name}'` : 'a non-symbolic tensor')).join(', ');
    throw new Error(`${upName}: the detail inputs must be outputs of one ${downName} created with returnDetails: true; they come from ${names}`);
  }
  if (explicit != null && explicit !== first) {
    throw new Error(`${upName}: paired with '${explicit.name}' but the detail inputs come from '${first!.name}'`);
  }
  return first as unknown as T;
}
