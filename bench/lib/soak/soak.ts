// The pure parts of bench/soak.ts: least-squares slopes over samples (split where a process was
// replaced), Prometheus text and /proc parsing, consumer lag from offsets, the docs/sizing.md table
// and the per-topic disk comparison, the kill schedule, and the check that no unified record's
// eventTime moves backwards. No Kafka, no processes: unit-tested in test/bench-soak.test.ts.

export const MINUTE = 60_000;
export const TEN_MINUTES = 10 * MINUTE;
export const MB = 1024 * 1024;

export interface Point {
  /** ms */
  t: number;
  y: number;
}

// ---------------------------------------------------------------- slopes

/** Ordinary least-squares slope of y over t (y per ms); null with fewer than two distinct t. */
export function leastSquaresSlope(points: readonly Point[]): number | null {
  return pooledSlope([points]);
}

/**
 * The common slope of several segments, each with its own intercept (y per ms): the slope of one
 * regression after centring every segment on its own means. A replaced process starts a new
 * segment, so the drop at a restart does not read as a negative trend. Null without at least two
 * distinct t in some segment.
 */
export function pooledSlope(segments: readonly (readonly Point[])[]): number | null {
  let sxy = 0;
  let sxx = 0;
  for (const seg of segments) {
    if (seg.length < 2) continue;
    const mt = seg.reduce((a, p) => a + p.t, 0) / seg.length;
    const my = seg.reduce((a, p) => a + p.y, 0) / seg.length;
    for (const p of seg) {
      sxy += (p.t - mt) * (p.y - my);
      sxx += (p.t - mt) ** 2;
    }
  }
  return sxx === 0 ? null : sxy / sxx;
}

export interface ProcessSample {
  t: number;
  /** The process the value was read from: a new pid starts a new segment. */
  pid: number;
  y: number;
}

/**
 * The samples a slope is fitted on: from `from` on, split by pid; a segment whose process started
 * after `from` (a replacement) loses its first `settleMs`, its own warm-up. Segments left with fewer
 * than two points are dropped.
 */
export function fitSegments(samples: readonly ProcessSample[], from: number, settleMs: number): Point[][] {
  const byPid = new Map<number, ProcessSample[]>();
  const firstSeen = new Map<number, number>();
  for (const s of samples) {
    if (!firstSeen.has(s.pid)) firstSeen.set(s.pid, s.t);
    if (s.t < from) continue;
    const list = byPid.get(s.pid) ?? [];
    list.push(s);
    byPid.set(s.pid, list);
  }
  const out: Point[][] = [];
  for (const [pid, list] of byPid) {
    const born = firstSeen.get(pid) as number;
    const start = born > from ? born + settleMs : from;
    const seg = list.filter((s) => s.t >= start).map((s) => ({ t: s.t, y: s.y }));
    if (seg.length >= 2) out.push(seg);
  }
  return out;
}

/** A slope in y per ms as y per 10 minutes, rounded to 3 decimals (null stays null). */
export function per10Min(slopePerMs: number | null, unit = 1): number | null {
  return slopePerMs === null ? null : Math.round(((slopePerMs * TEN_MINUTES) / unit) * 1000) / 1000;
}

// ---------------------------------------------------------------- parsing

/** VmRSS of a /proc/<pid>/status text, bytes; null when absent. */
export function parseVmRss(status: string): number | null {
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m === null ? null : Number(m[1]) * 1024;
}

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition → samples (comments and malformed lines skipped). */
export function parsePrometheus(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, '$1');
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3] !== 'NaN') continue;
    out.push({ name: m[1] as string, labels, value });
  }
  return out;
}

/**
 * The value of metric `name` whose labels are all in `ignore` (the services' default `service`
 * label), i.e. the unlabelled series; undefined when there is none.
 */
export function metric(samples: readonly PromSample[], name: string, ignore: readonly string[] = ['service']) {
  return samples.find((s) => s.name === name && Object.keys(s.labels).every((k) => ignore.includes(k)))?.value;
}

/** prom-client's default metrics that the soak reads from each service's /metrics. */
export const PROM = {
  rss: 'process_resident_memory_bytes',
  heapUsed: 'nodejs_heap_size_used_bytes',
  heapTotal: 'nodejs_heap_size_total_bytes',
  /** perf_hooks monitorEventLoopDelay, reset at every scrape: the delay since the previous one. */
  loopP99: 'nodejs_eventloop_lag_p99_seconds',
  loopMax: 'nodejs_eventloop_lag_max_seconds',
  loopMean: 'nodejs_eventloop_lag_mean_seconds',
} as const;

/** A Kafka log directory name `<topic>-<partition>` → topic; null for anything else (`-delete` dirs, files). */
export function topicOfLogDir(name: string): string | null {
  const m = /^(.+)-(\d+)$/.exec(name);
  return m === null ? null : (m[1] as string);
}

// ---------------------------------------------------------------- lag

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * Records a group has not committed yet: Σ max(0, end − committed) over the partitions it has a
 * committed offset on (a partition without one, offset < 0, counts from its low watermark).
 */
export function groupLag(
  committed: readonly PartitionOffset[],
  ends: ReadonlyMap<string, { low: number; high: number }>,
): number {
  let lag = 0;
  for (const c of committed) {
    const e = ends.get(`${c.topic}:${c.partition}`);
    if (e === undefined) continue;
    lag += Math.max(0, e.high - (c.offset >= 0 ? c.offset : e.low));
  }
  return lag;
}

export interface LagVerdict {
  samples: number;
  max: number;
  last: number;
  p50: number;
  /** Least-squares slope of the sampled lag, records per 10 min. */
  slopePer10Min: number | null;
  /** Rise over the window of the least-squares line through each minute's smallest lag. */
  minimaRise: number | null;
  /** 10 s of the group's input (records/s over its topics × 10). */
  limit: number;
  bounded: boolean | null;
}

/**
 * Is a group's lag bounded? A consumer that keeps up drains to near zero again and again whatever
 * its spikes (a kill, a rebalance); one that falls behind has minima that climb. So: take each
 * minute's smallest lag, fit a line through them, and call the lag bounded when that line rises by
 * less than 10 s of the group's input over the whole window.
 */
export function lagVerdict(points: readonly Point[], inputPerSecond: number, bucketMs = MINUTE): LagVerdict {
  const limit = Math.max(1, Math.round(inputPerSecond * 10));
  if (points.length === 0)
    return { samples: 0, max: 0, last: 0, p50: 0, slopePer10Min: null, minimaRise: null, limit, bounded: null };
  const sorted = [...points].map((p) => p.y).sort((a, b) => a - b);
  const t0 = (points[0] as Point).t;
  const minima = new Map<number, Point>();
  for (const p of points) {
    const b = Math.floor((p.t - t0) / bucketMs);
    const cur = minima.get(b);
    if (cur === undefined || p.y < cur.y) minima.set(b, p);
  }
  const mins = [...minima.values()];
  const s = leastSquaresSlope(mins);
  const span = (points[points.length - 1] as Point).t - t0;
  const rise = s === null ? null : Math.round(s * span);
  return {
    samples: points.length,
    max: sorted[sorted.length - 1] as number,
    last: (points[points.length - 1] as Point).y,
    p50: sorted[Math.floor((sorted.length - 1) / 2)] as number,
    slopePer10Min: per10Min(leastSquaresSlope(points)),
    minimaRise: rise,
    limit,
    bounded: rise === null ? null : rise < limit,
  };
}

// ---------------------------------------------------------------- sizing

export interface SizingRow {
  topic: string;
  bytesPerRecord: number;
  /** Distinct keys at the full universe (what compaction keeps one record of). */
  keys: number;
  /** The documented full-universe rate, records per second. */
  ratePerSecond: number;
  writtenPerDayBytes: number;
  /** Latest-state topics: time-mean disk on a live broker (null for a history topic). */
  liveMeanBytes: number | null;
  /** Latest-state topics: the most a live broker holds between two cleanings. */
  livePeakBytes: number | null;
  /** bench:restart's synthetic 24 h fill (null where it does not write the topic). */
  diskAfter24hBytes: number | null;
}

const num = (text: string): number => Number(text.replace(/,/g, ''));

function bytesOf(text: string): number {
  const m = /([\d.,]+)\s*(B|KB|MB|GB|TB)\b/.exec(text);
  if (m === null) throw new Error(`not a size: "${text}"`);
  const unit = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 }[m[2] as 'B' | 'KB' | 'MB' | 'GB' | 'TB'];
  return Math.round(num(m[1] as string) * unit);
}

/** A size cell, or null where the table says "—" (a history topic has no live steady state). */
const sizeOrNull = (text: string): number | null => (/^[—-]$/.test(text) ? null : bytesOf(text));

function rateOf(text: string): number {
  const m = /([\d.,]+)\s*\/\s*(s|min|h)\b/.exec(text);
  if (m === null) throw new Error(`not a rate: "${text}"`);
  return num(m[1] as string) / { s: 1, min: 60, h: 3600 }[m[2] as 's' | 'min' | 'h'];
}

/** The per-topic table of docs/sizing.md (rows whose first cell is a `topic`). */
export function parseSizingTable(markdown: string): SizingRow[] {
  const rows: SizingRow[] = [];
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`([^`]+)`\s*\|(.*)\|\s*$/.exec(line.trim());
    if (m === null) continue;
    const cells = (m[2] as string).split('|').map((c) => c.trim());
    if (cells.length < 7) continue;
    rows.push({
      topic: m[1] as string,
      bytesPerRecord: num(cells[0] as string),
      keys: num(cells[1] as string),
      ratePerSecond: rateOf(cells[2] as string),
      writtenPerDayBytes: bytesOf(cells[3] as string),
      liveMeanBytes: sizeOrNull(cells[4] as string),
      livePeakBytes: sizeOrNull(cells[5] as string),
      diskAfter24hBytes: sizeOrNull(cells[6] as string),
    });
  }
  return rows;
}

/** docs/sizing.md: "Bytes per record are the produced key + value (Avro, Confluent framing); the log adds ~7 %." */
export const LOG_OVERHEAD = 1.07;
export const TOLERANCE = 0.2;
/**
 * A difference this small is within sizing whatever the ratio: the topics that small (SRONA's six
 * reports, the one global record) hold kilobytes, where a partition's half-empty segment is a
 * large share and nothing a disk is provisioned by.
 */
export const ABSOLUTE_TOLERANCE_BYTES = 100_000;

/**
 * What a compacted latest-state topic holds on a live broker, in seconds of its own traffic on top
 * of one record per key. The active segment (segment.ms 60 s) is on average half full and at most
 * full; a closed segment waits for the cleaner (min.cleanable.dirty.ratio 0.1, so it is picked at
 * once) and the cleaning itself takes seconds. Fitted once on the 2026-12-03 soak, where every
 * latest-state topic from 3 to 3,900 records/s held 34–41 s on average and peaked at 68–77 s; the
 * same two constants then predict every topic's figure from its keys, bytes and rate.
 */
export const COMPACTED_TAIL_SECONDS = { mean: 36, peak: 77 } as const;

/** docs/sizing.md's live columns for a latest-state topic: keys + the tail, × bytes × log overhead. */
export function compactedDiskModel(row: Pick<SizingRow, 'bytesPerRecord' | 'keys' | 'ratePerSecond'>): {
  meanBytes: number;
  peakBytes: number;
} {
  const at = (seconds: number): number =>
    Math.round(LOG_OVERHEAD * row.bytesPerRecord * (row.keys + row.ratePerSecond * seconds));
  return { meanBytes: at(COMPACTED_TAIL_SECONDS.mean), peakBytes: at(COMPACTED_TAIL_SECONDS.peak) };
}

export interface TopicMeasure {
  topic: string;
  cleanupPolicy: string;
  /** Sum of the topic's .log segment sizes on the broker at the end of the measured window. */
  diskBytes: number;
  /** Time-mean of the same sum over the measured window (a compacted topic saw-tooths between cleanings). */
  meanDiskBytes: number;
  /** Σ (high − low) over partitions at the end: what a delete-only topic holds. */
  recordsHeld: number;
  /** Records appended during the run (end-offset deltas). */
  recordsWritten: number;
  /** Records per second after the warm-up. */
  ratePerSecond: number;
  /** Mean key + value bytes of a sample of the topic's newest records; null if none was read. */
  sampledBytesPerRecord: number | null;
}

export interface DiskComparison {
  topic: string;
  /** What the measured disk is compared with, in words. */
  basis: string;
  expectedBytes: number | null;
  /** The figure compared: end disk for a history topic, time-mean disk for a latest-state one. */
  measuredBytes: number;
  ratio: number | null;
  withinTolerance: boolean | null;
  /** The same latest-state figure scaled by measured / documented rate (to tell rate from size). */
  rateScaled?: { expectedBytes: number; ratio: number; withinTolerance: boolean };
  /** Uncompacted bound: documented bytes/record × 1.07 × records written during the run. */
  writtenBytesModel: number | null;
  bytesPerRecord: {
    documented: number | null;
    sampled: number | null;
    ratio: number | null;
    withinTolerance: boolean | null;
  };
  rate: { documented: number | null; measured: number };
}

const ratio = (measured: number, expected: number): number | null =>
  expected > 0 ? Math.round((measured / expected) * 1000) / 1000 : null;
const within = (r: number | null): boolean | null => (r === null ? null : Math.abs(r - 1) <= TOLERANCE);
const withinSizing = (measured: number, expected: number): boolean | null =>
  Math.abs(measured - expected) <= ABSOLUTE_TOLERANCE_BYTES ? true : within(ratio(measured, expected));

/**
 * A topic's disk against docs/sizing.md:
 * - a delete-only (history) topic keeps every record of the run, so its disk at the end is
 *   compared with the documented bytes/record × 1.07 (log overhead) × the records it holds;
 * - a latest-state (compacted) topic saw-tooths between one record per key and a minute's traffic
 *   more, so its time-mean disk after the warm-up is compared with the documented live mean (the
 *   same figure scaled by measured / documented rate is given as well);
 * - a topic absent from the table, or without a live figure, has no verdict (null).
 * The bytes/record of each topic is checked against the table's column as well.
 */
export function compareDisk(m: TopicMeasure, row: SizingRow | undefined): DiskComparison {
  const bpr = {
    documented: row?.bytesPerRecord ?? null,
    sampled: m.sampledBytesPerRecord === null ? null : Math.round(m.sampledBytesPerRecord),
    ratio:
      row === undefined || m.sampledBytesPerRecord === null ? null : ratio(m.sampledBytesPerRecord, row.bytesPerRecord),
    withinTolerance: null as boolean | null,
  };
  bpr.withinTolerance = within(bpr.ratio);
  const compacted = m.cleanupPolicy !== 'delete';
  const base = {
    topic: m.topic,
    measuredBytes: compacted ? m.meanDiskBytes : m.diskBytes,
    writtenBytesModel: row === undefined ? null : Math.round(row.bytesPerRecord * LOG_OVERHEAD * m.recordsWritten),
    bytesPerRecord: bpr,
    rate: { documented: row?.ratePerSecond ?? null, measured: Math.round(m.ratePerSecond * 10) / 10 },
  };
  const none = (basis: string): DiskComparison => ({
    ...base,
    basis,
    expectedBytes: null,
    ratio: null,
    withinTolerance: null,
  });
  if (row === undefined) return none('not in docs/sizing.md table: no documented figure');
  if (!compacted) {
    const expected = Math.round(row.bytesPerRecord * LOG_OVERHEAD * m.recordsHeld);
    const r = ratio(m.diskBytes, expected);
    return {
      ...base,
      basis: `delete-only topic: documented ${row.bytesPerRecord} B/record × ${LOG_OVERHEAD} log overhead × ${m.recordsHeld} records held`,
      expectedBytes: expected,
      ratio: r,
      withinTolerance: withinSizing(m.diskBytes, expected),
    };
  }
  if (row.liveMeanBytes === null) return none('latest-state topic without a documented live mean');
  const expected = row.liveMeanBytes;
  const r = ratio(m.meanDiskBytes, expected);
  const scaledModel = compactedDiskModel({ ...row, ratePerSecond: m.ratePerSecond }).meanBytes;
  const rs = ratio(m.meanDiskBytes, scaledModel);
  return {
    ...base,
    basis: `latest-state (compacted) topic: time-mean disk after the warm-up vs the documented live mean (${row.liveMeanBytes} B)`,
    expectedBytes: expected,
    ratio: r,
    withinTolerance: withinSizing(m.meanDiskBytes, expected),
    ...(rs === null
      ? {}
      : {
          rateScaled: {
            expectedBytes: scaledModel,
            ratio: rs,
            withinTolerance: withinSizing(m.meanDiskBytes, scaledModel) === true,
          },
        }),
  };
}

// ---------------------------------------------------------------- kills

/**
 * When to kill each service: evenly over [from, to), each in the middle of its slot, so every
 * replacement runs a while before the next kill and before the end.
 */
export function killSchedule<S extends string>(
  services: readonly S[],
  from: number,
  to: number,
): { service: S; at: number }[] {
  const slot = (to - from) / Math.max(1, services.length);
  return services.map((service, i) => ({ service, at: Math.round(from + (i + 0.5) * slot) }));
}

// ---------------------------------------------------------------- eventTime order

/** A number of ms from what a decoder or JSON gives for a timestamp (number, Date, bigint, string). */
export function toMillis(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'string') {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
    const d = Date.parse(v);
    return Number.isNaN(d) ? null : d;
  }
  return null;
}

export const UNIFIED_SECTIONS = ['spot', 'futures', 'options', 'quantum', 'psych', 'srona'] as const;

/** The eventTime of a unified record (`record`) and of each source section it carries. */
export function sectionTimes(u: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (u === null || typeof u !== 'object') return out;
  const rec = u as Record<string, unknown>;
  const top = toMillis(rec['eventTime']);
  if (top !== null) out['record'] = top;
  for (const s of UNIFIED_SECTIONS) {
    const section = rec[s];
    if (section === null || typeof section !== 'object') continue;
    const t = toMillis((section as Record<string, unknown>)['eventTime']);
    if (t !== null) out[s] = t;
  }
  return out;
}

export interface Backwards {
  where: string;
  symbol: string;
  section: string;
  previous: number;
  seen: number;
  at: number;
}

/**
 * Counts every (where, symbol, section) whose eventTime is lower than the newest one seen before.
 * Equal is not backwards (a republished state); a missing section is not compared.
 */
export class BackwardsTracker {
  private readonly newest = new Map<string, number>();
  readonly counts = new Map<string, number>();
  readonly observations = new Map<string, number>();
  readonly examples: Backwards[] = [];

  private readonly keepExamples: number;

  constructor(keepExamples = 20) {
    this.keepExamples = keepExamples;
  }

  observe(where: string, symbol: string, u: unknown, at: number = Date.now()): number {
    let back = 0;
    this.observations.set(where, (this.observations.get(where) ?? 0) + 1);
    for (const [section, t] of Object.entries(sectionTimes(u))) {
      const key = `${where}\u0000${symbol}\u0000${section}`;
      const prev = this.newest.get(key);
      if (prev !== undefined && t < prev) {
        back++;
        const ck = `${where}:${section}`;
        this.counts.set(ck, (this.counts.get(ck) ?? 0) + 1);
        if (this.examples.length < this.keepExamples)
          this.examples.push({ where, symbol, section, previous: prev, seen: t, at });
      } else this.newest.set(key, t);
    }
    return back;
  }

  total(where?: string): number {
    let n = 0;
    for (const [k, v] of this.counts) if (where === undefined || k.startsWith(`${where}:`)) n += v;
    return n;
  }
}
