import { contractViolation } from '@marketpipe/contracts';
import fc from 'fast-check';
import { chainSurface, SURFACE_TENOR_DAYS } from '../src/model/surface';
import { evaluateUnderlying } from '../src/model/detector';
import { bigChain, chain, historyOf, inputs, NOW, params, priced } from './helpers';

// The chain's eventTime is the valuation time; the helpers price every contract at NOW.
const at = (c: ReturnType<typeof chain>) => ({ ...c, eventTime: NOW, indexPrice: 100 });

describe('chainSurface', () => {
  it("recovers the vol a chain was priced at, per contract and per expiry, with own greeks equal to the chain's", () => {
    const contracts = bigChain([10, 20, 30, 40]);
    const s = chainSurface(at(chain(contracts)), 0);
    if (s === null) throw new Error('no surface');
    expect(s.smiles.map((x) => Math.round(x.years * 365))).toEqual([10, 20, 30, 40]);
    for (const smile of s.smiles) {
      expect(smile.points).toHaveLength(32);
      for (const p of smile.points) {
        expect(p.iv).toBeCloseTo(0.9, 6);
        expect(p.bidIV as number).toBeLessThan(p.iv);
        expect(p.askIV as number).toBeGreaterThan(p.iv);
        expect(p.binanceMarkIV).toBe(0.9);
        const c = contracts.find((x) => x.symbol === p.symbol);
        expect(p.delta).toBeCloseTo(c?.delta as number, 6);
        expect(p.vega).toBeCloseTo(c?.vega as number, 6);
        expect(p.theta).toBeCloseTo(c?.theta as number, 6);
        expect(Number.isFinite(p.rho)).toBe(true);
      }
      // The strikes 80..95 and 105..120 leave the forward (100) between points: ATM is interpolated.
      expect(smile.atmIV as number).toBeCloseTo(0.9, 6);
      expect(smile.riskReversal25 ?? 0).toBeCloseTo(0, 6);
    }
    expect(s.termStructure).toHaveLength(4);
    expect(s.atm30dIV as number).toBeCloseTo(0.9, 6);
    expect(SURFACE_TENOR_DAYS).toBe(30);
  });

  it('reads a skew: puts richer than calls give a negative 25-delta risk reversal', () => {
    const skewed = [95, 97, 99, 101, 103, 105, 110, 115, 120, 80, 85, 90].flatMap((k) => [
      priced('CALL', k, 30, 0.6 + (100 - k) / 200),
      priced('PUT', k, 30, 0.6 + (100 - k) / 200),
    ]);
    const s = chainSurface(at(chain(skewed)), 0);
    const smile = s?.smiles[0];
    expect(smile?.riskReversal25 as number).toBeLessThan(0);
    expect(smile?.put25IV as number).toBeGreaterThan(smile?.call25IV as number);
  });

  it('is null without an index price or an identifiable IV, and never carries NaN or infinity', () => {
    expect(chainSurface({ ...at(chain(bigChain([10]))), indexPrice: 0 }, 0)).toBeNull();
    expect(chainSurface(at(chain(bigChain([10]).map((c) => ({ ...c, markPrice: 0 })))), 0)).toBeNull();
    const prices = fc.oneof(fc.double({ noNaN: false }), fc.constantFrom(0, -1, 1e-300, Infinity));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(prices, prices, fc.double({ min: 1, max: 300, noNaN: true })), { maxLength: 12 }),
        (rows) => {
          const cs = rows.map(([mark, bid, strike], i) => ({
            ...priced(i % 2 === 0 ? 'CALL' : 'PUT', Math.round(strike), 5 + i, 0.8),
            markPrice: mark,
            bidPrice: bid,
          }));
          const s = chainSurface(at(chain(cs)), 0);
          const numbers = JSON.stringify(s, (_k, v: unknown) => {
            if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`non-finite ${v}`);
            return v;
          });
          return numbers.length > 0;
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });

  it('goes into the SronaReport as it is, and the report satisfies its contract', () => {
    const c = at(chain(bigChain([10, 20])));
    const report = evaluateUnderlying(inputs(c, historyOf([])), params(), NOW);
    expect(report.surface).toEqual(chainSurface(c, 0));
    expect(contractViolation('analytics.srona', report)).toBeUndefined();
  });
});
