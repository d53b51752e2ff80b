// The pure parts of bench/soak.ts: slopes across process replacements, metric parsing, lag,
// the docs/sizing.md table and disk comparison, the kill schedule and the backwards check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BackwardsTracker,
  MB,
  MINUTE,
  compactedDiskModel,
  compareDisk,
  fitSegments,
  groupLag,
  killSchedule,
  lagVerdict,
  leastSquaresSlope,
  metric,
  parsePrometheus,
  parseSizingTable,
  parseVmRss,
  per10Min,
  pooledSlope,
  sectionTimes,
  topicOfLogDir,
  type SizingRow,
} from '../bench/lib/soak/soak';

const line = (slope: number, intercept: number, ts: number[]) => ts.map((t) => ({ t, y: intercept + slope * t }));

describe('bench soak helpers', () => {
  it('fits a least-squares slope', () => {
    expect(leastSquaresSlope(line(2, 5, [0, 1, 2, 3]))).toBeCloseTo(2);
    expect(leastSquaresSlope([{ t: 1, y: 3 }])).toBeNull();
    expect(leastSquaresSlope([])).toBeNull();
    // noise around a flat line
    expect(leastSquaresSlope([0, 1, 2, 3].map((t) => ({ t, y: t % 2 })))).toBeCloseTo(0.2);
  });

  it('pools segments with their own intercepts: a restart drop is not a trend', () => {
    const before = line(1, 100, [0, 1, 2, 3]);
    const after = line(1, 10, [4, 5, 6, 7]);
    expect(pooledSlope([before, after])).toBeCloseTo(1);
    // one regression over both would see the drop
    expect(leastSquaresSlope([...before, ...after]) as number).toBeLessThan(0);
  });

  it('splits samples by pid after the warm-up and drops a replacement’s own warm-up', () => {
    const samples = [
      ...[0, 10, 20, 30, 40].map((t) => ({ t, pid: 1, y: t })),
      ...[50, 60, 70, 80, 90].map((t) => ({ t, pid: 2, y: t })),
    ];
    const segs = fitSegments(samples, 20, 15);
    expect(segs.map((s) => s.map((p) => p.t))).toEqual([
      [20, 30, 40],
      [70, 80, 90],
    ]);
    // a process that started before the warm-up ended keeps everything from `from` on
    expect(fitSegments(samples, 0, 15)[0]?.length).toBe(5);
    // one-point segments are dropped
    expect(fitSegments(samples, 40, 45)).toEqual([]);
  });

  it('expresses slopes per 10 minutes', () => {
    expect(per10Min(MB / MINUTE, MB)).toBe(10);
    expect(per10Min(null)).toBeNull();
  });

  it('reads VmRSS and Prometheus text', () => {
    expect(parseVmRss('Name:\tnode\nVmRSS:\t  123456 kB\nVmHWM: 1 kB')).toBe(123456 * 1024);
    expect(parseVmRss('Name: node')).toBeNull();
    const text = [
      '# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.',
      '# TYPE nodejs_heap_size_used_bytes gauge',
      'nodejs_heap_size_used_bytes{service="psych"} 41943040',
      'nodejs_heap_space_size_used_bytes{space="new",service="psych"} 1000',
      'nodejs_eventloop_lag_p99_seconds{service="psych"} 0.012',
      'process_resident_memory_bytes 99 1700000000000',
      'weird line',
      'nodejs_gc_duration_seconds_bucket{le="+Inf",kind="minor"} 5',
    ].join('\n');
    const s = parsePrometheus(text);
    expect(metric(s, 'nodejs_heap_size_used_bytes')).toBe(41943040);
    expect(metric(s, 'nodejs_heap_space_size_used_bytes')).toBeUndefined();
    expect(metric(s, 'nodejs_eventloop_lag_p99_seconds')).toBe(0.012);
    expect(metric(s, 'process_resident_memory_bytes')).toBe(99);
    expect(s.find((x) => x.name === 'nodejs_gc_duration_seconds_bucket')?.labels).toEqual({
      le: '+Inf',
      kind: 'minor',
    });
  });

  it('names the topic of a partition dir', () => {
    expect(topicOfLogDir('market.spot.ticker-2')).toBe('market.spot.ticker');
    expect(topicOfLogDir('unified-market-0')).toBe('unified-market');
    expect(topicOfLogDir('unified-market-0.0f1e-delete')).toBeNull();
    expect(topicOfLogDir('meta.properties')).toBeNull();
  });

  it('computes a group’s lag from committed and end offsets', () => {
    const ends = new Map([
      ['a:0', { low: 0, high: 100 }],
      ['a:1', { low: 50, high: 80 }],
      ['b:0', { low: 0, high: 10 }],
    ]);
    expect(
      groupLag(
        [
          { topic: 'a', partition: 0, offset: 90 },
          { topic: 'a', partition: 1, offset: -1 },
          { topic: 'b', partition: 0, offset: 12 }, // ahead of a stale end: never negative
          { topic: 'c', partition: 0, offset: 1 }, // unknown topic
        ],
        ends,
      ),
    ).toBe(10 + 30);
  });

  it('calls lag bounded when its minima stay low, spikes or not', () => {
    const t = Array.from({ length: 60 }, (_, i) => i * 10_000); // 10 min every 10 s
    const spiky = t.map((x, i) => ({ t: x, y: i === 30 ? 50_000 : i % 6 === 0 ? 0 : 300 }));
    const v = lagVerdict(spiky, 2000);
    expect(v.limit).toBe(20_000);
    expect(v.max).toBe(50_000);
    expect(v.bounded).toBe(true);
    const growing = t.map((x) => ({ t: x, y: x / 10 })); // 100 records/s behind
    const g = lagVerdict(growing, 2000);
    expect(g.minimaRise).toBeGreaterThan(50_000);
    expect(g.bounded).toBe(false);
    expect(g.slopePer10Min).toBe(60_000);
    expect(lagVerdict([], 10).bounded).toBeNull();
  });

  it('parses the docs/sizing.md table', () => {
    const rows = parseSizingTable(readFileSync(join(__dirname, '..', 'docs', 'sizing.md'), 'utf8'));
    const spot = rows.find((r) => r.topic === 'market.spot.ticker');
    expect(spot).toEqual({
      topic: 'market.spot.ticker',
      bytesPerRecord: 171,
      keys: 2000,
      ratePerSecond: 2000,
      writtenPerDayBytes: 29.5e9,
      liveMeanBytes: 13.5e6,
      livePeakBytes: 28.5e6,
      diskAfter24hBytes: 79.2e6,
    });
    expect(rows.find((r) => r.topic === 'market.options.chain')?.ratePerSecond).toBe(3);
    const kline = rows.find((r) => r.topic === 'market.spot.kline');
    expect(kline?.ratePerSecond).toBeCloseTo(2000 / 60);
    expect(kline?.liveMeanBytes).toBeNull();
    expect(rows.find((r) => r.topic === 'unified-market')?.diskAfter24hBytes).toBeNull();
    expect(rows.length).toBeGreaterThanOrEqual(11);
  });

  it("keeps docs/sizing.md's live columns equal to the compacted-topic model of its own row", () => {
    const rows = parseSizingTable(readFileSync(join(__dirname, '..', 'docs', 'sizing.md'), 'utf8'));
    const live = rows.filter((r) => r.liveMeanBytes !== null);
    expect(live.length).toBeGreaterThanOrEqual(9);
    for (const r of live) {
      const m = compactedDiskModel(r);
      // the table rounds to three significant figures
      expect({ topic: r.topic, mean: Math.abs((r.liveMeanBytes as number) / m.meanBytes - 1) < 0.01 }).toEqual({
        topic: r.topic,
        mean: true,
      });
      expect({ topic: r.topic, peak: Math.abs((r.livePeakBytes as number) / m.peakBytes - 1) < 0.01 }).toEqual({
        topic: r.topic,
        peak: true,
      });
    }
  });

  const row: SizingRow = {
    topic: 't',
    bytesPerRecord: 100,
    keys: 1000,
    ratePerSecond: 1000,
    writtenPerDayBytes: 8.64e9,
    liveMeanBytes: 4e6,
    livePeakBytes: 8.3e6,
    diskAfter24hBytes: 40e6,
  };
  const measure = {
    topic: 't',
    cleanupPolicy: 'compact,delete',
    diskBytes: 1e6,
    meanDiskBytes: 4.4e6,
    recordsHeld: 1_000_000,
    recordsWritten: 1_800_000,
    ratePerSecond: 500,
    sampledBytesPerRecord: 130,
  };

  it('models a compacted topic as its keys plus 36 s (mean) and 77 s (peak) of its traffic', () => {
    expect(compactedDiskModel(row)).toEqual({
      meanBytes: Math.round(1.07 * 100 * (1000 + 36_000)),
      peakBytes: Math.round(1.07 * 100 * (1000 + 77_000)),
    });
  });

  it('compares a latest-state topic by its time-mean disk with the documented live mean', () => {
    const c = compareDisk(measure, row);
    expect(c.measuredBytes).toBe(4.4e6);
    expect(c.expectedBytes).toBe(4e6);
    expect(c.ratio).toBe(1.1);
    expect(c.withinTolerance).toBe(true);
    // at the measured 500/s the model says 1.07 × 100 × (1,000 + 18,000) = 2.033 MB
    expect(c.rateScaled).toEqual({ expectedBytes: 2_033_000, ratio: 2.164, withinTolerance: false });
    expect(c.writtenBytesModel).toBe(Math.round(100 * 1.07 * 1_800_000));
    expect(c.bytesPerRecord).toEqual({ documented: 100, sampled: 130, ratio: 1.3, withinTolerance: false });
    expect(compareDisk(measure, { ...row, liveMeanBytes: null }).withinTolerance).toBeNull();
  });

  it('calls a difference under 100 KB within sizing whatever the ratio (a topic of kilobytes)', () => {
    const tiny = { ...row, keys: 6, ratePerSecond: 3, liveMeanBytes: 10_600 };
    const c = compareDisk({ ...measure, meanDiskBytes: 14_800, ratePerSecond: 3 }, tiny);
    expect(c.ratio).toBeCloseTo(1.396);
    expect(c.withinTolerance).toBe(true);
    expect(compareDisk({ ...measure, meanDiskBytes: 5e6 }, { ...row, liveMeanBytes: 4e6 }).withinTolerance).toBe(false);
  });

  it('compares a delete-only topic by its end disk with bytes/record × records held', () => {
    const c = compareDisk({ ...measure, cleanupPolicy: 'delete', diskBytes: 150e6 }, row);
    expect(c.measuredBytes).toBe(150e6);
    expect(c.expectedBytes).toBe(107e6);
    expect(c.ratio).toBeCloseTo(1.402);
    expect(c.withinTolerance).toBe(false);
    expect(c.rateScaled).toBeUndefined();
  });

  it('has no verdict for a topic the table does not document', () => {
    const c = compareDisk({ ...measure, sampledBytesPerRecord: null }, undefined);
    expect(c.withinTolerance).toBeNull();
    expect(c.expectedBytes).toBeNull();
    expect(c.bytesPerRecord.withinTolerance).toBeNull();
  });

  it('spaces the kills over the window, each mid-slot', () => {
    expect(killSchedule(['a', 'b', 'c', 'd'], 1000, 5000)).toEqual([
      { service: 'a', at: 1500 },
      { service: 'b', at: 2500 },
      { service: 'c', at: 3500 },
      { service: 'd', at: 4500 },
    ]);
  });

  it('reads every section’s eventTime', () => {
    expect(
      sectionTimes({
        eventTime: 10,
        spot: { eventTime: 9 },
        futures: null,
        options: { eventTime: new Date(8) },
        psych: { eventTime: '7' },
      }),
    ).toEqual({ record: 10, spot: 9, options: 8, psych: 7 });
    expect(sectionTimes(null)).toEqual({});
  });

  it('counts eventTimes that move backwards, per place, symbol and section', () => {
    const t = new BackwardsTracker(1);
    expect(t.observe('kafka', 'BTC', { eventTime: 10, spot: { eventTime: 10 } })).toBe(0);
    expect(t.observe('kafka', 'BTC', { eventTime: 10, spot: { eventTime: 10 } })).toBe(0); // equal is fine
    expect(t.observe('kafka', 'ETH', { eventTime: 5, spot: { eventTime: 5 } })).toBe(0); // another symbol
    expect(t.observe('redis', 'BTC', { eventTime: 3 })).toBe(0); // another place
    expect(t.observe('kafka', 'BTC', { eventTime: 11, spot: { eventTime: 9 }, psych: { eventTime: 1 } })).toBe(1);
    expect(t.observe('kafka', 'BTC', { eventTime: 11, spot: { eventTime: 9.5 } })).toBe(1); // still below 10
    expect(t.total()).toBe(2);
    expect(t.total('kafka')).toBe(2);
    expect(t.total('redis')).toBe(0);
    expect(Object.fromEntries(t.counts)).toEqual({ 'kafka:spot': 2 });
    expect(t.examples).toEqual([
      { where: 'kafka', symbol: 'BTC', section: 'spot', previous: 10, seen: 9, at: expect.any(Number) },
    ]);
  });
});
