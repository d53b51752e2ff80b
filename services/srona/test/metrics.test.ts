import type { SronaMetrics } from '@marketpipe/contracts';
import {
  deltaFlowDivergence,
  gammaExposure,
  marketSentiment,
  METRIC_WEIGHTS,
  openInterestImbalance,
  opportunityScore,
  thetaDecay,
  vegaRiskReward,
  volatilityMispricing,
  volumeAnomaly,
} from '../src/model/metrics';

/** f is strictly increasing along xs. */
function increasing(f: (x: number) => number, xs: number[]): void {
  for (let i = 1; i < xs.length; i++) expect(f(xs[i] as number)).toBeGreaterThan(f(xs[i - 1] as number));
}

describe('SRONA metrics: direction and anchors', () => {
  it('weights sum to 1 with the specified values', () => {
    expect(METRIC_WEIGHTS).toEqual({
      volatilityMispricing: 0.2,
      volumeAnomaly: 0.15,
      openInterestImbalance: 0.15,
      deltaFlowDivergence: 0.15,
      gammaExposure: 0.1,
      thetaDecay: 0.1,
      vegaRiskReward: 0.1,
      marketSentiment: 0.05,
    });
    const sum = Object.values(METRIC_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 15);
  });

  it('volatilityMispricing rises with markIV over realized vol, 0.5 when equal', () => {
    expect(volatilityMispricing(0.5, 0.5)).toBeCloseTo(0.5, 15);
    increasing((iv) => volatilityMispricing(iv, 0.5), [0.1, 0.3, 0.5, 0.6, 0.75, 1, 2]);
    increasing((rv) => -volatilityMispricing(0.6, rv), [0.1, 0.3, 0.6, 1.2]);
    expect(volatilityMispricing(0.75, 0.5)).toBeCloseTo(1.5 ** 4 / (1 + 1.5 ** 4), 15);
    expect(volatilityMispricing(0.6, 0)).toBe(1);
    expect(volatilityMispricing(0, 0.6)).toBe(0);
  });

  it('volumeAnomaly rises with volume against the expiry mean, 0.5 at the mean', () => {
    expect(volumeAnomaly(10, 10)).toBeCloseTo(0.5, 15);
    increasing((v) => volumeAnomaly(v, 10), [0.1, 5, 10, 30, 1000]);
    expect(volumeAnomaly(0, 10)).toBe(0);
  });

  it('openInterestImbalance rises with the sold side share of the expiry open interest', () => {
    expect(openInterestImbalance(50, 50)).toBeCloseTo(0.5, 15);
    expect(openInterestImbalance(0, 0)).toBe(0.5);
    increasing((side) => openInterestImbalance(side, 50), [0, 10, 50, 200]);
    expect(openInterestImbalance(75, 25)).toBeCloseTo(0.75, 15);
  });

  it('deltaFlowDivergence rises when flow leans to the sold side and price does not follow', () => {
    expect(deltaFlowDivergence('CALL', 0.4, 0.4)).toBeCloseTo(0.5, 15);
    // Call flow up, price down: calls bid up without confirmation -> favourable to sell calls.
    increasing((flow) => deltaFlowDivergence('CALL', flow, 0), [-1, -0.5, 0, 0.5, 1]);
    increasing((trend) => deltaFlowDivergence('CALL', 0.5, -trend), [-1, 0, 1]);
    expect(deltaFlowDivergence('CALL', 1, -1)).toBe(1);
    // Put flow (negative bias) while price rises -> favourable to sell puts.
    increasing((flow) => deltaFlowDivergence('PUT', -flow, 0), [-1, 0, 1]);
    expect(deltaFlowDivergence('PUT', -1, 1)).toBe(1);
    expect(deltaFlowDivergence('PUT', 1, -1)).toBe(0);
  });

  it('gammaExposure falls as gamma rises (low gamma favours the seller)', () => {
    expect(gammaExposure(0, 100, 0.03)).toBe(1);
    increasing((g) => -gammaExposure(g, 100, 0.03), [0.001, 0.01, 0.05, 0.2]);
    // delta moves 0.10 in a one-sigma day -> 0.5.
    expect(gammaExposure(0.1 / (100 * 0.02), 100, 0.02)).toBeCloseTo(0.5, 12);
  });

  it('thetaDecay rises with daily decay relative to the premium, 0.5 at 2 %/day', () => {
    expect(thetaDecay(-0.02, 1)).toBeCloseTo(0.5, 15);
    increasing((th) => thetaDecay(-th, 1), [0.001, 0.01, 0.02, 0.1]);
    increasing((premium) => -thetaDecay(-0.05, premium), [0.5, 1, 5]);
    expect(thetaDecay(0, 1)).toBe(0);
    expect(thetaDecay(-0.1, 0)).toBe(1);
  });

  it('vegaRiskReward rises with premium per unit vega, 0.5 at 10 vol points', () => {
    expect(vegaRiskReward(1, 0.1)).toBeCloseTo(0.5, 15);
    increasing((premium) => vegaRiskReward(premium, 0.1), [0.1, 1, 3, 10]);
    increasing((vega) => -vegaRiskReward(1, vega), [0.01, 0.1, 1]);
    expect(vegaRiskReward(0, 0.1)).toBe(0);
  });

  it('marketSentiment favours puts when the put/call ratio is high and calls when it is low', () => {
    expect(marketSentiment('PUT', 1)).toBeCloseTo(0.5, 15);
    expect(marketSentiment('CALL', 1)).toBeCloseTo(0.5, 15);
    increasing((r) => marketSentiment('PUT', r), [0, 0.5, 1, 3]);
    increasing((r) => -marketSentiment('CALL', r), [0, 0.5, 1, 3]);
  });

  it('the score is the weighted sum of the metrics', () => {
    const m: SronaMetrics = {
      volatilityMispricing: 1,
      volumeAnomaly: 0.5,
      openInterestImbalance: 0,
      deltaFlowDivergence: 0.2,
      gammaExposure: 0.4,
      thetaDecay: 0.6,
      vegaRiskReward: 0.8,
      marketSentiment: 1,
    };
    expect(opportunityScore(m)).toBeCloseTo(0.2 + 0.075 + 0 + 0.03 + 0.04 + 0.06 + 0.08 + 0.05, 15);
    const ones: SronaMetrics = {
      ...m,
      volumeAnomaly: 1,
      openInterestImbalance: 1,
      deltaFlowDivergence: 1,
      gammaExposure: 1,
      thetaDecay: 1,
      vegaRiskReward: 1,
    };
    expect(opportunityScore(ones)).toBeCloseTo(1, 15);
  });
});
