import { contractViolation, type OptionContract } from '@marketpipe/contracts';
import { evaluateUnderlying, type DetectorCounters } from '../src/model/detector';
import { opportunityScore } from '../src/model/metrics';
import { DAY_MS } from '../src/model/params';
import { realizedVolatility } from '../src/model/volatility';
import { bigChain, chain, contract, historyOf, inputs, NOW, params, priced, randomWalk, ticker } from './helpers';

const history = historyOf(randomWalk(24 * 30, 0.3, 5));

describe('NakedOptionsDetector', () => {
  it('publishes a valid report with chain metrics: ATM IV, realized vol, IV - RV, put/call ratios', () => {
    const c = chain([
      ...bigChain(),
      priced('CALL', 100, 10, 0.7),
      priced('PUT', 100, 10, 0.72),
      priced('CALL', 100, 2, 1.4),
    ]);
    const report = evaluateUnderlying(inputs(c, history), params(), NOW);
    expect(contractViolation('analytics.srona', report)).toBeUndefined();
    expect(report.underlying).toBe('BTCUSDT');
    expect(report.source).toBe('srona');
    expect(report.emitTime).toBe(NOW);
    expect(report.spotPrice).toBe(100);
    const rv = realizedVolatility(history, 14 * DAY_MS).vol as number;
    expect(report.chain.realizedVol).toBe(rv);
    expect(report.chain.realizedVolWindowDays).toBe(14);
    expect(report.chain.historySamples).toBe(720);
    // ATM at the nearest expiry >= 7 days (10 days, strike 100): mean of call and put IV; not the 2-day one.
    expect(report.chain.atmIV).toBeCloseTo(0.71, 15);
    expect(report.chain.ivRvSpread).toBeCloseTo(0.71 - rv, 15);
    const calls = c.contracts.filter((x) => x.side === 'CALL');
    const puts = c.contracts.filter((x) => x.side === 'PUT');
    const sum = (xs: OptionContract[], f: (x: OptionContract) => number) => xs.reduce((s, x) => s + f(x), 0);
    expect(report.chain.putCallVolumeRatio).toBeCloseTo(sum(puts, (x) => x.volume) / sum(calls, (x) => x.volume), 12);
    expect(report.chain.putCallOpenInterestRatio).toBeCloseTo(
      sum(puts, (x) => x.openInterest ?? 0) / sum(calls, (x) => x.openInterest ?? 0),
      12,
    );
    expect(report.candidatesEvaluated).toBe(128);
  });

  it('keeps only opportunities with score >= 0.6, confidence >= 0.7 and positive edge under both models', () => {
    const report = evaluateUnderlying(inputs(chain(bigChain()), history), params(), NOW);
    expect(report.opportunities.length).toBeGreaterThan(0);
    expect(report.opportunities.length).toBeLessThanOrEqual(10);
    for (const o of report.opportunities) {
      expect(o.score).toBeGreaterThanOrEqual(0.6);
      expect(o.confidence).toBeGreaterThanOrEqual(0.7);
      expect(o.edge.blackScholesEdge).toBeGreaterThan(0);
      expect(o.edge.empiricalEdge).toBeGreaterThan(0);
      expect(o.score).toBeCloseTo(opportunityScore(o.metrics), 14);
      expect(o.moneyness).toBeCloseTo(o.strike / 100, 15);
      expect(o.frequency.samples).toBeGreaterThan(0);
      expect(o.frequency.horizonDays).toBeCloseTo(o.daysToExpiry, 15);
    }
    const strict = evaluateUnderlying(inputs(chain(bigChain()), history), params({ minScore: 0.99 }), NOW);
    expect(strict.opportunities).toEqual([]);
    expect(strict.candidatesEvaluated).toBe(128);
  });

  it('ranks by score x confidence and cuts at the top 10', () => {
    const all = evaluateUnderlying(
      inputs(chain(bigChain()), history),
      params({ minScore: 0, minConfidence: 0, topN: 1000 }),
      NOW,
    );
    expect(all.opportunities.length).toBeGreaterThan(10);
    const keys = all.opportunities.map((o) => o.score * o.confidence);
    for (let i = 1; i < keys.length; i++) expect(keys[i]).toBeLessThanOrEqual(keys[i - 1] as number);
    expect(all.opportunities.map((o) => o.rank)).toEqual(all.opportunities.map((_, i) => i + 1));

    const top = evaluateUnderlying(inputs(chain(bigChain()), history), params({ minScore: 0, minConfidence: 0 }), NOW);
    expect(top.opportunities).toHaveLength(10);
    expect(top.opportunities).toEqual(all.opportunities.slice(0, 10));
    // The same chain in reverse order ranks the same.
    const reversed = evaluateUnderlying(
      inputs(chain(bigChain().reverse()), history),
      params({ minScore: 0, minConfidence: 0 }),
      NOW,
    );
    // (sums run in another order: compare the ranking and the scores, not the last bits)
    expect(reversed.opportunities.map((o) => o.symbol)).toEqual(top.opportunities.map((o) => o.symbol));
    reversed.opportunities.forEach((o, i) => expect(o.score).toBeCloseTo(top.opportunities[i]?.score ?? -1, 12));
  });

  it('has no opportunities without realized vol (too little history), but still reports the chain', () => {
    const report = evaluateUnderlying(
      inputs(chain(bigChain()), historyOf([100, 101])),
      params({ minScore: 0, minConfidence: 0 }),
      NOW,
    );
    expect(report.chain.realizedVol).toBeNull();
    expect(report.chain.ivRvSpread).toBeNull();
    expect(report.candidatesEvaluated).toBe(128);
    expect(report.opportunities).toEqual([]);
    expect(contractViolation('analytics.srona', report)).toBeUndefined();
  });

  it('loses confidence on stale inputs', () => {
    const fresh = evaluateUnderlying(
      inputs(chain(bigChain()), history),
      params({ minScore: 0, minConfidence: 0 }),
      NOW,
    );
    const stale = evaluateUnderlying(
      inputs(chain(bigChain(), { eventTime: NOW - 90_000 }), history),
      params({ minScore: 0, minConfidence: 0 }),
      NOW,
    );
    expect(stale.opportunities[0]?.confidence).toBeCloseTo((fresh.opportunities[0]?.confidence ?? 0) * 0.5, 12);
    const dead = evaluateUnderlying(inputs(chain(bigChain(), { eventTime: NOW - 200_000 }), history), params(), NOW);
    expect(dead.opportunities).toEqual([]);
  });

  it('carries the older of chain and spot ticker as oldestInputTime, while eventTime is the newer', () => {
    // The 37 s old spot price of a stopped spot capture under a fresh chain.
    const stoppedSpot = evaluateUnderlying(
      inputs(chain(bigChain(), { eventTime: NOW - 1_000 }), history, ticker(100, { eventTime: NOW - 37_000 })),
      params(),
      NOW,
    );
    expect(stoppedSpot.eventTime).toBeGreaterThanOrEqual(NOW - 1_000);
    expect(stoppedSpot.oldestInputTime).toBe(NOW - 37_000);
    const staleChain = evaluateUnderlying(
      inputs(chain(bigChain(), { eventTime: NOW - 50_000 }), history, ticker(100, { eventTime: NOW - 500 })),
      params(),
      NOW,
    );
    expect(staleChain.oldestInputTime).toBe(NOW - 50_000);
    const noSpot = evaluateUnderlying(
      inputs(chain(bigChain(), { eventTime: NOW - 2_000 }), history, null),
      params(),
      NOW,
    );
    expect(noSpot.oldestInputTime).toBe(NOW - 2_000);
    expect(contractViolation('analytics.srona', stoppedSpot)).toBeUndefined();
  });

  it('marks frequencies extrapolated when the history is shorter than minSpans horizons', () => {
    const report = evaluateUnderlying(
      inputs(chain(bigChain()), history),
      params({ minScore: 0, minConfidence: 0, topN: 1000 }),
      NOW,
    );
    for (const o of report.opportunities) {
      // 30 days of history: direct only for horizons up to 15 days.
      expect(o.frequency.extrapolated).toBe(o.daysToExpiry * 2 > 719 / 24);
    }
    expect(report.opportunities.some((o) => o.frequency.extrapolated)).toBe(true);
    expect(report.opportunities.some((o) => !o.frequency.extrapolated)).toBe(true);
  });

  it('uses the spot ticker as the reference price, the index without one', () => {
    const c = chain([contract({ strike: 110 })], { indexPrice: 100 });
    expect(evaluateUnderlying(inputs(c, history, ticker(101)), params(), NOW).spotPrice).toBe(101);
    expect(evaluateUnderlying(inputs(c, history, null), params(), NOW).spotPrice).toBe(100);
    const none = evaluateUnderlying(inputs(chain([contract()], { indexPrice: 0 }), history, null), params(), NOW);
    expect(none.spotPrice).toBeNull();
    expect(none.candidatesEvaluated).toBe(0);
    expect(contractViolation('analytics.srona', none)).toBeUndefined();
  });

  it('skips contracts whose market data quant would reject (strike <= 0 or NaN, NaN IV, expired) without throwing', () => {
    // quant's Black-Scholes throws on a strike that is not > 0, a NaN vol or a negative time; the
    // detector's filters drop such records first (reason 'invalid' or 'expiry') and price the rest.
    const good = bigChain();
    const bad = [
      { ...(good[0] as OptionContract), symbol: 'BAD-0', strike: 0 },
      { ...(good[0] as OptionContract), symbol: 'BAD-NEG', strike: -100 },
      { ...(good[0] as OptionContract), symbol: 'BAD-NAN', strike: NaN },
      { ...(good[0] as OptionContract), symbol: 'BAD-IV', markIV: NaN },
      { ...(good[0] as OptionContract), symbol: 'BAD-EXPIRED', expiryTime: NOW - DAY_MS },
    ];
    const report = evaluateUnderlying(inputs(chain([...good, ...bad]), history), params(), NOW);
    const clean = evaluateUnderlying(inputs(chain(good), history), params(), NOW);
    expect(report.candidatesEvaluated).toBe(clean.candidatesEvaluated);
    // (the bad records still count in the chain statistics, so the ranking may shift a little)
    expect(report.opportunities.length).toBeGreaterThan(0);
    expect(report.opportunities.filter((o) => o.symbol.startsWith('BAD-'))).toEqual([]);
  });

  it('counts candidates into the caller counters', () => {
    const counters: DetectorCounters = { candidates: 0, nonFinite: 0 };
    evaluateUnderlying(inputs(chain(bigChain()), history), params(), NOW, counters);
    evaluateUnderlying(inputs(chain(bigChain()), history), params(), NOW, counters);
    expect(counters).toEqual({ candidates: 256, nonFinite: 0 });
  });
});
