import fc from 'fast-check';
import { coreScore, ensembleScore, hashSymbol, quantumFactors, quantumParams, scoreSymbol } from '../src/model/quantum';

const params = quantumParams(7919, 8);

describe('QBTC quantum score (golden values of the QBTC worker, λ = ln 7919, cols 8)', () => {
  it('hashes BTCUSDT to 6861 and ETHUSDT to 8810', () => {
    expect(hashSymbol('BTCUSDT')).toBe(6861);
    expect(hashSymbol('ETHUSDT')).toBe(8810);
  });

  it('hashes the empty symbol as "SYM"', () => {
    expect(hashSymbol('')).toBe(hashSymbol('SYM'));
  });

  it('reproduces BTCUSDT factors and core score to 1e-12', () => {
    const f = quantumFactors(6861, params);
    expect(Math.abs((f[0] as number) - 0.40033204124501537)).toBeLessThan(1e-12);
    expect(Math.abs((f[7] as number) - 0.4046197168111812)).toBeLessThan(1e-12);
    expect(Math.abs(coreScore(f) - 0.453288185688808)).toBeLessThan(1e-12);
  });

  it('reproduces ETHUSDT factor 1 and core score to 1e-12', () => {
    const r = scoreSymbol('ETHUSDT', params, { core: 1, ai: 0, vigo: 0 });
    expect(Math.abs((r.factors[1] as number) - 0.05107041140113803)).toBeLessThan(1e-12);
    expect(Math.abs(r.coreScore - 0.2171777014817707)).toBeLessThan(1e-12);
    expect(r.ensembleScore).toBe(r.coreScore);
  });

  it('scores 0.5 with no factors', () => {
    expect(coreScore([])).toBe(0.5);
    expect(scoreSymbol('BTCUSDT', quantumParams(7919, 0), { core: 1, ai: 0, vigo: 0 }).coreScore).toBe(0.5);
  });

  it('weights the ensemble and survives all-zero weights', () => {
    expect(ensembleScore(0.4, 0.8, 0.2, { core: 1, ai: 1, vigo: 2 })).toBeCloseTo((0.4 + 0.8 + 0.4) / 4, 15);
    expect(ensembleScore(0.4, 0.8, 0.2, { core: 0, ai: 0, vigo: 0 })).toBe(0);
  });

  it('keeps every score in [0, 1] and finite for any symbol and sane parameters', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 24 }),
        fc.integer({ min: 2, max: 1_000_000 }),
        fc.integer({ min: 0, max: 64 }),
        (symbol, freq, cols) => {
          const r = scoreSymbol(symbol, quantumParams(freq, cols), { core: 1, ai: 0, vigo: 0 });
          expect(r.hash).toBeGreaterThanOrEqual(1);
          expect(r.hash).toBeLessThanOrEqual(9973);
          for (const f of r.factors) expect(f >= 0 && f <= 1).toBe(true);
          expect(r.coreScore >= 0 && r.coreScore <= 1).toBe(true);
          expect(Number.isFinite(r.ensembleScore)).toBe(true);
        },
      ),
    );
  });
});
