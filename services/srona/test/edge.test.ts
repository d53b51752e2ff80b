import { blackScholesGreeks, blackScholesPrice } from '@marketpipe/quant';
import {
  blackScholesFair,
  blackScholesProbOtm,
  newEdge,
  newPricingInputs,
  shortOptionEdge,
  stressPnl3Sigma,
  type ShortOption,
} from '../src/model/edge';
import { moveDistribution } from '../src/model/frequency';
import { DAY_MS } from '../src/model/params';
import { realizedVolatility } from '../src/model/volatility';
import { modelGreeks, newModelGreeks } from '../src/model/greeks';
import { evaluateUnderlying } from '../src/model/detector';
import { chain, contract, historyOf, inputs, NOW, params, randomWalk } from './helpers';

describe('Black-Scholes as srona uses it', () => {
  const scratch = newPricingInputs();

  it("reproduces Hull's textbook call and put (S 42, K 40, r 10 %, σ 20 %, T 0.5)", () => {
    expect(blackScholesFair('CALL', 42, 40, 0.5, 0.2, 0.1, scratch)).toBeCloseTo(4.759422, 5);
    expect(blackScholesFair('PUT', 42, 40, 0.5, 0.2, 0.1, scratch)).toBeCloseTo(0.808599, 5);
  });

  it('satisfies put-call parity C - P = S - K e^{-rT} with the reused inputs', () => {
    for (const [s, k, t, v, r] of [
      [100, 110, 20 / 365, 0.8, 0],
      [100, 90, 45 / 365, 0.3, 0.05],
      [2589.2, 3000, 7 / 365, 1.5, 0.02],
    ] as const) {
      const c = blackScholesFair('CALL', s, k, t, v, r, scratch);
      const p = blackScholesFair('PUT', s, k, t, v, r, scratch);
      expect(c - p).toBeCloseTo(s - k * Math.exp(-r * t), 9);
    }
  });

  it('computes the same greeks as @marketpipe/quant (theta per day, vega per vol point), without allocating', () => {
    const out = newModelGreeks();
    for (const side of ['call', 'put'] as const) {
      for (const [s, k, t, v, r] of [
        [42, 40, 0.5, 0.2, 0.1],
        [100, 115, 30 / 365, 0.9, 0],
        [100, 85, 10 / 365, 0.4, 0.03],
      ] as const) {
        const ref = blackScholesGreeks({ side, spot: s, strike: k, years: t, vol: v, rate: r });
        const got = modelGreeks(side === 'call', s, k, t, v, r, out);
        expect(got).toBe(out);
        expect(got.delta).toBeCloseTo(ref.delta, 12);
        expect(got.gamma).toBeCloseTo(ref.gamma, 12);
        expect(got.theta).toBeCloseTo(ref.theta, 12);
        expect(got.vega).toBeCloseTo(ref.vega, 12);
      }
    }
  });

  it('gives the risk-neutral probability of expiring out of the money', () => {
    // At the money with r = 0: P(S_T <= K) = N(σ√T / 2) > 0.5 for the call.
    const pCall = blackScholesProbOtm('CALL', 100, 100, 1, 0.2, 0);
    expect(pCall).toBeCloseTo(0.5398278, 6);
    expect(blackScholesProbOtm('PUT', 100, 100, 1, 0.2, 0)).toBeCloseTo(1 - pCall, 14);
    expect(blackScholesProbOtm('CALL', 100, 130, 30 / 365, 0.5, 0)).toBeGreaterThan(0.9);
    // No volatility: deterministic.
    expect(blackScholesProbOtm('CALL', 100, 110, 0.1, 0, 0)).toBe(1);
    expect(blackScholesProbOtm('PUT', 100, 110, 0.1, 0, 0)).toBe(0);
  });
});

describe('DetectorConEdge', () => {
  it('stress loss of a naked call grows with the move and is not bounded by strike - spot', () => {
    const mild = stressPnl3Sigma('CALL', 100, 110, 30 / 365, 0.5, 2);
    const wild = stressPnl3Sigma('CALL', 100, 110, 30 / 365, 2, 2);
    expect(mild).toBeLessThan(0);
    expect(wild).toBeLessThan(mild);
    expect(-wild).toBeGreaterThan(110 - 100 + 100); // far more than strike - spot, more than the spot itself
    expect(mild).toBeCloseTo(2 - (100 * Math.exp(3 * 0.5 * Math.sqrt(30 / 365)) - 110), 12);
    // A put's loss is bounded by the strike less the premium.
    expect(stressPnl3Sigma('PUT', 100, 90, 30 / 365, 5, 2)).toBeGreaterThan(-88);
    // No loss when the premium covers the stressed payoff.
    expect(stressPnl3Sigma('CALL', 100, 200, 7 / 365, 0.2, 1)).toBe(0);
  });

  // A 20-day 110 call (spot 100) against a history realizing ~30 % vol.
  const history = historyOf(randomWalk(24 * 30, 0.3, 5));
  const dist = moveDistribution(history, 20 * 24, 2);
  const rv = realizedVolatility(history, 14 * DAY_MS).vol as number;
  const years = 20 / 365;
  const short = (side: 'CALL' | 'PUT', strike: number, bid: number): ShortOption => ({
    side,
    spot: 100,
    strike,
    years,
    unit: 1,
    bid,
    markIV: 0.9,
  });
  const edgeOf = (o: ShortOption) => shortOptionEdge(o, rv, 0, dist, newPricingInputs(), newEdge());

  it('finds positive edge under both models for an option bid far above its realized-vol value', () => {
    for (const o of [short('CALL', 110, 4), short('PUT', 90, 3)]) {
      const fair = blackScholesPrice({
        side: o.side === 'CALL' ? 'call' : 'put',
        spot: 100,
        strike: o.strike,
        years,
        vol: rv,
        rate: 0,
      });
      const e = edgeOf(o);
      expect(e.blackScholesEdge).toBeCloseTo(o.bid - fair, 12);
      expect(e.blackScholesEdge).toBeGreaterThan(0);
      expect(e.empiricalEdge).toBeGreaterThan(0);
      expect(e.empiricalEdge).toBeCloseTo(o.bid - dist.expectedPayoff(o.side, 100, o.strike), 12);
      expect(e.expectedProfit).toBe(Math.min(e.blackScholesEdge, e.empiricalEdge));
      expect(e.blackScholesProbOtm).toBeGreaterThan(0.8);
      expect(e.empiricalProbOtm).toBeGreaterThan(0.8);
      expect(e.stressLoss3Sigma).toBeLessThan(0);
    }
  });

  it('finds negative edge for an option bid below its realized-vol value', () => {
    for (const o of [short('CALL', 105, 0.01), short('PUT', 95, 0.01)]) {
      const e = edgeOf(o);
      expect(e.blackScholesEdge).toBeLessThan(0);
      expect(e.empiricalEdge).toBeLessThan(0);
    }
  });

  it('scales amounts per contract by the unit', () => {
    const one = edgeOf(short('CALL', 110, 4));
    const hundred = edgeOf({ ...short('CALL', 110, 400), unit: 100 });
    expect(hundred.blackScholesEdge).toBeCloseTo(100 * one.blackScholesEdge, 9);
    expect(hundred.empiricalEdge).toBeCloseTo(100 * one.empiricalEdge, 9);
    expect(hundred.stressLoss3Sigma).toBeCloseTo(100 * one.stressLoss3Sigma, 9);
    expect(hundred.blackScholesProbOtm).toBe(one.blackScholesProbOtm);
  });

  it('publishes only options with positive edge under both models', () => {
    const rich = contract({ markIV: 0.9, bidPrice: 4, askPrice: 4.2, markPrice: 4.1 });
    const cheap = contract({
      symbol: 'CHEAP',
      strike: 105,
      markIV: 0.9,
      bidPrice: 0.01,
      askPrice: 0.0105,
      markPrice: 0.0102,
    });
    const report = evaluateUnderlying(
      inputs(chain([rich, cheap]), history),
      params({ minScore: 0, minConfidence: 0 }),
      NOW,
    );
    expect(report.candidatesEvaluated).toBe(2);
    expect(report.opportunities.map((o) => o.symbol)).toEqual([rich.symbol]);
  });
});
