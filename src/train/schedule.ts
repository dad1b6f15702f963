/** Learning-rate schedules, as pure functions of the epoch (0-based) and total epochs. */
export type ScheduleName = 'constant' | 'cosine' | 'step';
export const SCHEDULES: readonly ScheduleName[] = ['constant', 'cosine', 'step'];

/**
 * - `constant`: `lr`.
 * - `cosine`: `lr · ½(1 + cos(π·epoch/epochs))` (per epoch, ending near 0).
 * - `step`: `lr · 0.1^floor(epoch / max(1, round(epochs/3)))` — ×0.1 at one and two thirds.
 */
export function learningRateAt(schedule: ScheduleName, lr: number, epoch: number, epochs: number): number {
  switch (schedule) {
    case 'constant':
      return lr;
    case 'cosine':
      return lr * 0.5 * (1 + Math.cos((Math.PI * epoch) / Math.max(1, epochs)));
    case 'step':
      return lr * 0.1 ** Math.floor(epoch / Math.max(1, Math.round(epochs / 3)));
    default:
      throw new Error(`unknown schedule '${String(schedule)}'; expected one of ${SCHEDULES.join(', ')}`);
  }
}
