import { CandleHistory } from '../src/model/history';
import { moveDistribution, MoveDistributionCache } from '../src/model/frequency';
import { HOUR, historyOf, randomWalk } from './helpers';

/** 10 candles at `from`, then 10 at `to`: over 3 candles exactly 3 of the 17 windows see the jump. */
function stepPath(from: number, to: number): number[] {
  return [...Array<number>(10).fill(from), ...Array<number>(10).fill(to)];
}

describe('AnalizadorFrecuencias: move frequencies', () => {
  it('counts the windows whose move crossed a call breakeven (strike + premium): 3 of 17', () => {
    const dist = moveDistribution(historyOf(stepPath(100, 130)), 3, 2);
    expect(dist.extrapolated).toBe(false);
    expect(dist.samples).toBe(17);
    // spot 100, strike 110, premium 5: breakeven 115, crossed by the +30 % windows only.
    expect(dist.breaches('CALL', 100, 110, 5)).toBe(3);
    // premium 35: breakeven 145 is never reached.
    expect(dist.breaches('CALL', 100, 110, 35)).toBe(0);
    // premium 20: breakeven exactly 130 is touched, not crossed.
    expect(dist.breaches('CALL', 100, 110, 20)).toBe(0);
    expect(dist.probOtm('CALL', 100, 110)).toBeCloseTo(14 / 17, 15);
    expect(dist.expectedPayoff('CALL', 100, 110)).toBeCloseTo((3 * 20) / 17, 12);
  });

  it('counts the windows whose move crossed a put breakeven (strike - premium): 3 of 17', () => {
    const dist = moveDistribution(historyOf(stepPath(100, 80)), 3, 2);
    expect(dist.samples).toBe(17);
    expect(dist.breaches('PUT', 100, 90, 5)).toBe(3);
    expect(dist.breaches('PUT', 100, 90, 15)).toBe(0);
    // A premium covering the whole strike cannot be breached.
    expect(dist.breaches('PUT', 100, 90, 90)).toBe(0);
    expect(dist.probOtm('PUT', 100, 90)).toBeCloseTo(14 / 17, 15);
    expect(dist.expectedPayoff('PUT', 100, 90)).toBeCloseTo((3 * 10) / 17, 12);
  });

  it('counts exactly k of n windows on a path with k jumps spaced wider than the horizon', () => {
    // 200 hourly candles; the price doubles at candles 50, 100 and 150 (then stays): with a horizon
    // of 5 candles, each jump is inside 5 windows: k = 15 of n = 195.
    const closes: number[] = [];
    let level = 100;
    for (let i = 0; i < 200; i++) {
      if (i === 50 || i === 100 || i === 150) level *= 2;
      closes.push(level);
    }
    const dist = moveDistribution(historyOf(closes), 5, 2);
    expect(dist.samples).toBe(195);
    expect(dist.breaches('CALL', 1000, 1100, 50)).toBe(15);
    expect(dist.breaches('PUT', 1000, 900, 50)).toBe(0);
  });

  it('skips windows across a gap in the candles', () => {
    const full = historyOf(stepPath(100, 130));
    const gapped = new CandleHistory(HOUR, 1000);
    full.times.forEach((t, i) => {
      if (i !== 15) gapped.add(t, full.closes[i] as number, t + HOUR - 1);
    });
    // Windows starting at 12 (ends at 15) and 15 (starts there) are gone.
    expect(moveDistribution(gapped, 3, 2).samples).toBe(15);
  });

  it('extrapolates with sqrt-time scaling of centred base-horizon moves when the history is too short', () => {
    const closes = randomWalk(20, 0.5);
    const history = historyOf(closes);
    const dist = moveDistribution(history, 48, 2);
    expect(dist.extrapolated).toBe(true);
    // span 19 candles / 2 spans -> base horizon 9 candles, 11 windows.
    expect(dist.baseCandles).toBe(9);
    expect(dist.samples).toBe(11);
    const base = Array.from({ length: 11 }, (_, i) => Math.log((closes[i + 9] as number) / (closes[i] as number)));
    const mean = base.reduce((a, b) => a + b, 0) / base.length;
    const expected = base.map((m) => (m - mean) * Math.sqrt(48 / 9)).sort((a, b) => a - b);
    expect([...dist.moves]).toEqual(expected.map((x) => expect.closeTo(x, 14) as unknown as number));
  });

  it('is empty without history, and counts directly once the history spans minSpans horizons', () => {
    expect(moveDistribution(historyOf([100]), 5, 2).samples).toBe(0);
    const h = historyOf(randomWalk(101, 0.5));
    expect(moveDistribution(h, 50, 2).extrapolated).toBe(false);
    expect(moveDistribution(h, 51, 2).extrapolated).toBe(true);
    expect(moveDistribution(h, 51, 1).extrapolated).toBe(false);
  });

  it('answers breaches, P(OTM) and expected payoff like a brute-force pass over the moves', () => {
    const dist = moveDistribution(historyOf(randomWalk(720, 0.7, 11)), 24 * 5, 2);
    const moves = [...dist.moves];
    const n = moves.length;
    for (const [spot, strike, premium] of [
      [100, 110, 3],
      [100, 90, 2],
      [100, 100, 0.5],
      [100, 150, 0.1],
    ] as const) {
      const call = moves.filter((m) => 100 * Math.exp(m) > strike + premium).length;
      const put = moves.filter((m) => 100 * Math.exp(m) < strike - premium).length;
      expect(dist.breaches('CALL', spot, strike, premium)).toBe(call);
      expect(dist.breaches('PUT', spot, strike, premium)).toBe(put);
      expect(dist.probOtm('CALL', spot, strike)).toBeCloseTo(
        moves.filter((m) => spot * Math.exp(m) <= strike).length / n,
        12,
      );
      expect(dist.probOtm('PUT', spot, strike)).toBeCloseTo(
        moves.filter((m) => spot * Math.exp(m) >= strike).length / n,
        12,
      );
      const callPay = moves.reduce((s, m) => s + Math.max(spot * Math.exp(m) - strike, 0), 0) / n;
      const putPay = moves.reduce((s, m) => s + Math.max(strike - spot * Math.exp(m), 0), 0) / n;
      expect(dist.expectedPayoff('CALL', spot, strike)).toBeCloseTo(callPay, 9);
      expect(dist.expectedPayoff('PUT', spot, strike)).toBeCloseTo(putPay, 9);
    }
  });

  it('caches a distribution per horizon until the history changes', () => {
    const h = historyOf(randomWalk(100, 0.5));
    const cache = new MoveDistributionCache(2);
    const a = cache.get(h, 10);
    expect(cache.get(h, 10.2)).toBe(a);
    h.add((h.times.at(-1) as number) + HOUR, 100, 0);
    const b = cache.get(h, 10);
    expect(b).not.toBe(a);
    expect(b.samples).toBe(a.samples + 1);
  });
});
