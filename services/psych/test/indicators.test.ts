import fc from 'fast-check';
import {
  priceComponent,
  PSYCH_SCALES,
  realizedVolPerMinute,
  rsiWilder,
  spreadBps,
  SeriesWindow,
  volatilityComponent,
  volumeComponent,
} from '../src/model';

describe("Wilder's RSI-14", () => {
  // 15 closes: 14 changes, ten of +1 and four of −1, so the seed averages are 10/14 and 4/14,
  // RS = 2.5 and RSI = 100 − 100 / 3.5. Then −2: gain (10/14·13 + 0)/14 = 130/196, loss
  // (4/14·13 + 2)/14 = 80/196, RSI = 100·130/210. Then +3: gain (130/196·13 + 3)/14 = 2278/2744,
  // loss (80/196·13)/14 = 1040/2744, RSI = 100·2278/3318.
  const changes = [1, 1, -1, 1, 1, -1, 1, 1, -1, 1, 1, -1, 1, 1];
  const closes = [100];
  for (const d of changes) closes.push((closes.at(-1) as number) + d);

  it('seeds with the simple mean of the first 14 gains and losses', () => {
    expect(rsiWilder(closes)).toBeCloseTo(100 - 100 / 3.5, 12);
  });

  it('smooths every later change in with weight 1/14', () => {
    const later = [...closes, (closes.at(-1) as number) - 2];
    expect(rsiWilder(later)).toBeCloseTo((100 * 130) / 210, 12);
    later.push((later.at(-1) as number) + 3);
    expect(rsiWilder(later)).toBeCloseTo((100 * 2278) / 3318, 12);
  });

  it('needs 15 closes, reads 50 when nothing moved and 100 when nothing fell', () => {
    expect(rsiWilder(closes.slice(0, 14))).toBeNull();
    expect(rsiWilder(new Array<number>(20).fill(7))).toBe(50);
    expect(rsiWilder(Array.from({ length: 20 }, (_, i) => 10 + i))).toBe(100);
    expect(rsiWilder(Array.from({ length: 20 }, (_, i) => 100 - i))).toBe(0);
  });

  it('reads only the requested slice', () => {
    const padded = [1, 1e9, ...closes];
    expect(rsiWilder(padded, 14, 2, padded.length)).toBeCloseTo(100 - 100 / 3.5, 12);
  });
});

describe('realized volatility per minute', () => {
  it('is sqrt(mean r²) for regular 1-minute closes', () => {
    // Log returns 0.01, −0.02, 0.02, −0.01: Σr² = 0.001 over 4 minutes.
    const logs = [0, 0.01, -0.01, 0.01, 0];
    const times = logs.map((_, i) => i * 60_000);
    const prices = logs.map((x) => 100 * Math.exp(x));
    expect(realizedVolPerMinute(times, prices, 0, prices.length, 1)).toBeCloseTo(Math.sqrt(0.001 / 4), 12);
  });

  it('spreads the return over a missing minute instead of inflating the variance', () => {
    // Returns 0.01 (1 min) and 0.02 (2 min): Σr² / Σdt = (0.0001 + 0.0004) / 3.
    const times = [0, 60_000, 180_000];
    const prices = [100, 100 * Math.exp(0.01), 100 * Math.exp(0.03)];
    expect(realizedVolPerMinute(times, prices, 0, 3, 1)).toBeCloseTo(Math.sqrt(0.0005 / 3), 12);
  });

  it('reads a steady trend as its step, not as zero', () => {
    const prices = Array.from({ length: 11 }, (_, i) => 50 * Math.exp(0.003 * i));
    const times = prices.map((_, i) => i * 60_000);
    expect(realizedVolPerMinute(times, prices, 0, 11, 5)).toBeCloseTo(0.003, 12);
  });

  it('needs the minimum number of returns', () => {
    expect(realizedVolPerMinute([0, 60_000, 120_000], [1, 2, 3], 0, 3, 5)).toBeNull();
  });
});

describe('bid-ask spread', () => {
  it('is (ask − bid) / mid in basis points', () => {
    expect(spreadBps(99.95, 100.05)).toBeCloseTo(10, 9);
    expect(spreadBps(100, 100)).toBe(0);
  });

  it('is null for a one-sided, empty or crossed book', () => {
    expect(spreadBps(null, 100)).toBeNull();
    expect(spreadBps(100, null)).toBeNull();
    expect(spreadBps(0, 100)).toBeNull();
    expect(spreadBps(101, 100)).toBeNull();
  });

  it('does not overflow at the largest doubles', () => {
    expect(spreadBps(Number.MAX_VALUE / 2, Number.MAX_VALUE)).toBeCloseTo(20_000 / 3, 6);
  });
});

describe('component scales', () => {
  it('reads a 0.2 %/min rise with no acceleration as 0.4·tanh(1) + 0.4·tanh(2)', () => {
    expect(priceComponent(0.002, 0.01)).toBeCloseTo(0.4 * Math.tanh(1) + 0.4 * Math.tanh(2), 12);
  });

  it('reads rising volume as fear on a falling price and greed on a rising one', () => {
    const up = volumeComponent(1e9, 1.05e9, 100, 100.3, 900_000, 900_000);
    const down = volumeComponent(1e9, 1.05e9, 100, 99.7, 900_000, 900_000);
    const volumeTerm = Math.tanh((Math.log1p(1.05e9) - Math.log1p(1e9)) / 0.05);
    expect(up).toBeCloseTo(volumeTerm * Math.tanh(Math.log(1.003) / 0.003), 12);
    expect(down).toBeCloseTo(volumeTerm * Math.tanh(Math.log(0.997) / 0.003), 12);
    expect(up).toBeGreaterThan(0.5);
    expect(down).toBeLessThan(-0.5);
  });

  it('reads a doubling of volatility against its baseline as −tanh(1)', () => {
    expect(volatilityComponent(0.002, 0.001, { ...PSYCH_SCALES, volatilityFloor: 0 })).toBeCloseTo(-Math.tanh(1), 12);
    expect(volatilityComponent(0, 0)).toBe(-0);
  });
});

describe('SeriesWindow', () => {
  const rows = (w: SeriesWindow) => Array.from({ length: w.size }, (_, i) => [w.time(i), w.valueOrNull(0, i)]);

  it('inserts a late sample in time order', () => {
    const w = new SeriesWindow(60_000, 1000, 1);
    w.insert(1000, 1);
    w.insert(5000, 3);
    expect(w.insert(3000, 2)).toBe(true);
    expect(rows(w)).toEqual([
      [1000, 1],
      [3000, 2],
      [5000, 3],
    ]);
  });

  it('treats a second sample at the same time as a no-op', () => {
    const w = new SeriesWindow(60_000, 1000, 1);
    w.insert(3000, 1);
    expect(w.insert(3000, 2)).toBe(false);
    expect(rows(w)).toEqual([[3000, 1]]);
  });

  it('keeps the newest sample of a bucket whatever the arrival order', () => {
    const a = new SeriesWindow(60_000, 1000, 1);
    a.insert(3200, 1);
    a.insert(3700, 2);
    const b = new SeriesWindow(60_000, 1000, 1);
    b.insert(3700, 2);
    expect(b.insert(3200, 1)).toBe(false);
    expect(rows(a)).toEqual([[3700, 2]]);
    expect(rows(b)).toEqual(rows(a));
  });

  it('reads a missing value back as null', () => {
    const w = new SeriesWindow(60_000, 1000, 2);
    w.insert(1000, null, 5);
    expect([w.valueOrNull(0, 0), w.valueOrNull(1, 0)]).toEqual([null, 5]);
  });

  it('drops samples older than the horizon behind the newest, and refuses them late', () => {
    const w = new SeriesWindow(10_000, 1000, 1);
    for (let t = 0; t <= 200_000; t += 1000) w.insert(t, t);
    expect(rows(w).map(([t]) => t)).toEqual(Array.from({ length: 11 }, (_, i) => 190_000 + i * 1000));
    expect(w.insert(150_000, 0)).toBe(false);
    expect(w.firstAtOrAfter(195_500)).toBe(6);
    expect(w.lastAtOrBefore(195_500)).toBe(5);
    expect(w.lastAtOrBefore(100)).toBe(-1);
  });

  it('stays sorted and bounded under any mix of appends, late inserts and duplicates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 300_000 }), { minLength: 50, maxLength: 400 }),
        fc.boolean(),
        (drawn, sorted) => {
          // Mostly-ascending input exercises the append path and the slide to the front.
          const times = sorted ? [...drawn].sort((x, y) => x - y) : drawn;
          const w = new SeriesWindow(30_000, 1000, 1);
          for (const t of times) w.insert(t, t);
          const got = rows(w).map(([t]) => t as number);
          // Reference: newest per 1 s bucket, within 30 s of the newest.
          const newest = Math.max(...times);
          const byBucket = new Map<number, number>();
          for (const t of times) {
            if (t < newest - 30_000) continue;
            const b = Math.floor(t / 1000);
            byBucket.set(b, Math.max(byBucket.get(b) ?? -1, t));
          }
          expect(got).toEqual([...byBucket.values()].sort((x, y) => x - y));
          expect(rows(w).every(([t, v]) => t === v)).toBe(true);
        },
      ),
    );
  });
});
