import { blackScholesGreeks, blackScholesPrice, impliedVolatility, type OptionInputs } from '@marketpipe/quant';

// Hull, "Options, Futures, and Other Derivatives", Example 15.6 (S=42, K=40, r=10 %, σ=20 %, T=0.5):
// call 4.76, put 0.81. Precise values and greeks computed independently with mpmath at 40 digits.
const hull: Omit<OptionInputs, 'side'> = { spot: 42, strike: 40, rate: 0.1, vol: 0.2, years: 0.5 };

describe('blackScholesPrice', () => {
  it("reproduces Hull's textbook example", () => {
    expect(blackScholesPrice({ ...hull, side: 'call' })).toBeCloseTo(4.76, 2);
    expect(blackScholesPrice({ ...hull, side: 'put' })).toBeCloseTo(0.81, 2);
    expect(blackScholesPrice({ ...hull, side: 'call' })).toBeCloseTo(4.759422392871533, 12);
    expect(blackScholesPrice({ ...hull, side: 'put' })).toBeCloseTo(0.8085993729000936, 12);
  });

  it('prices with a dividend yield (Merton)', () => {
    const o = { spot: 100, strike: 95, rate: 0.05, carry: 0.02, vol: 0.25, years: 1 };
    expect(blackScholesPrice({ ...o, side: 'call' })).toBeCloseTo(13.68472846346343, 11);
    expect(blackScholesPrice({ ...o, side: 'put' })).toBeCloseTo(6.031656460355729, 11);
  });

  it('satisfies put-call parity to 1e-10 over a grid', () => {
    for (const spot of [0.05, 1, 42, 3500, 100000])
      for (const m of [0.5, 0.8, 0.95, 1, 1.05, 1.3, 2])
        for (const years of [1 / 365 / 24, 1 / 365, 7 / 365, 0.25, 1, 3])
          for (const vol of [0.05, 0.3, 0.8, 2])
            for (const [rate, carry] of [
              [0, 0],
              [0.05, 0],
              [0.1, 0.03],
            ] as const) {
              const o = { spot, strike: spot * m, years, vol, rate, carry };
              const parity =
                blackScholesPrice({ ...o, side: 'call' }) -
                blackScholesPrice({ ...o, side: 'put' }) -
                (spot * Math.exp(-carry * years) - o.strike * Math.exp(-rate * years));
              expect(Math.abs(parity)).toBeLessThanOrEqual(1e-10 * Math.max(1, spot));
            }
  });

  it('falls back to the discounted intrinsic value at expiry or zero volatility', () => {
    expect(blackScholesPrice({ ...hull, side: 'call', years: 0 })).toBe(2);
    expect(blackScholesPrice({ ...hull, side: 'put', years: 0 })).toBe(0);
    expect(blackScholesPrice({ ...hull, side: 'call', vol: 0 })).toBeCloseTo(42 - 40 * Math.exp(-0.05), 12);
  });
});

describe('blackScholesGreeks', () => {
  it("matches independent values for Hull's example (theta per day, vega per vol point)", () => {
    const c = blackScholesGreeks({ ...hull, side: 'call' });
    const p = blackScholesGreeks({ ...hull, side: 'put' });
    expect(c.delta).toBeCloseTo(0.779131290942669, 13);
    expect(p.delta).toBeCloseTo(-0.22086870905733105, 13);
    expect(c.gamma).toBeCloseTo(0.04996267040591185, 13);
    expect(p.gamma).toBeCloseTo(c.gamma, 15);
    expect(c.vega).toBeCloseTo(0.08813415059602851, 13);
    expect(c.theta).toBeCloseTo(-0.012490663546829114, 13);
    expect(p.theta).toBeCloseTo(-0.0020662314975062207, 13);
  });

  it('equals finite differences of the price', () => {
    for (const side of ['call', 'put'] as const)
      for (const m of [0.7, 0.95, 1, 1.1, 1.5])
        for (const years of [2 / 365, 30 / 365, 0.5, 2])
          for (const carry of [0, 0.02]) {
            const o: OptionInputs = { side, spot: 100, strike: 100 * m, years, vol: 0.65, rate: 0.05, carry };
            const g = blackScholesGreeks(o);
            const price = (over: Partial<OptionInputs>): number => blackScholesPrice({ ...o, ...over });
            const hS = 1e-3;
            expect(g.delta).toBeCloseTo((price({ spot: 100 + hS }) - price({ spot: 100 - hS })) / (2 * hS), 7);
            expect(g.gamma).toBeCloseTo(
              (price({ spot: 100 + hS }) - 2 * price({}) + price({ spot: 100 - hS })) / (hS * hS),
              4,
            );
            const hV = 1e-5;
            expect(g.vega).toBeCloseTo((price({ vol: 0.65 + hV }) - price({ vol: 0.65 - hV })) / (2 * hV) / 100, 8);
            // theta: the price change when one calendar day passes (time to expiry shrinks)
            const hT = 1e-6;
            const dPdT = (price({ years: years + hT }) - price({ years: years - hT })) / (2 * hT);
            expect(g.theta).toBeCloseTo(-dPdT / 365, 7);
          }
  });

  it('keeps call delta in (0, 1), put delta in (-1, 0), gamma and vega positive', () => {
    for (const m of [0.5, 1, 2]) {
      const o = { spot: 100, strike: 100 * m, years: 0.1, vol: 0.8, rate: 0.03 };
      const c = blackScholesGreeks({ ...o, side: 'call' });
      const p = blackScholesGreeks({ ...o, side: 'put' });
      expect(c.delta).toBeGreaterThan(0);
      expect(c.delta).toBeLessThan(1);
      expect(p.delta).toBeGreaterThan(-1);
      expect(p.delta).toBeLessThan(0);
      expect(c.delta - p.delta).toBeCloseTo(1, 14);
      expect(c.gamma).toBeGreaterThan(0);
      expect(c.vega).toBeGreaterThan(0);
    }
  });
});

describe('impliedVolatility', () => {
  it('round-trips prices over a grid of strikes, expiries and volatilities', () => {
    for (const side of ['call', 'put'] as const)
      for (const m of [0.6, 0.9, 1, 1.1, 1.6])
        for (const years of [1 / 365, 7 / 365, 0.25, 1])
          for (const vol of [0.1, 0.45, 0.9, 2.5]) {
            const o = { side, spot: 3000, strike: 3000 * m, years, rate: 0.05 };
            const price = blackScholesPrice({ ...o, vol });
            const forward = 3000 - o.strike * Math.exp(-0.05 * years);
            const timeValue = price - Math.max(side === 'call' ? forward : -forward, 0);
            if (timeValue < 1e-6) continue; // no time value left in double precision: IV not identifiable
            const iv = impliedVolatility(price, o);
            expect(blackScholesPrice({ ...o, vol: iv })).toBeCloseTo(price, 9);
            expect(Math.abs(iv - vol)).toBeLessThan(1e-7);
          }
  });

  it('recovers the volatility of the textbook example', () => {
    expect(impliedVolatility(4.759422392871533, { ...hull, side: 'call' })).toBeCloseTo(0.2, 12);
  });

  it('returns NaN outside the no-arbitrage bounds', () => {
    const o = { side: 'call' as const, spot: 100, strike: 90, years: 0.5, rate: 0 };
    expect(impliedVolatility(9.99, o)).toBeNaN(); // below intrinsic
    expect(impliedVolatility(100, o)).toBeNaN(); // at the spot
    expect(impliedVolatility(0, o)).toBeNaN();
    expect(impliedVolatility(5, { ...o, years: 0 })).toBeNaN();
  });
});
