import { expirationOf, mapOptionsExchangeInfo, openInterestQueries, parseOptionSymbol } from '../../src/map';
import { fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

/** Just after serverTime of the documentation example (2020-06-17) */
const ctx = { captureTime: 1_592_387_338_000, source: 'binance.options.rest' };
const body = (): Record<string, unknown> => fixture('options/exchangeInfo.json') as Record<string, unknown>;
const symbolEntry = (change: Record<string, unknown>): Record<string, unknown> => {
  const b = body();
  const symbols = b['optionSymbols'] as Record<string, unknown>[];
  symbols[0] = { ...symbols[0], ...change };
  return b;
};

describe('mapOptionsExchangeInfo on the documentation example (DOC EXAMPLE: shape only)', () => {
  const info = mapOptionsExchangeInfo(body(), ctx);

  it('builds the instrument from metadata: underlying, side, strike, expiryDate, unit, status', () => {
    expect([...info.instruments.values()]).toEqual([
      {
        symbol: 'BTC-220815-50000-C',
        underlying: 'BTCUSDT',
        baseAsset: 'BTC',
        side: 'CALL',
        strike: 50000,
        expiryTime: 1660521600000,
        unit: 1,
        quoteAsset: 'USDT',
        status: 'TRADING',
      },
    ]);
    expect(info.rejected).toEqual([]);
    expect(info.skipped).toEqual([]);
  });

  it('lists the underlyings to assemble chains for and reads serverTime and rate limits', () => {
    expect(info.underlyings).toEqual(['BTCUSDT']);
    expect(info.serverTime).toBe(1592387337630);
    expect(info.rateLimits.map((r) => r.limit)).toEqual([2400, 1200, 300]);
  });

  it('derives the openInterest poll parameters (base asset, YYMMDD) from the table', () => {
    expect(openInterestQueries(info.instruments)).toEqual([{ underlyingAsset: 'BTC', expiration: '220815' }]);
  });
});

describe('mapOptionsExchangeInfo on hand-made variants', () => {
  it('treats a missing status (bodies before 2026-01) as TRADING and skips other statuses', () => {
    expect(mapOptionsExchangeInfo(symbolEntry({ status: undefined }), ctx).instruments.size).toBe(1);
    const closed = mapOptionsExchangeInfo(symbolEntry({ status: 'CLOSE' }), ctx);
    expect(closed.instruments.size).toBe(0);
    expect(closed.skipped).toEqual([{ symbol: 'BTC-220815-50000-C', status: 'CLOSE' }]);
    expect(closed.underlyings).toEqual([]);
  });

  it('accepts an expiryDate at 08:00 UTC of the symbol day, the time live expiries are reported at', () => {
    const info = mapOptionsExchangeInfo(symbolEntry({ expiryDate: 1660550400000 }), ctx);
    expect(info.instruments.get('BTC-220815-50000-C')?.expiryTime).toBe(1660550400000);
  });

  it.each([
    ['a side other than CALL/PUT', { side: 'C' }, 'side: expected one of CALL|PUT, got "C"'],
    [
      'a strike as a number',
      { strikePrice: 50000 },
      'strikePrice: expected a decimal string, got 50000 (a JSON number)',
    ],
    ['a zero strike', { strikePrice: '0' }, 'strikePrice must be > 0, got "0"'],
    ['a unit as a string', { unit: '1' }, 'unit: expected a positive integer, got "1"'],
    [
      'a missing expiryDate',
      { expiryDate: undefined },
      'expiryDate: expected an integer ms time, got undefined (field missing)',
    ],
    [
      'a missing underlying',
      { underlying: undefined },
      'underlying: expected a non-empty string, got undefined (field missing)',
    ],
    ['metadata that contradicts the symbol side', { side: 'PUT' }, 'side PUT contradicts the symbol (CALL)'],
    [
      'metadata that contradicts the symbol strike',
      { strikePrice: '60000' },
      'strikePrice 60000 contradicts the symbol (50000)',
    ],
    [
      'an expiryDate on another day than the symbol',
      { expiryDate: 1660608000000 },
      "expiryDate 1660608000000 is not on the symbol's expiry day 220815",
    ],
  ])('rejects an optionSymbols entry with %s', (_what, change, reason) => {
    const info = mapOptionsExchangeInfo(symbolEntry(change), ctx);
    expect(info.instruments.size).toBe(0);
    expect(info.rejected).toEqual([{ endpoint: '/eapi/v1/exchangeInfo', symbol: 'BTC-220815-50000-C', reason }]);
  });

  it('falls back to the symbol text for the base asset when optionContracts does not list the underlying', () => {
    const b = { ...body(), optionContracts: [] };
    expect(mapOptionsExchangeInfo(b, ctx).instruments.get('BTC-220815-50000-C')?.baseAsset).toBe('BTC');
  });

  it('takes a symbol it cannot parse on its metadata alone', () => {
    const info = mapOptionsExchangeInfo(symbolEntry({ symbol: 'BTCUSDT-OPTION-1' }), ctx);
    expect(info.instruments.get('BTCUSDT-OPTION-1')?.strike).toBe(50000);
  });

  it('throws a PayloadError without optionSymbols, for HTML and for the recorded error body', () => {
    expect(payloadErrorOf(() => mapOptionsExchangeInfo({ ...body(), optionSymbols: null }, ctx)).reason).toBe(
      'optionSymbols: expected an array, got null',
    );
    expect(payloadErrorOf(() => mapOptionsExchangeInfo('<html>', ctx)).reason).toBe(
      'expected a JSON object, got "<html>"',
    );
    expect(payloadErrorOf(() => mapOptionsExchangeInfo(fixture('errors/invalid_symbol_-1121.json'), ctx)).reason).toBe(
      'Binance error body -1121: Invalid symbol.',
    );
  });
});

describe('parseOptionSymbol (fallback and cross-check only)', () => {
  it('parses base, expiry day, strike and side, including the fractional strikes of the live ticker', () => {
    expect(parseOptionSymbol('BTC-241206-115000-C')).toEqual({
      baseAsset: 'BTC',
      expiration: '241206',
      expiryDay: 1733443200000,
      strike: 115000,
      side: 'CALL',
    });
    expect(parseOptionSymbol('XRP-241206-1.48-C')?.strike).toBe(1.48);
    expect(parseOptionSymbol('DOGE-241206-0.34-P')).toEqual({
      baseAsset: 'DOGE',
      expiration: '241206',
      expiryDay: 1733443200000,
      strike: 0.34,
      side: 'PUT',
    });
  });

  it.each([
    'BTCUSDT',
    'btc-241206-115000-c',
    'BTC-241306-115000-C',
    'BTC-240230-1-P',
    'BTC-241206-115000-X',
    'BTC-2412-1-C',
  ])('returns null for %j', (symbol) => {
    expect(parseOptionSymbol(symbol)).toBeNull();
  });

  it('expirationOf writes the UTC day as YYMMDD', () => {
    expect(expirationOf(1733472000000)).toBe('241206');
    expect(expirationOf(1660521600000)).toBe('220815');
  });
});
