/** Datasets: loading (MNIST, Fashion-MNIST), caching, and pure data helpers. */
export * from './datasets.js';
export * from './augment.js';
export * from './mnist.js';
export * from './fashion-mnist.js';
export * from './cache.js';
export * from './corruptions.js';
export * from './shifts.js';
export * from './perturbations.js';
export * from './scenes.js';
export * from './scenes-load.js';
