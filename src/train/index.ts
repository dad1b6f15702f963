export * from './trainer.js';
export * from './evaluate.js';
export * from './schedule.js';
export * from './checkpoint.js';
export * from './robustness-metrics.js';
export * from './segmentation-metrics.js';
export * from './robustness.js';
export * from './segmentation.js';
