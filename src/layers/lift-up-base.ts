/**
 * The shared base of the LiftUpPool layers (1D and 2D): pairing with the down layer whose weights
 * and recorded details it uses (explicit `pairedWith`, or found from the graph), the decoder-input
 * mode, input-count and channel checks, and the config. A concrete layer names its inputs and its
 * down class, and implements `call` and `computeOutputShape`.
 *
 * The base knows the down layer only as a {@link LiftDownPoolBase} with a class name, so an up file
 * never imports its down file (the down file imports the up file for `createUpPool`).
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerArgs } from '@tensorflow/tfjs-layers/dist/engine/topology.js';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types.js';
import { assertOneOf } from '../lifting/index.js';
import { LiftDownPoolBase } from './lift-down-base.js';
import { resolvePair } from './pairing.js';

export interface LiftUpPoolBaseArgs<D extends LiftDownPoolBase, M extends string> extends LayerArgs {
  /** The down layer to invert. Optional in a functional model (found from the detail inputs). */
  pairedWith?: D;
  /** How the decoder feature becomes the low band (default `'auto'`). */
  decoderInput?: M;
}

/** What a concrete up layer declares. */
export interface UpLayerSpec<M extends string> {
  /** Class name of the down layer it pairs with, e.g. `'LiftDownPool2D'`. */
  downClassName: string;
  /** Names of its inputs, decoder input first, e.g. `['y', 'lh', 'hl', 'hh']`. */
  inputNames: readonly string[];
  /** Allowed `decoderInput` modes, `'auto'` first. */
  decoderModes: readonly M[];
  /** Rank of every input (4 for NHWC, 3 for sequences). */
  rank: number;
}

export abstract class LiftUpPoolBase<D extends LiftDownPoolBase, M extends string> extends tf.layers.Layer {
  protected paired: D | null;
  readonly decoderInput: M;
  private readonly spec: UpLayerSpec<M>;

  constructor(args: LiftUpPoolBaseArgs<D, M>, spec: UpLayerSpec<M>) {
    super(args);
    const cls = (this.constructor as unknown as { className: string }).className;
    this.spec = spec;
    this.paired = args.pairedWith ?? null;
    this.decoderInput = args.decoderInput ?? spec.decoderModes[0];
    assertOneOf(cls, 'decoderInput', this.decoderInput, spec.decoderModes, spec.decoderModes.map((m) => `'${m}'`).join(' or '));
    if (this.paired != null) {
      if (!(this.paired instanceof LiftDownPoolBase) || this.paired.getClassName() !== spec.downClassName) {
        throw new Error(`${cls}: pairedWith must be a ${spec.downClassName}`);
      }
      if (!this.paired.returnDetails) {
        throw new Error(`${cls}: the paired ${spec.downClassName} '${this.paired.name}' must be created with returnDetails: true, so that its detail bands can be passed to the up layer`);
      }
    }
  }

  /** The paired down layer (after the layer has been applied or when given explicitly). */
  get pairedLayer(): D | null {
    return this.paired;
  }

  /** Channels the paired down layer works on (null when unknown). */
  protected abstract pairedChannels(down: D): number | null;

  /** Further shape checks of the inputs (ranks, band shapes); the base checks count and channels. */
  protected checkShapes(_shapes: (number | null)[][]): void {}

  override apply(inputs: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[], kwargs?: Kwargs): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[] {
    const cls = this.getClassName();
    const { inputNames, downClassName, rank } = this.spec;
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== inputNames.length) throw new Error(`${cls} expects ${inputNames.length} inputs [${inputNames.join(', ')}], got ${list.length}`);
    this.paired = resolvePair(cls, downClassName, this.paired, list.slice(1)) as D | null;
    if (this.paired == null) throw new Error(`${cls}: not paired; create it with downLayer.createUpPool() or pass pairedWith`);
    const shapes = list.map((t) => t.shape);
    for (const s of shapes) {
      if (s.length !== rank) throw new Error(`${cls} expects rank-${rank} ${rank === 4 ? 'NHWC inputs' : 'inputs [batch, steps, channels]'}, got shape [${s.join(',')}]`);
    }
    const c = this.pairedChannels(this.paired);
    const yc = shapes[0][rank - 1];
    if (c != null && yc != null && yc !== c) {
      throw new Error(`${cls}: the decoder input has ${yc} channels but the paired ${downClassName} '${this.paired.name}' works on ${c} channels`);
    }
    this.checkShapes(shapes);
    return super.apply(inputs, kwargs);
  }

  override build(): void {
    this.built = true;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), decoderInput: this.decoderInput };
  }
}
