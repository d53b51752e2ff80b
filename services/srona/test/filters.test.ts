import { filterCandidate, relativeSpread } from '../src/model/filters';
import { DAY_MS } from '../src/model/params';
import { contract, NOW, params } from './helpers';

const p = params({ minOpenInterest: 5, minVolume: 2, maxRelativeSpread: 0.2 });
const SPOT = 100;

describe('candidate filters', () => {
  it('accepts a liquid 20-day call 10 % out of the money', () => {
    expect(filterCandidate(contract(), SPOT, NOW, p)).toBeUndefined();
    expect(filterCandidate(contract({ side: 'PUT' }), SPOT, NOW, p)).toBeUndefined();
  });

  it('needs a positive bid', () => {
    expect(filterCandidate(contract({ bidPrice: null }), SPOT, NOW, p)).toBe('no-bid');
    expect(filterCandidate(contract({ bidPrice: 0 }), SPOT, NOW, p)).toBe('no-bid');
    expect(filterCandidate(contract({ bidPrice: 1e-9, askPrice: 1.1e-9 }), SPOT, NOW, p)).toBeUndefined();
  });

  it('needs open interest strictly above the floor, and known', () => {
    expect(filterCandidate(contract({ openInterest: 5 }), SPOT, NOW, p)).toBe('open-interest');
    expect(filterCandidate(contract({ openInterest: 5.0001 }), SPOT, NOW, p)).toBeUndefined();
    expect(filterCandidate(contract({ openInterest: null }), SPOT, NOW, p)).toBe('open-interest');
  });

  it('needs 24h volume strictly above the floor', () => {
    expect(filterCandidate(contract({ volume: 2 }), SPOT, NOW, p)).toBe('volume');
    expect(filterCandidate(contract({ volume: 2.0001 }), SPOT, NOW, p)).toBeUndefined();
    // Default floors of 0: some volume and some open interest.
    expect(filterCandidate(contract({ volume: 0 }), SPOT, NOW, params())).toBe('volume');
    expect(filterCandidate(contract({ openInterest: 0 }), SPOT, NOW, params())).toBe('open-interest');
  });

  it('needs (ask - bid) / mid strictly below the ceiling, and an ask', () => {
    // bid 9, ask 11: spread 2 / mid 10 = 0.2, exactly the ceiling.
    expect(relativeSpread(9, 11)).toBeCloseTo(0.2, 15);
    expect(filterCandidate(contract({ bidPrice: 9, askPrice: 11 }), SPOT, NOW, p)).toBe('spread');
    expect(filterCandidate(contract({ bidPrice: 9, askPrice: 10.99 }), SPOT, NOW, p)).toBeUndefined();
    expect(filterCandidate(contract({ askPrice: null }), SPOT, NOW, p)).toBe('spread');
    expect(filterCandidate(contract({ bidPrice: 5, askPrice: 4 }), SPOT, NOW, p)).toBe('invalid');
  });

  it('keeps 7 to 45 days to expiry, inclusive', () => {
    const at = (days: number) => contract({ expiryTime: NOW + days * DAY_MS });
    expect(filterCandidate(at(7), SPOT, NOW, p)).toBeUndefined();
    expect(filterCandidate(at(45), SPOT, NOW, p)).toBeUndefined();
    expect(filterCandidate(contract({ expiryTime: NOW + 7 * DAY_MS - 1 }), SPOT, NOW, p)).toBe('expiry');
    expect(filterCandidate(contract({ expiryTime: NOW + 45 * DAY_MS + 1 }), SPOT, NOW, p)).toBe('expiry');
    expect(filterCandidate(at(-1), SPOT, NOW, p)).toBe('expiry');
  });

  it('keeps calls with strike / spot in [1.05, 1.20] and puts in [0.80, 0.95]', () => {
    const call = (strike: number) => contract({ side: 'CALL', strike });
    const put = (strike: number) => contract({ side: 'PUT', strike });
    expect(filterCandidate(call(105), SPOT, NOW, p)).toBeUndefined();
    expect(filterCandidate(call(120), SPOT, NOW, p)).toBeUndefined();
    expect(filterCandidate(call(104.99), SPOT, NOW, p)).toBe('moneyness');
    expect(filterCandidate(call(120.01), SPOT, NOW, p)).toBe('moneyness');
    expect(filterCandidate(call(90), SPOT, NOW, p)).toBe('moneyness');
    expect(filterCandidate(put(80), SPOT, NOW, p)).toBeUndefined();
    expect(filterCandidate(put(95), SPOT, NOW, p)).toBeUndefined();
    expect(filterCandidate(put(79.99), SPOT, NOW, p)).toBe('moneyness');
    expect(filterCandidate(put(95.01), SPOT, NOW, p)).toBe('moneyness');
    expect(filterCandidate(put(110), SPOT, NOW, p)).toBe('moneyness');
  });

  it('takes its bounds from the parameters', () => {
    const wide = params({ callMinMoneyness: 1.01, minDaysToExpiry: 1 });
    expect(filterCandidate(contract({ strike: 102, expiryTime: NOW + 2 * DAY_MS }), SPOT, NOW, wide)).toBeUndefined();
  });

  it('refuses contracts it cannot value', () => {
    expect(filterCandidate(contract({ markIV: 0 }), SPOT, NOW, p)).toBe('invalid');
    expect(filterCandidate(contract({ unit: 0 }), SPOT, NOW, p)).toBe('invalid');
    expect(filterCandidate(contract({ strike: 0 }), SPOT, NOW, p)).toBe('invalid');
  });
});
