/** Datasets: loading (MNIST, Fashion-MNIST), caching, and pure data helpers. */
export * from './datasets.js';
export * from './augment.js';
export * from './mnist.js';
export * from './fashion-mnist.js';
export * from './cache.js';
