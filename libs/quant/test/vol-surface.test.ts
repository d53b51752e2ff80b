import {
  atmVolAt,
  blackScholesPrice,
  normCdf,
  normInv,
  smileIVAtCallDelta,
  smileIVAtStrike,
  volSurface,
  type ChainContract,
  type TermPoint,
} from '@marketpipe/quant';

const NOW = Date.UTC(2026, 0, 2, 8);
const DAY_MS = 86_400_000;
const SPOT = 3000;
const RATE = 0.05;
const EXPIRY_DAYS = [1, 7, 30, 90, 180];
const DELTAS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];

/** σ at K = F of a smile given as a function of call delta: the fixed point σ = smile(N(σ√T/2)). */
function atmForward(smile: (callDelta: number) => number, years: number): number {
  let s = smile(0.5);
  for (let i = 0; i < 200; i++) s = smile(normCdf((s * Math.sqrt(years)) / 2));
  return s;
}

/**
 * A chain whose IV is `smile(callDelta)`: for each call delta Δ the strike K = F·e^(-d1·σ√T + σ²T/2)
 * with d1 = N⁻¹(Δ), σ = smile(Δ) (so the call at K has delta Δ at IV σ), plus K = F. Both sides at
 * each strike; the mark at σ, the bid at σ - 2 points, the ask at σ + 2 points; `unit` per contract.
 */
function chain(smile: (callDelta: number) => number, unit = 1): ChainContract[] {
  const out: ChainContract[] = [];
  for (const days of EXPIRY_DAYS) {
    const years = days / 365;
    const forward = SPOT * Math.exp(RATE * years);
    const strikes: [number, number][] = DELTAS.map((d) => {
      const vol = smile(d);
      return [forward * Math.exp(-normInv(d) * vol * Math.sqrt(years) + (vol * vol * years) / 2), vol];
    });
    strikes.push([forward, atmForward(smile, years)]);
    for (const [strike, vol] of strikes)
      for (const s of ['CALL', 'PUT'] as const) {
        const o = { side: s === 'CALL' ? ('call' as const) : ('put' as const), spot: SPOT, strike, years, rate: RATE };
        out.push({
          side: s,
          strike,
          expiryTime: NOW + days * DAY_MS,
          unit,
          bidPrice: unit * blackScholesPrice({ ...o, vol: vol - 0.02 }),
          askPrice: unit * blackScholesPrice({ ...o, vol: vol + 0.02 }),
          markPrice: unit * blackScholesPrice({ ...o, vol }),
          markIV: vol,
        });
      }
  }
  return out;
}

const market = { spot: SPOT, now: NOW, rate: RATE };

describe('volSurface on a flat-σ chain', () => {
  const surface = volSurface(
    chain(() => 0.6, 0.1),
    market,
  );

  it('recovers σ from every bid, ask and mark (prices per unit of 0.1 contracts)', () => {
    expect(surface.smiles).toHaveLength(5);
    let worst = 0;
    for (const s of surface.smiles)
      for (const c of s.contracts) {
        worst = Math.max(worst, Math.abs(c.markIV - 0.6), Math.abs(c.bidIV - 0.58), Math.abs(c.askIV - 0.62));
      }
    expect(worst).toBeLessThan(1e-8);
  });

  it('has RR 0, BF 0 and a flat ATM term structure', () => {
    for (const s of surface.smiles) {
      expect(s.points).toHaveLength(DELTAS.length + 1);
      expect(Math.abs(s.riskReversal25)).toBeLessThan(1e-8);
      expect(Math.abs(s.butterfly25)).toBeLessThan(1e-8);
      expect(s.atmIV).toBeCloseTo(0.6, 8);
      // out-of-the-money side: puts below the forward, calls at and above it
      for (const p of s.points) expect(p.side).toBe(p.strike < s.forward ? 'PUT' : 'CALL');
    }
    expect(surface.termStructure.map((t) => t.atmIV.toFixed(8))).toEqual(EXPIRY_DAYS.map(() => '0.60000000'));
    for (const years of [0.5 / 365, 3 / 365, 0.2, 1])
      expect(atmVolAt(surface.termStructure, years)).toBeCloseTo(0.6, 8);
  });
});

describe('volSurface on a skewed chain', () => {
  // σ(Δ) = 60 % + a·(Δ - 0.5) + b·(Δ - 0.5)²: the 25-delta call (Δ 0.25) is at 0.6 - a/4 + b/16, the
  // 25-delta put (call Δ 0.75) at 0.6 + a/4 + b/16, so RR = -a/2 and BF = 0.6 + b/16 - σ(K = F).
  const a = 0.2;
  const b = 0.4;
  const smile = (d: number): number => 0.6 + a * (d - 0.5) + b * (d - 0.5) ** 2;
  const surface = volSurface(chain(smile), market);

  it('gives the constructed 25-delta risk reversal and butterfly', () => {
    for (const s of surface.smiles) {
      expect(s.call25IV).toBeCloseTo(0.6 - a / 4 + b / 16, 8);
      expect(s.put25IV).toBeCloseTo(0.6 + a / 4 + b / 16, 8);
      expect(s.riskReversal25).toBeCloseTo(-a / 2, 8);
      const atm = atmForward(smile, s.years);
      expect(s.atmIV).toBeCloseTo(atm, 8);
      expect(s.butterfly25).toBeCloseTo(0.6 + b / 16 - atm, 8);
      // a smile, not a flat line: b/16 = 0.025 less how far the forward strike sits from call delta 0.5
      expect(s.butterfly25).toBeGreaterThan(0.004);
    }
  });

  it('reads the smile by delta and by strike', () => {
    const s = surface.smiles[2]!;
    for (const d of DELTAS) expect(smileIVAtCallDelta(s, d)).toBeCloseTo(smile(d), 8);
    expect(smileIVAtStrike(s, s.forward)).toBeCloseTo(s.atmIV, 12);
    expect(smileIVAtCallDelta(s, 0.01)).toBeNaN(); // beyond the quoted strikes: no extrapolation
    const p = s.points[3]!;
    expect(smileIVAtStrike(s, p.strike)).toBeCloseTo(p.iv, 12);
  });
});

describe('atmVolAt', () => {
  const term: TermPoint[] = [
    { expiryTime: 0, years: 0.1, atmIV: 0.5, totalVariance: 0.025 },
    { expiryTime: 0, years: 0.3, atmIV: 0.7, totalVariance: 0.147 },
  ];
  it('interpolates linearly in total variance and holds the end IVs flat', () => {
    // w(0.2) = (0.025 + 0.147) / 2 = 0.086, σ = √(0.086 / 0.2) = 0.6557438524302
    expect(atmVolAt(term, 0.2)).toBeCloseTo(0.6557438524302, 12);
    expect(atmVolAt(term, 0.05)).toBe(0.5);
    expect(atmVolAt(term, 2)).toBe(0.7);
    expect(atmVolAt(term, 0)).toBeNaN();
    expect(atmVolAt([], 0.2)).toBeNaN();
  });
});

describe('volSurface inputs', () => {
  const good = chain(() => 0.6).slice(0, 4);
  it('skips records it cannot value, with the reason, and values the rest', () => {
    const bad: ChainContract[] = [
      { ...good[0]!, strike: 0 },
      { ...good[0]!, strike: NaN },
      { ...good[0]!, unit: 0 },
      { ...good[0]!, expiryTime: NOW },
      { ...good[1]!, bidPrice: null, askPrice: 0, markPrice: 1e9 },
    ];
    const s = volSurface([...good, ...bad], market);
    expect(s.skipped.map((x) => x.reason)).toEqual(['strike', 'strike', 'unit', 'expired']);
    const last = s.smiles[0]!.contracts.at(-1)!;
    expect([last.bidIV, last.askIV, last.markIV]).toEqual([NaN, NaN, NaN]); // no bid, a zero ask, a mark above spot
  });

  it('throws on a bad market, naming it', () => {
    expect(() => volSurface(good, { ...market, spot: 0 })).toThrow(
      new RangeError('volSurface: spot must be a finite number > 0, got 0'),
    );
    expect(() => volSurface(good, { ...market, rate: NaN })).toThrow(
      'volSurface: rate must be a finite number, got NaN',
    );
  });
});
