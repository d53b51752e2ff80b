import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blackScholesGreeks, blackScholesPrice, type OptionInputs, type OptionSide } from '@marketpipe/quant';

// Prices and greeks computed with 60-digit arithmetic (mpmath) by fixtures/bs-reference.py at the
// exact doubles below: 2 sides × 7 moneyness (0.5–2) × 7 expiries (1 h–3 y) × 5 vols (5 %–300 %)
// × 4 rate/carry pairs (including a negative rate), spot 3000.
interface Row {
  side: OptionSide;
  spot: number;
  strike: number;
  years: number;
  vol: number;
  rate: number;
  carry: number;
  price: string;
  delta: string;
  gamma: string;
  theta: string;
  vega: string;
  rho: string;
}
const { digits, rows } = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'bs-reference.json'), 'utf8')) as {
  digits: number;
  rows: Row[];
};

type Quantity = 'price' | 'delta' | 'gamma' | 'theta' | 'vega' | 'rho';
// The natural size of each quantity for a contract: an error is measured against the larger of the
// value and this, so that a price of 1e-80 next to a spot of 3000 is judged in money, not relatively.
const scale = (r: Row): Record<Quantity, number> => ({
  price: r.spot,
  delta: 1,
  gamma: 1 / r.spot,
  theta: r.spot / 365,
  vega: r.spot / 100,
  rho: r.strike / 100,
});

const computed = (r: Row): Record<Quantity, number> => {
  const o: OptionInputs = { side: r.side, spot: r.spot, strike: r.strike, years: r.years, vol: r.vol, rate: r.rate };
  if (r.carry !== 0) o.carry = r.carry;
  return { price: blackScholesPrice(o), ...blackScholesGreeks(o) };
};

describe('Black-Scholes against a 60-digit reference', () => {
  it('has the grid it claims', () => {
    expect(digits).toBe(60);
    expect(rows).toHaveLength(1960);
    expect(new Set(rows.map((r) => r.rate)).has(-0.01)).toBe(true);
  });

  it.each(['price', 'delta', 'gamma', 'theta', 'vega', 'rho'] as const)(
    '%s matches to 1e-12 of max(|value|, its scale) on every grid point',
    (k) => {
      let worst = 0;
      for (const r of rows) {
        const want = Number(r[k]);
        worst = Math.max(worst, Math.abs(computed(r)[k] - want) / Math.max(Math.abs(want), scale(r)[k]));
      }
      expect(worst).toBeLessThan(1e-12); // measured: ≤ 1.2e-13 (delta, 1 h at the money)
    },
  );

  it.each(['delta', 'gamma', 'theta', 'vega', 'rho'] as const)(
    '%s keeps 5e-12 relative accuracy down to 1e-300 (deep out of the money, short expiries)',
    (k) => {
      let worst = 0;
      for (const r of rows) {
        const want = Number(r[k]);
        if (!(Math.abs(want) > 1e-300)) continue;
        worst = Math.max(worst, Math.abs(computed(r)[k] - want) / Math.abs(want));
      }
      expect(worst).toBeLessThan(5e-12); // measured: ≤ 1.1e-12, where |d1| ≈ 19
    },
  );

  it('satisfies put-call parity for prices and rho (a check of the fixture itself)', () => {
    const half = rows.length / 2; // calls first, then the puts in the same order
    for (let i = 0; i < half; i++) {
      const c = rows[i] as Row;
      const p = rows[i + half] as Row;
      expect([p.side, p.strike, p.years, p.vol, p.rate, p.carry]).toEqual([
        'put',
        c.strike,
        c.years,
        c.vol,
        c.rate,
        c.carry,
      ]);
      const forward = c.spot * Math.exp(-c.carry * c.years) - c.strike * Math.exp(-c.rate * c.years);
      expect(Math.abs(Number(c.price) - Number(p.price) - forward)).toBeLessThan(1e-11 * c.spot);
      // rho: call - put = K·T·e^(-rT) / 100
      const rhoGap = (c.strike * c.years * Math.exp(-c.rate * c.years)) / 100;
      expect(Math.abs(Number(c.rho) - Number(p.rho) - rhoGap)).toBeLessThan(1e-12 * Math.max(1, rhoGap));
    }
  });
});
