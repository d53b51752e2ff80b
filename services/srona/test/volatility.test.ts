import { realizedVolatility as quantRealizedVol } from '@marketpipe/quant';
import { CandleHistory } from '../src/model/history';
import { DAY_MS } from '../src/model/params';
import { dayReturnFromHistory, realizedVolatility } from '../src/model/volatility';
import { HOUR, historyOf, randomWalk } from './helpers';

describe('CandleHistory', () => {
  it('keeps candles time-ordered and deduplicated whatever the arrival order', () => {
    const h = new CandleHistory(HOUR, 100);
    expect(h.add(3 * HOUR, 103, 4 * HOUR - 1)).toBe(true);
    expect(h.add(1 * HOUR, 101, 2 * HOUR - 1)).toBe(true);
    expect(h.add(2 * HOUR, 102, 3 * HOUR - 1)).toBe(true);
    expect(h.add(2 * HOUR, 102, 3 * HOUR - 1)).toBe(false); // duplicate: no change
    expect(h.add(2 * HOUR, 102.5, 3 * HOUR - 1)).toBe(true); // a corrected candle replaces the held one
    expect(h.times).toEqual([HOUR, 2 * HOUR, 3 * HOUR]);
    expect(h.closes).toEqual([101, 102.5, 103]);
    expect(h.newestEventTime).toBe(4 * HOUR - 1);
  });

  it('ignores closes it cannot take a log of', () => {
    const h = new CandleHistory(HOUR, 10);
    expect(h.add(HOUR, 0, 0)).toBe(false);
    expect(h.add(HOUR, -1, 0)).toBe(false);
    expect(h.add(HOUR, Number.NaN, 0)).toBe(false);
    expect(h.length).toBe(0);
  });

  it('is bounded: the oldest candles go first and a candle older than a full history is refused', () => {
    const h = new CandleHistory(HOUR, 16);
    for (let i = 0; i < 1000; i++) h.add(i * HOUR, 100 + i, (i + 1) * HOUR - 1);
    expect(h.length).toBeGreaterThanOrEqual(16);
    expect(h.length).toBeLessThanOrEqual(16 + 8);
    expect(h.times.at(-1)).toBe(999 * HOUR);
    const before = h.length;
    expect(h.add(0, 1, HOUR - 1)).toBe(false);
    expect(h.length).toBe(before);
  });
});

describe('realizedVolatility', () => {
  it('annualizes the sample stdev of hourly log returns by sqrt(8760)', () => {
    // Alternating +a / -a returns: mean 0, sample variance n a^2 / (n - 1).
    const a = 0.01;
    const closes = Array.from({ length: 25 }, (_, i) => (i % 2 === 0 ? 100 : 100 * Math.exp(a)));
    const rv = realizedVolatility(historyOf(closes), 10 * DAY_MS);
    expect(rv.returns).toBe(24);
    expect(rv.vol).toBeCloseTo(a * Math.sqrt(24 / 23) * Math.sqrt(8760), 12);
    expect(rv.windowDays).toBe(1);
  });

  it('agrees with @marketpipe/quant on a gap-free series', () => {
    const closes = randomWalk(400, 0.6);
    const rv = realizedVolatility(historyOf(closes), 1000 * DAY_MS);
    expect(rv.vol).toBeCloseTo(quantRealizedVol(closes, 8760), 12);
    expect(rv.vol as number).toBeGreaterThan(0.5);
    expect(rv.vol as number).toBeLessThan(0.7);
  });

  it('uses only the window and skips returns across gaps', () => {
    const closes = randomWalk(24 * 20, 0.5);
    const full = historyOf(closes);
    const window = realizedVolatility(full, 14 * DAY_MS);
    expect(window.returns).toBe(14 * 24);
    expect(window.expectedReturns).toBe(14 * 24);
    expect(window.windowDays).toBe(14);
    // Remove one candle in the middle: the two returns that touched it go.
    const gapped = new CandleHistory(HOUR, 10_000);
    full.times.forEach((t, i) => {
      if (i !== 300) gapped.add(t, full.closes[i] as number, t + HOUR - 1);
    });
    expect(realizedVolatility(gapped, 14 * DAY_MS).returns).toBe(14 * 24 - 2);
  });

  it('is null with fewer than two returns', () => {
    expect(realizedVolatility(historyOf([100, 101]), DAY_MS).vol).toBeNull();
    expect(realizedVolatility(historyOf([]), DAY_MS).vol).toBeNull();
    expect(realizedVolatility(historyOf([100, 101, 100]), DAY_MS).vol).not.toBeNull();
  });

  it('reads the 24h return from the history', () => {
    const closes = Array.from({ length: 30 }, (_, i) => 100 + i);
    expect(dayReturnFromHistory(historyOf(closes))).toBeCloseTo(Math.log(129 / 105), 15);
    expect(dayReturnFromHistory(historyOf([100, 110]))).toBe(0);
  });
});
