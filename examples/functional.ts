// The functional core: forward/inverse pairs whose round trip is exact.
// Run: npx tsx examples/functional.ts
import * as tf from '@tensorflow/tfjs';
import { liftDown2d, liftUp2d, initLiftWeights2d, liftPyramidDown, liftPyramidUp } from 'liftpool';

export function functionalDemo(): { learnedError: number; pyramidError: number } {
  return tf.tidy(() => {
    const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 0) as tf.Tensor4D; // NHWC; odd sizes are fine

    // Learned lifting: weights are plain tensors {horizontal, vertical: {predict, update}}.
    const weights = initLiftWeights2d(3, 5, { seed: 42 });
    const { ll, lh, hl, hh, size, lossU, lossP } = liftDown2d(x, weights); // bands: [2, 5, 4, 3]
    const back = liftUp2d({ ll, lh, hl, hh, size }, weights);
    const learnedError = tf.max(tf.abs(tf.sub(back, x))).dataSync()[0];
    console.log(`learned: LL ${ll.shape}, L_u ${lossU.dataSync()[0].toFixed(3)}, L_p ${lossP.dataSync()[0].toFixed(3)}, round-trip error ${learnedError.toExponential(1)}`);

    // Classical wavelets need no weights: 'haar' | 'cdf53' | 'cdf97'. A 3-level CDF 9/7 pyramid:
    const pyramid = liftPyramidDown(x, 'cdf97', 3);
    const pyramidError = tf.max(tf.abs(tf.sub(liftPyramidUp(pyramid, 'cdf97'), x))).dataSync()[0];
    console.log(`cdf97 pyramid: coarsest LL ${pyramid.ll.shape}, round-trip error ${pyramidError.toExponential(1)}`);
    return { learnedError, pyramidError };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) functionalDemo();
