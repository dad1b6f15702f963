// A small encoder–decoder with LiftPool: LiftDownPool2D downsamples, LiftUpPool2D (paired, sharing
// its weights) upsamples with the recorded details. Run: npx tsx examples/encoder-decoder.ts
import * as tf from '@tensorflow/tfjs';
import { LiftDownPool2D, useBestBackend } from 'liftpool';

export function buildEncoderDecoder(): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  const enc = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const down = new LiftDownPool2D({ kernelSize: 5, returnDetails: true });
  const [pooled, lh, hl, hh] = down.apply(enc) as tf.SymbolicTensor[]; // 14×14×8 each
  const mid = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(pooled) as tf.SymbolicTensor;
  const up = down.createUpPool().apply([mid, lh, hl, hh]) as tf.SymbolicTensor; // 28×28×8
  const output = tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }).apply(up) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

export async function main(): Promise<number> {
  await useBestBackend(); // tfjs-node if installed, else wasm with training kernels
  const model = buildEncoderDecoder();
  model.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
  const x = tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 1);
  const history = await model.fit(x, x, { epochs: 5, batchSize: 16, verbose: 0 }); // constraint losses included
  const losses = history.history.loss as number[];
  console.log(`loss ${losses[0].toFixed(4)} -> ${losses[losses.length - 1].toFixed(4)}`);
  tf.dispose(x);
  return losses[losses.length - 1];
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
