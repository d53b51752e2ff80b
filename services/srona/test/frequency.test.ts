import { CandleHistory } from '../src/model/history';
import {
  BOOTSTRAP_MOVES,
  blockLength,
  MAX_BLOCKS,
  moveDistribution,
  MoveDistributionCache,
  ReturnSeries,
  type MoveDistribution,
} from '../src/model/frequency';
import { DAY_MS } from '../src/model/params';
import { gbmCloses, HOUR, historyOf, randomWalk } from './helpers';

function variance(xs: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < xs.length; i++) mean += xs[i] as number;
  mean /= xs.length;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += ((xs[i] as number) - mean) ** 2;
  return ss / (xs.length - 1);
}

function meanExp(d: MoveDistribution): number {
  let s = 0;
  for (const m of d.moves) s += Math.exp(m);
  return s / d.size;
}

/** Sample variance of the consecutive log returns of `closes`. */
function returnVariance(closes: readonly number[]): number {
  return variance(closes.slice(1).map((c, i) => Math.log(c / (closes[i] as number))));
}

describe('AnalizadorFrecuencias: the returns it resamples', () => {
  it('takes the consecutive log returns of the whole history, centred, and skips a return across a gap', () => {
    const closes = randomWalk(50, 0.6, 3);
    const full = ReturnSeries.of(historyOf(closes));
    expect(full.returns).toBe(49);
    expect(full.prefix[49]).toBeCloseTo(0, 12);
    const gapped = new CandleHistory(HOUR, 1000);
    const h = historyOf(closes);
    h.times.forEach((t, i) => {
      if (i !== 20) gapped.add(t, closes[i] as number, t + HOUR - 1);
    });
    // Candle 20 missing: the returns 19 -> 20 and 20 -> 21 are gone, 19 -> 21 is not one.
    expect(ReturnSeries.of(gapped).returns).toBe(47);
  });

  it('uses blocks of ⌈n^(1/3)⌉ returns, at most a quarter of them', () => {
    expect(blockLength(719)).toBe(9);
    expect(blockLength(30 * 1440 - 1)).toBe(36);
    expect(blockLength(20)).toBe(3);
    expect(blockLength(8)).toBe(2);
    expect(blockLength(3)).toBe(1);
    expect(blockLength(0)).toBe(1);
  });

  it('is empty with fewer than two returns', () => {
    expect(moveDistribution(historyOf([]), 5, 2).size).toBe(0);
    expect(moveDistribution(historyOf([100, 101]), 5, 2).size).toBe(0);
    const d = moveDistribution(historyOf([100, 101, 99]), 5, 2);
    expect(d.size).toBe(BOOTSTRAP_MOVES);
    expect(d.returns).toBe(2);
    expect(d.probOtm('CALL', 100, 110)).toBeGreaterThan(0);
  });
});

describe('AnalizadorFrecuencias: the bootstrap distribution', () => {
  const closes = gbmCloses(721, 0.6, 42);
  const history = historyOf(closes);
  const cache = new MoveDistributionCache(2);

  it('has the variance of h returns at every horizon: var(h) / var(one block) = h / L', () => {
    const L = ReturnSeries.of(history).blockCandles;
    const one = variance(cache.get(history, L).moves);
    for (const blocks of [2, 5, 20, 53, 120]) {
      const ratio = variance(cache.get(history, blocks * L).moves) / one;
      // Bootstrap noise of a variance from 2,048 moves: ≈ ±3 % (1 sd).
      expect(ratio / blocks).toBeGreaterThan(0.88);
      expect(ratio / blocks).toBeLessThan(1.12);
    }
    // ... and near h·σ̂² of this history's returns (one path: the block estimate's own noise, ≈ ±13 %).
    const perReturn = returnVariance(closes);
    for (const days of [1, 7, 20, 45]) {
      const ratio = variance(cache.get(history, days * 24).moves) / (days * 24 * perReturn);
      expect(ratio).toBeGreaterThan(0.7);
      expect(ratio).toBeLessThan(1.3);
    }
  });

  it('is a martingale in price at every horizon: mean(e^m) = 1, or e^{rT} with a rate', () => {
    for (const days of [1, 7, 15, 16, 30, 45]) {
      expect(meanExp(cache.get(history, days * 24))).toBeCloseTo(1, 12);
      expect(meanExp(moveDistribution(history, days * 24, 2, 0.05))).toBeCloseTo(Math.exp((0.05 * days) / 365), 12);
    }
  });

  it('ignores the history’s trend: a drift added to every return leaves the moves unchanged', () => {
    const trending = historyOf(closes.map((c, i) => c * Math.exp(0.01 * (i / 24))));
    for (const days of [3, 15, 16, 40]) {
      const a = moveDistribution(history, days * 24, 2).moves;
      const b = moveDistribution(trending, days * 24, 2).moves;
      for (let i = 0; i < a.length; i += 97) expect(b[i]).toBeCloseTo(a[i] as number, 9);
    }
  });

  it('changes smoothly with the horizon: one more candle adds one return to each move', () => {
    const trending = historyOf(gbmCloses(721, 0.6, 7, 0.01));
    const c = new MoveDistributionCache(2);
    let worst = 0;
    for (let h = 24; h < 45 * 24; h++) {
      const a = c.get(trending, h).probOtm('CALL', 100, 110);
      const b = c.get(trending, h + 1).probOtm('CALL', 100, 110);
      worst = Math.max(worst, Math.abs(b - a));
    }
    expect(worst).toBeLessThan(0.01);
    const p15 = c.get(trending, 15 * 24).probOtm('CALL', 100, 110);
    const p16 = c.get(trending, 16 * 24).probOtm('CALL', 100, 110);
    expect(Math.abs(p16 - p15)).toBeLessThan(0.03);
  });

  it('is deterministic: the same history gives the same moves, and Math.random is never called', () => {
    const random = jest.spyOn(Math, 'random');
    const a = moveDistribution(history, 480, 2);
    const b = moveDistribution(historyOf(closes), 480, 2);
    expect([...b.moves]).toEqual([...a.moves]);
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
  });

  it('flags a horizon the history spans fewer than minSpans times as extrapolated', () => {
    // 721 candles span 720 candles.
    expect(moveDistribution(history, 360, 2).extrapolated).toBe(false);
    expect(moveDistribution(history, 361, 2).extrapolated).toBe(true);
    expect(moveDistribution(history, 361, 1).extrapolated).toBe(false);
    expect(moveDistribution(history, 361, 2).returns).toBe(720);
  });

  it('keeps the variance beyond MAX_BLOCKS blocks by scaling, with no jump at the threshold', () => {
    const short = historyOf(gbmCloses(41, 0.6, 5)); // 40 returns: L = 4
    const L = ReturnSeries.of(short).blockCandles;
    expect(L).toBe(4);
    const at = variance(moveDistribution(short, MAX_BLOCKS * L, 2).moves);
    const beyond = variance(moveDistribution(short, MAX_BLOCKS * L + 1, 2).moves);
    expect(beyond / at).toBeCloseTo((MAX_BLOCKS * L + 1) / (MAX_BLOCKS * L), 6);
    const far = variance(moveDistribution(short, 4 * MAX_BLOCKS * L, 2).moves);
    expect(far / at).toBeCloseTo(4, 6);
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
      expect(dist.breachFrequency('CALL', spot, strike, premium)).toBe(call / n);
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
    // A premium covering the whole strike cannot be breached.
    expect(dist.breaches('PUT', 100, 90, 90)).toBe(0);
  });

  it('stays finite on closes that span the whole double range', () => {
    const wild = historyOf(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1e300 : i % 3 === 1 ? 1e-300 : 1)));
    const d = moveDistribution(wild, 45 * 24, 2);
    expect(d.moves.every(Number.isFinite)).toBe(true);
    expect(meanExp(d)).toBeCloseTo(1, 9);
    expect(Number.isFinite(d.expectedPayoff('CALL', 100, 110))).toBe(true);
    expect(Number.isFinite(d.expectedPayoff('PUT', 100, 90))).toBe(true);
  });

  it('caches a distribution per horizon until the history changes', () => {
    const h = historyOf(randomWalk(100, 0.5));
    const c = new MoveDistributionCache(2);
    const a = c.get(h, 10);
    expect(c.get(h, 10.2)).toBe(a);
    h.add((h.times.at(-1) as number) + HOUR, 100, 0);
    const b = c.get(h, 10);
    expect(b).not.toBe(a);
    expect(b.returns).toBe(a.returns + 1);
    // The horizon is in whole candles, at least one.
    expect(c.get(h, 0).horizonCandles).toBe(1);
    expect(c.get(h, Number.NaN).horizonCandles).toBe(1);
    expect(c.get(h, (2 * DAY_MS) / HOUR).horizonCandles).toBe(48);
  });
});
