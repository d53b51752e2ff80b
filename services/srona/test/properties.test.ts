// Property tests: every score and metric stays in [0, 1] and no NaN or Infinity leaves the model,
// for any finite input, zeros and extremes included.
import { contractViolation, type OptionContract } from '@marketpipe/contracts';
import fc from 'fast-check';
import { confidence, freshnessFactor, historyFactor, liquidityFactor } from '../src/model/confidence';
import { evaluateUnderlying } from '../src/model/detector';
import { blackScholesProbOtm, stressPnl3Sigma } from '../src/model/edge';
import { moveDistribution } from '../src/model/frequency';
import { DAY_MS } from '../src/model/params';
import {
  deltaFlowDivergence,
  gammaExposure,
  marketSentiment,
  openInterestImbalance,
  opportunityScore,
  thetaDecay,
  vegaRiskReward,
  volatilityMispricing,
  volumeAnomaly,
} from '../src/model/metrics';
import { chain, historyOf, inputs, NOW, params, randomWalk, ticker } from './helpers';

/** Any finite double: zeros, negatives, subnormals and ±Number.MAX_VALUE included. */
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
/** Mostly plausible magnitudes, sometimes anything finite. */
const plausible = (min: number, max: number) =>
  fc.oneof({ weight: 4, arbitrary: fc.double({ min, max, noNaN: true }) }, { weight: 1, arbitrary: finite });
const side = fc.constantFrom('CALL' as const, 'PUT' as const);
const in01 = (x: number) => Number.isFinite(x) && x >= 0 && x <= 1;

describe('properties: metrics and scores', () => {
  it('every metric is in [0, 1] for any finite inputs', () => {
    fc.assert(
      fc.property(side, finite, finite, finite, (s, a, b, c) => {
        expect(in01(volatilityMispricing(a, b))).toBe(true);
        expect(in01(volumeAnomaly(a, b))).toBe(true);
        expect(in01(openInterestImbalance(a, b))).toBe(true);
        expect(in01(deltaFlowDivergence(s, a, b))).toBe(true);
        expect(in01(gammaExposure(a, b, c))).toBe(true);
        expect(in01(thetaDecay(a, b))).toBe(true);
        expect(in01(vegaRiskReward(a, b))).toBe(true);
        expect(in01(marketSentiment(s, a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('the score and the confidence are in [0, 1]', () => {
    const unit = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(
        fc.record({
          volatilityMispricing: unit,
          volumeAnomaly: unit,
          openInterestImbalance: unit,
          deltaFlowDivergence: unit,
          gammaExposure: unit,
          thetaDecay: unit,
          vegaRiskReward: unit,
          marketSentiment: unit,
        }),
        (m) => expect(in01(opportunityScore(m))).toBe(true),
      ),
    );
    fc.assert(
      fc.property(finite, finite, finite, finite, finite, (a, b, c, d, e) => {
        const h = historyFactor(a, b, c, d, e);
        const l = liquidityFactor(a, b);
        const f = freshnessFactor(c, d);
        expect(in01(h) && in01(l) && in01(f) && in01(confidence(h, l, f))).toBe(true);
        expect(in01(confidence(a, b, c))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('edge model pieces stay finite for positive prices: P(OTM) in [0, 1], stress loss <= 0', () => {
    const pos = fc.double({ min: 1e-6, max: 1e9, noNaN: true });
    const vol = fc.double({ min: 0, max: 20, noNaN: true });
    const years = fc.double({ min: 0, max: 2, noNaN: true });
    fc.assert(
      fc.property(side, pos, pos, years, vol, pos, (s, spot, strike, t, v, premium) => {
        expect(in01(blackScholesProbOtm(s, spot, strike, t, v, 0))).toBe(true);
        const stress = stressPnl3Sigma(s, spot, strike, t, v, premium);
        expect(stress).toBeLessThanOrEqual(0);
        if (s === 'PUT') expect(Number.isFinite(stress)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('properties: the move distribution', () => {
  it('is finite and a martingale for any history and horizon; its probabilities are in [0, 1], its payoffs finite', () => {
    const pos = fc.double({ min: 1e-6, max: 1e9, noNaN: true });
    const closes = fc.oneof(
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: 24 * 40 }), fc.double({ min: 0, max: 5, noNaN: true }), fc.integer())
          .map(([n, vol, seed]) => randomWalk(n, vol, seed)),
      },
      { weight: 1, arbitrary: fc.array(finite, { maxLength: 200, size: 'max' }) },
    );
    fc.assert(
      fc.property(
        closes,
        // Horizons of up to 60 days of 1h candles, sometimes anything (the longest cost 256 blocks per move).
        fc.oneof(
          { weight: 5, arbitrary: fc.double({ min: 0, max: 24 * 60, noNaN: true }) },
          { weight: 1, arbitrary: finite },
        ),
        fc.constantFrom(0, 0.05, -1, 1),
        side,
        pos,
        pos,
        pos,
        (cs, horizon, rate, s, spot, strike, premium) => {
          const d = moveDistribution(historyOf(cs), horizon, 2, rate);
          if (d.size === 0) return;
          let sumExp = 0;
          for (const m of d.moves) {
            expect(Number.isFinite(m)).toBe(true);
            sumExp += Math.exp(m);
          }
          const forward = Math.exp((rate * d.horizonCandles) / (365 * 24));
          if (Number.isFinite(forward) && forward > 0) expect(sumExp / d.size / forward).toBeCloseTo(1, 6);
          expect(in01(d.probOtm(s, spot, strike))).toBe(true);
          expect(in01(d.breachFrequency(s, spot, strike, premium))).toBe(true);
          const payoff = d.expectedPayoff(s, spot, strike);
          expect(payoff).toBeGreaterThanOrEqual(0);
          if (s === 'PUT') expect(payoff).toBeLessThanOrEqual(strike);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('properties: the detector never emits an invalid report', () => {
  const contractArb: fc.Arbitrary<OptionContract> = fc
    .record({
      side,
      moneyness: plausible(0.7, 1.3),
      days: fc.integer({ min: -2, max: 60 }),
      unit: fc.oneof(fc.constantFrom(1, 100), finite),
      bid: fc.option(plausible(0, 50), { nil: null }),
      spreadFactor: plausible(1, 1.5),
      mark: plausible(0, 50),
      volume: plausible(0, 1000),
      openInterest: fc.option(plausible(0, 1000), { nil: null }),
      markIV: plausible(0, 3),
      delta: finite,
      gamma: finite,
      theta: finite,
      vega: finite,
    })
    .map((r) => {
      const strike = 100 * r.moneyness;
      const askRaw = r.bid === null ? null : r.bid * r.spreadFactor;
      return {
        symbol: `X-${r.side}-${strike}-${r.days}`,
        side: r.side,
        strike,
        expiryTime: NOW + r.days * DAY_MS,
        unit: r.unit,
        bidPrice: r.bid,
        askPrice: askRaw !== null && Number.isFinite(askRaw) ? askRaw : null,
        bidQty: null,
        askQty: null,
        markPrice: r.mark,
        lastPrice: null,
        volume: r.volume,
        openInterest: r.openInterest,
        openInterestUsd: null,
        markIV: r.markIV,
        bidIV: null,
        askIV: null,
        delta: r.delta,
        gamma: r.gamma,
        theta: r.theta,
        vega: r.vega,
      };
    });
  // Random walks of up to 40 days of hourly closes (any vol up to 300 %), or arbitrary finite closes.
  const closesArb = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.integer({ min: 0, max: 24 * 40 }), fc.double({ min: 0, max: 3, noNaN: true }), fc.integer())
        .map(([n, vol, seed]) => randomWalk(n, vol, seed)),
    },
    { weight: 1, arbitrary: fc.array(finite, { maxLength: 200, size: 'max' }) },
  );

  it('reports pass the analytics.srona contract, with metrics, scores and confidences in [0, 1]', () => {
    let withOpportunities = 0;
    fc.assert(
      fc.property(
        fc.array(contractArb, { maxLength: 40, size: 'max' }),
        closesArb,
        fc.option(plausible(95, 105), { nil: null }),
        fc.option(plausible(80, 120), { nil: null }),
        plausible(95, 105),
        fc.boolean(),
        (contracts, closes, last, open, index, lenient) => {
          const spot = last === null ? null : ticker(last, { openPrice: open ?? last });
          const p = lenient ? params({ minScore: 0, minConfidence: 0 }) : params();
          const report = evaluateUnderlying(
            inputs(chain(contracts, { indexPrice: index }), historyOf(closes), spot),
            p,
            NOW,
          );
          expect(contractViolation('analytics.srona', report)).toBeUndefined();
          expect(report.opportunities.length).toBeLessThanOrEqual(p.topN);
          if (report.opportunities.length > 0) withOpportunities++;
          report.opportunities.forEach((o, i) => {
            expect(o.rank).toBe(i + 1);
            expect(in01(o.score) && in01(o.confidence)).toBe(true);
            for (const v of Object.values(o.metrics)) expect(in01(v)).toBe(true);
            expect(in01(o.frequency.breachFrequency)).toBe(true);
            expect(in01(o.edge.blackScholesProbOtm) && in01(o.edge.empiricalProbOtm)).toBe(true);
            expect(o.edge.blackScholesEdge > 0 && o.edge.empiricalEdge > 0).toBe(true);
            expect(o.edge.stressLoss3Sigma).toBeLessThanOrEqual(0);
          });
        },
      ),
      { numRuns: 500 },
    );
    // The generators reach the opportunity path, not only the empty report.
    expect(withOpportunities).toBeGreaterThan(10);
  });
});
