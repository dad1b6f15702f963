/** The data layer: datasets (MNIST, Fashion-MNIST), caching, batching, augmentation, seeded randomness,
 * segmentation scenes, and the robustness instruments (corruptions, shifts, perturbation sequences). */
export * from './types.js';
export * from './random.js';
export * from './datasets.js';
export * from './load-dataset.js';
export * from './batches.js';
export * from './augment.js';
export * from './mnist.js';
export * from './fashion-mnist.js';
export * from './cache.js';
export * from './corruption-specs.js';
export * from './corruptions.js';
export * from './image-kernels.js';
export * from './jpeg.js';
export * from './shifts.js';
export * from './perturbations.js';
export * from './scenes.js';
export { renderScene, resampleGray, scaledSize, type Placement } from './scene-render.js';
export * from './scenes-load.js';
