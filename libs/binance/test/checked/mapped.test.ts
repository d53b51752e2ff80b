import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FieldError,
  PayloadError,
  expectArray,
  expectArrayAt,
  expectArrayOrObject,
  expectObject,
  mapElements,
  orThrow,
  rejectionOf,
  requiredPositive,
} from '../../src/checked';

const ERRORS = join(__dirname, '../../../../fixtures/binance/errors');
const invalidSymbol: unknown = JSON.parse(readFileSync(join(ERRORS, 'invalid_symbol_-1121.json'), 'utf8'));
const ipBanned: unknown = JSON.parse(readFileSync(join(ERRORS, 'ip_banned_418_-1003.json'), 'utf8'));
const HTML = '<html><body><h1>502 Bad Gateway</h1></body></html>';

function thrown(run: () => unknown): PayloadError {
  try {
    run();
  } catch (error) {
    if (error instanceof PayloadError) return error;
    throw error;
  }
  throw new Error('expected a PayloadError');
}

describe('PayloadError', () => {
  it('carries endpoint, symbol and reason and prints them as "<endpoint>: <symbol>: <reason>"', () => {
    const error = new PayloadError('/fapi/v1/openInterest', 'BTCUSDT', 'openInterest: missing');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PayloadError');
    expect(error.endpoint).toBe('/fapi/v1/openInterest');
    expect(error.symbol).toBe('BTCUSDT');
    expect(error.reason).toBe('openInterest: missing');
    expect(error.message).toBe('/fapi/v1/openInterest: BTCUSDT: openInterest: missing');
  });

  it('prints "-" in place of a symbol when the whole body is at fault', () => {
    expect(new PayloadError('/api/v3/ticker/24hr', null, 'expected a JSON array').message).toBe(
      '/api/v3/ticker/24hr: -: expected a JSON array',
    );
  });
});

describe('expectArray', () => {
  it('returns an array body as it is', () => {
    const body: unknown = [{ symbol: 'BTCUSDT' }];
    expect(expectArray(body, '/eapi/v1/mark')).toBe(body);
  });

  it('throws a PayloadError for an HTML page', () => {
    const error = thrown(() => expectArray(HTML, '/eapi/v1/mark'));
    expect(error.endpoint).toBe('/eapi/v1/mark');
    expect(error.symbol).toBeNull();
    expect(error.reason).toBe('expected a JSON array, got "<html><body><h1>502 Bad Gateway</h1></bo…"');
  });

  it('names the Binance error body (recorded -1121 and -1003 bodies) instead of a type mismatch', () => {
    expect(thrown(() => expectArray(invalidSymbol, '/api/v3/ticker/24hr')).reason).toBe(
      'Binance error body -1121: Invalid symbol.',
    );
    expect(thrown(() => expectArray(ipBanned, '/api/v3/ticker/24hr')).reason).toBe(
      'Binance error body -1003: Way too much request weight used; IP banned until 1659146400000. Please use WebSocket Streams for live updates to avoid bans.',
    );
  });

  it.each([
    [null, 'expected a JSON array, got null'],
    [42, 'expected a JSON array, got 42 (a JSON number)'],
    [{ symbol: 'BTCUSDT' }, 'expected a JSON array, got an object'],
  ])('throws a PayloadError for the wrong top-level type %j', (raw, reason) => {
    expect(thrown(() => expectArray(raw, '/eapi/v1/ticker')).reason).toBe(reason);
  });
});

describe('expectObject and expectArrayOrObject', () => {
  it('returns an object body and refuses an array', () => {
    const body = { time: 1, indexPrice: '1' };
    expect(expectObject(body, '/eapi/v1/index')).toBe(body);
    const error = thrown(() => expectObject([], '/eapi/v1/index', 'BTCUSDT'));
    expect(error.symbol).toBe('BTCUSDT');
    expect(error.reason).toBe('expected a JSON object, got an array of 0');
  });

  it('refuses an error body with the symbol the request was for', () => {
    const error = thrown(() => expectObject(invalidSymbol, '/eapi/v1/index', 'NOPEUSDT'));
    expect(error.message).toBe('/eapi/v1/index: NOPEUSDT: Binance error body -1121: Invalid symbol.');
  });

  it('wraps the single-symbol object form in a one-element list and passes arrays through', () => {
    const one = { symbol: 'BTCUSDT' };
    expect(expectArrayOrObject(one, '/api/v3/ticker/24hr')).toEqual([one]);
    const many = [one, one];
    expect(expectArrayOrObject(many, '/api/v3/ticker/24hr')).toBe(many);
    expect(thrown(() => expectArrayOrObject('x', '/api/v3/ticker/24hr')).reason).toBe(
      'expected a JSON array or object, got "x"',
    );
  });

  it('expectArrayAt names the key that is not an array', () => {
    expect(expectArrayAt({ symbols: [] }, 'symbols', '/api/v3/exchangeInfo')).toEqual([]);
    expect(thrown(() => expectArrayAt({}, 'symbols', '/api/v3/exchangeInfo')).reason).toBe(
      'symbols: expected an array, got undefined (field missing)',
    );
  });
});

describe('mapElements', () => {
  const price = (el: { readonly [key: string]: unknown }): number => requiredPositive(el['price'], 'price');

  it('rejects one malformed element with its symbol and reason and maps the rest', () => {
    const body = [
      { symbol: 'AAA', price: '1' },
      { symbol: 'BBB', price: '0' },
      { symbol: 'CCC', price: '3' },
    ];
    expect(mapElements(body, '/x', price)).toEqual({
      records: [1, 3],
      rejected: [{ endpoint: '/x', symbol: 'BBB', reason: 'price must be > 0, got "0"' }],
    });
  });

  it('rejects an element that is not an object, or has no string symbol, without a symbol', () => {
    const body = [null, 'BTCUSDT', { price: '1' }, { symbol: 7, price: '1' }, { symbol: '', price: '1' }];
    expect(mapElements(body, '/x', price).rejected).toEqual([
      { endpoint: '/x', symbol: null, reason: '[0]: expected an object, got null' },
      { endpoint: '/x', symbol: null, reason: '[1]: expected an object, got "BTCUSDT"' },
      {
        endpoint: '/x',
        symbol: null,
        reason: '[2].symbol: expected a non-empty string, got undefined (field missing)',
      },
      { endpoint: '/x', symbol: null, reason: '[3].symbol: expected a non-empty string, got 7 (a JSON number)' },
      { endpoint: '/x', symbol: null, reason: '[4].symbol: expected a non-empty string, got ""' },
    ]);
  });

  it('leaves out elements the mapper skips on purpose, without a rejection', () => {
    const body = [{ symbol: 'AAA' }, { symbol: 'BBB' }];
    expect(mapElements(body, '/x', (_el, symbol) => (symbol === 'AAA' ? undefined : symbol))).toEqual({
      records: ['BBB'],
      rejected: [],
    });
  });

  it('lets a programming error (anything but a FieldError) escape', () => {
    expect(() =>
      mapElements([{ symbol: 'AAA' }], '/x', () => {
        throw new TypeError('bug');
      }),
    ).toThrow(TypeError);
  });

  it('keeps a 2,000-element batch alive when one element is malformed', () => {
    const body = Array.from({ length: 2000 }, (_, i) => ({ symbol: `S${i}`, price: i === 1234 ? 'abc' : '1' }));
    const mapped = mapElements(body, '/x', price);
    expect(mapped.records).toHaveLength(1999);
    expect(mapped.rejected).toEqual([
      { endpoint: '/x', symbol: 'S1234', reason: 'price: expected a decimal string, got "abc"' },
    ]);
  });
});

describe('orThrow and rejectionOf', () => {
  it('orThrow turns a FieldError into a PayloadError for the endpoint and symbol', () => {
    const error = thrown(() =>
      orThrow('/fapi/v1/openInterest', 'BTCUSDT', () => requiredPositive('0', 'openInterest')),
    );
    expect(error.message).toBe('/fapi/v1/openInterest: BTCUSDT: openInterest must be > 0, got "0"');
    expect(orThrow('/x', null, () => 5)).toBe(5);
  });

  it('rejectionOf converts a FieldError and rethrows anything else', () => {
    expect(rejectionOf(new FieldError('a: missing'), '/x', 'S')).toEqual({
      endpoint: '/x',
      symbol: 'S',
      reason: 'a: missing',
    });
    expect(() => rejectionOf(new RangeError('bug'), '/x', 'S')).toThrow(RangeError);
  });
});
