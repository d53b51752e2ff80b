import { mapOptionsTicker } from '../../src/map';
import { element, fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

const ctx = { captureTime: 1_732_981_000_000, source: 'binance.options.rest' };
const FILE = 'options/ticker.json';

describe('mapOptionsTicker on the recorded all-options response (LIVE 2024-11-30, trimmed to 8)', () => {
  const mapped = mapOptionsTicker(fixture(FILE), ctx);

  it('reads bid, ask, last price and volume, with Binance zeros as null', () => {
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records).toEqual([
      { symbol: 'BTC-241206-115000-C', bidPrice: 50, askPrice: 60, lastPrice: 50, volume: 17.56 },
      { symbol: 'ETH-241227-3700-P', bidPrice: 252.2, askPrice: 257.3, lastPrice: 241.6, volume: 1.51 },
      { symbol: 'BNB-241227-600-P', bidPrice: 10.1, askPrice: 25.6, lastPrice: 7.7, volume: 455.62 },
      { symbol: 'SOL-241227-210-C', bidPrice: 39.24, askPrice: 41.74, lastPrice: 43.88, volume: 27.9 },
      { symbol: 'BTC-250926-110000-P', bidPrice: 10, askPrice: null, lastPrice: null, volume: 0 },
      { symbol: 'BTC-241220-88000-C', bidPrice: null, askPrice: null, lastPrice: 11670, volume: 3.68 },
      { symbol: 'XRP-241206-1.48-C', bidPrice: 37.22, askPrice: null, lastPrice: 40.77, volume: 13.1 },
      { symbol: 'DOGE-241206-0.34-P', bidPrice: 5.46, askPrice: 6.13, lastPrice: 6.32, volume: 4.19 },
    ]);
  });
});

describe('what the recorded ticker says about the open questions', () => {
  const rows = fixture(FILE) as Record<string, string | number>[];
  const traded = rows.filter((r) => Number(r['volume']) > 0);

  it('supports volume in contracts and amount in quote asset: amount / volume lies between low and high', () => {
    expect(traded).toHaveLength(7);
    for (const r of traded) {
      const average = Number(r['amount']) / Number(r['volume']);
      expect(average).toBeGreaterThanOrEqual(Number(r['low']));
      expect(average).toBeLessThanOrEqual(Number(r['high']));
    }
  });

  it('shows priceChangePercent as a fraction: it equals priceChange / open, not 100 times that', () => {
    for (const r of traded) {
      expect(Number(r['priceChangePercent'])).toBeCloseTo(Number(r['priceChange']) / Number(r['open']), 3);
    }
  });
});

describe('mapOptionsTicker on hand-made variants', () => {
  it.each([
    ['a missing bidPrice', { bidPrice: undefined }, 'bidPrice: missing'],
    ['a number instead of a string', { askPrice: 60 }, 'askPrice: expected a decimal string, got 60 (a JSON number)'],
    ['"abc"', { lastPrice: 'abc' }, 'lastPrice: expected a decimal string, got "abc"'],
    ['a negative bid', { bidPrice: '-50' }, 'bidPrice must be >= 0, got "-50"'],
    ['"NaN" volume', { volume: 'NaN' }, 'volume: expected a decimal string, got "NaN"'],
    ['a negative volume', { volume: '-1' }, 'volume must be >= 0, got "-1"'],
  ])('rejects an element with %s and keeps the others', (_what, change, reason) => {
    const body = [{ ...element(FILE, 0), ...change }, element(FILE, 1)];
    const mapped = mapOptionsTicker(body, ctx);
    expect(mapped.records.map((r) => r.symbol)).toEqual(['ETH-241227-3700-P']);
    expect(mapped.rejected).toEqual([{ endpoint: '/eapi/v1/ticker', symbol: 'BTC-241206-115000-C', reason }]);
  });

  it('throws a PayloadError for an object body (options ticker is always an array), HTML and an error body', () => {
    expect(payloadErrorOf(() => mapOptionsTicker(element(FILE, 0), ctx)).reason).toBe(
      'expected a JSON array, got an object',
    );
    expect(payloadErrorOf(() => mapOptionsTicker('<html>', ctx)).reason).toBe('expected a JSON array, got "<html>"');
    expect(payloadErrorOf(() => mapOptionsTicker(fixture('errors/invalid_symbol_-1121.json'), ctx)).reason).toBe(
      'Binance error body -1121: Invalid symbol.',
    );
  });
});
