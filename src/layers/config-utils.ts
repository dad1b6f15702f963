/**
 * (De)serialization of initializers and regularizers in layer configs through TF.js's public API,
 * in the same `{className, config}` form TF.js's own layers write.
 */
import * as tf from '@tensorflow/tfjs';

type Initializer = ReturnType<typeof tf.initializers.zeros>;
type Regularizer = ReturnType<typeof tf.regularizers.l2>;
export type SerializedObject = { className: string; config: tf.serialization.ConfigDict };
export type InitializerSpec = string | Initializer | SerializedObject;
export type RegularizerSpec = string | Regularizer | SerializedObject;

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Resolve an initializer given as a name (`'glorotUniform'`), an instance, or `{className, config}`. */
export function toInitializer(spec: InitializerSpec | undefined, fallback: string): Initializer {
  const s = spec ?? fallback;
  if (typeof s === 'object' && typeof (s as Initializer).apply === 'function') return s as Initializer;
  const { name, config } = typeof s === 'string' ? { name: s, config: {} } : { name: (s as SerializedObject).className, config: (s as SerializedObject).config ?? {} };
  const factory = (tf.initializers as unknown as Record<string, (c: unknown) => Initializer>)[lowerFirst(name)];
  if (typeof factory !== 'function') throw new Error(`unknown initializer '${name}'`);
  return factory(config);
}

export function toRegularizer(spec: RegularizerSpec | undefined | null): Regularizer | undefined {
  if (spec == null) return undefined;
  if (typeof spec === 'object' && typeof (spec as Regularizer).apply === 'function') return spec as Regularizer;
  const { name, config } = typeof spec === 'string' ? { name: spec, config: {} } : { name: (spec as SerializedObject).className, config: (spec as SerializedObject).config ?? {} };
  const key = name === 'L1L2' ? 'l1l2' : lowerFirst(name);
  const factory = (tf.regularizers as unknown as Record<string, (c: unknown) => Regularizer>)[key];
  if (typeof factory !== 'function') throw new Error(`unknown regularizer '${name}'`);
  return factory(config);
}

export function serializeObject(obj: Initializer | Regularizer | undefined): SerializedObject | null {
  if (obj == null) return null;
  return { className: obj.getClassName(), config: obj.getConfig() };
}
