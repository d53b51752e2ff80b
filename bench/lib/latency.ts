// Latency samples summarized the same way in every bench: nearest-rank percentiles, in ms.

export interface LatencySummary {
  samples: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/** Nearest-rank percentile of an ascending array (null when empty). */
export function percentileOfSorted(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
}

export function summarizeLatency(xs: readonly number[]): LatencySummary {
  const s = [...xs].sort((a, b) => a - b);
  return {
    samples: s.length,
    p50Ms: percentileOfSorted(s, 50),
    p90Ms: percentileOfSorted(s, 90),
    p99Ms: percentileOfSorted(s, 99),
    maxMs: s.length === 0 ? null : (s[s.length - 1] ?? null),
  };
}
