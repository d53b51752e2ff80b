// Throughput sampling for benches: each sample runs a batch function repeatedly for at least
// `minSampleMs` and yields items/s; contenders are sampled in turns so drift (thermal, GC, other
// load) hits them alike. Report the median and the spread, never the best run alone.
import { performance } from 'node:perf_hooks';

export interface Throughput {
  /** of the sampled values: items/s for throughput series, a plain ratio for paired ratios */
  median: number;
  min: number;
  max: number;
  p25: number;
  p75: number;
  /** (p75 - p25) / median */
  relativeIqr: number;
  samples: number;
}

/** One contender: `run` processes one batch and returns how many items it produced (kept as a sink). */
export interface Contender {
  name: string;
  /** Items per call, for items/s */
  itemsPerCall: number;
  run: () => number;
}

export interface MeasureOptions {
  warmupMs: number;
  samples: number;
  minSampleMs: number;
}

let sink = 0;

function sample(c: Contender, minMs: number): number {
  let calls = 0;
  const start = performance.now();
  for (;;) {
    sink += c.run();
    calls++;
    const elapsed = performance.now() - start;
    if (elapsed >= minMs) return (calls * c.itemsPerCall) / (elapsed / 1000);
  }
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

export function summarize(values: readonly number[]): Throughput {
  const sorted = [...values].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const p25 = quantile(sorted, 0.25);
  const p75 = quantile(sorted, 0.75);
  return {
    median,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    p25,
    p75,
    relativeIqr: (p75 - p25) / median,
    samples: sorted.length,
  };
}

/**
 * Warms every contender up, then takes `samples` interleaved samples of each. Returns every
 * contender's per-sample items/s in sample order, so sample i of two contenders ran back to back
 * (their ratio is less exposed to machine-load drift than a ratio of medians).
 */
export function measureInterleaved(contenders: readonly Contender[], options: MeasureOptions): Map<string, number[]> {
  for (const c of contenders) sample(c, options.warmupMs);
  const values = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let i = 0; i < options.samples; i++) {
    for (const c of contenders) values.get(c.name)?.push(sample(c, options.minSampleMs));
  }
  if (sink === -1) console.log('unreachable');
  return values;
}

/** Per-sample ratios a[i] / b[i] of two interleaved sample series. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  const ratios: number[] = [];
  for (let i = 0; i < a.length && i < b.length; i++) ratios.push((a[i] as number) / (b[i] as number));
  return ratios;
}
