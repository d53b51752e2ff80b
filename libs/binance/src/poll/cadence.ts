/**
 * The shortest polling interval that keeps a loop within its share of the product's weight budget:
 * a loop spending `weightPerRun` every `interval` ms uses weightPerRun · (window / interval) per
 * window, which must stay under share · limit. The configured cadence applies when it is slower.
 */
export function budgetedIntervalMs(
  configuredMs: number,
  weightPerRun: number,
  limitPerWindow: number,
  windowMs: number,
  share: number,
): number {
  if (weightPerRun <= 0) return configuredMs;
  const minimum = Math.ceil((windowMs * weightPerRun) / (share * limitPerWindow));
  return Math.max(configuredMs, minimum);
}
