import { TOPICS } from '@marketpipe/contracts';
import { mapSpotKlines, type SpotKlineContext } from '../../src/map';
import { expectContract, fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

const SOURCE = 'binance.spot.rest';
/** 2021-10-22T23:12:10Z: inside the tenth (last) candle of klines_BTCUSDT_1m.json */
const NOW = 1_634_944_330_000;
const ctx: SpotKlineContext = {
  captureTime: NOW,
  source: SOURCE,
  symbol: 'BTCUSDT',
  interval: '1m',
  closedBefore: NOW,
};
const klines = (): unknown[] => fixture('spot/klines_BTCUSDT_1m.json') as unknown[];

describe('mapSpotKlines on the recorded BTCUSDT 1m klines (LIVE 2021-10-22, limit=10)', () => {
  const mapped = mapSpotKlines(klines(), ctx);

  it('publishes the nine closed candles and drops the still-open tenth', () => {
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records.map((k) => k.openTime)).toEqual([
      1634943780000, 1634943840000, 1634943900000, 1634943960000, 1634944020000, 1634944080000, 1634944140000,
      1634944200000, 1634944260000,
    ]);
  });

  it('maps the first candle with the numbers Binance sent and closeTime as eventTime', () => {
    expect(mapped.records[0]).toEqual({
      symbol: 'BTCUSDT',
      eventTime: 1634943839999,
      captureTime: NOW,
      source: SOURCE,
      interval: '1m',
      openTime: 1634943780000,
      closeTime: 1634943839999,
      open: 60685.22,
      high: 60729.84,
      low: 60670.9,
      close: 60719.27,
      volume: 21.63272,
      quoteVolume: 1313200.0134041,
      tradeCount: 617,
      takerBuyBaseVolume: 12.28492,
      takerBuyQuoteVolume: 745719.4102284,
    });
  });

  it('maps the last closed candle, whose open equals its high', () => {
    expect(mapped.records[8]).toEqual({
      symbol: 'BTCUSDT',
      eventTime: 1634944319999,
      captureTime: NOW,
      source: SOURCE,
      interval: '1m',
      openTime: 1634944260000,
      closeTime: 1634944319999,
      open: 60740,
      high: 60765.48,
      low: 60725,
      close: 60739.85,
      volume: 5.31675,
      quoteVolume: 322972.8836884,
      tradeCount: 375,
      takerBuyBaseVolume: 2.80953,
      takerBuyQuoteVolume: 170666.0522168,
    });
  });

  it('produces records that satisfy the market.spot.kline contract', () => {
    expectContract(TOPICS.spotKline, mapped.records);
  });

  it('publishes the tenth candle once the reference time is past its closeTime', () => {
    const later = 1_634_944_380_000;
    const all = mapSpotKlines(klines(), { ...ctx, captureTime: later, closedBefore: later });
    expect(all.records).toHaveLength(10);
    expect(all.records[9]).toEqual({
      symbol: 'BTCUSDT',
      eventTime: 1634944379999,
      captureTime: later,
      source: SOURCE,
      interval: '1m',
      openTime: 1634944320000,
      closeTime: 1634944379999,
      open: 60739.85,
      high: 60739.85,
      low: 60739.85,
      close: 60739.85,
      volume: 0.04734,
      quoteVolume: 2875.424499,
      tradeCount: 7,
      takerBuyBaseVolume: 0.04734,
      takerBuyQuoteVolume: 2875.424499,
    });
    expectContract(TOPICS.spotKline, all.records);
  });

  it('treats a candle whose closeTime equals the reference time as still open', () => {
    const edge = mapSpotKlines(klines(), { ...ctx, closedBefore: 1_634_944_319_999 });
    expect(edge.records).toHaveLength(8);
  });
});

describe('mapSpotKlines on hand-made variants', () => {
  const variant = (index: number, position: number, value: unknown): unknown[] => {
    const body = klines();
    const k = body[index] as unknown[];
    k[position] = value;
    return body;
  };

  it.each([
    [1, 'open "abc"', 1, 'abc', '[1] open: expected a decimal string, got "abc"'],
    [2, 'high as a JSON number', 2, 60799.13, '[2] high: expected a decimal string, got 60799.13 (a JSON number)'],
    [3, 'a negative low', 3, '-1', '[3] low must be > 0, got "-1"'],
    [4, 'close "NaN"', 4, 'NaN', '[4] close: expected a decimal string, got "NaN"'],
    [5, 'a negative volume', 5, '-10.9', '[5] volume must be >= 0, got "-10.9"'],
    [6, 'openTime as a string', 0, '1634944140000', '[6] openTime: expected an integer ms time, got "1634944140000"'],
    [7, 'tradeCount as a string', 8, '414', '[7] tradeCount: expected an integer count, got "414"'],
    [
      0,
      'a missing taker quote volume',
      10,
      undefined,
      '[0] takerBuyQuoteVolume: expected a decimal string, got undefined (field missing)',
    ],
    [
      1,
      'a high below the low',
      2,
      '60000.00000000',
      '[1] high/low do not bracket open/close (o 60719.28 h 60000 l 60707 c 60771.81)',
    ],
    [
      2,
      'a closeTime before the openTime',
      6,
      1634943899999,
      '[2] closeTime 1634943899999 is not after openTime 1634943900000',
    ],
  ])('rejects candle %i with %s, naming it, and keeps the others', (index, _what, position, value, reason) => {
    const mapped = mapSpotKlines(variant(index, position, value), ctx);
    expect(mapped.rejected).toEqual([{ endpoint: '/api/v3/klines', symbol: 'BTCUSDT', reason }]);
    expect(mapped.records).toHaveLength(8);
  });

  it('rejects an element that is not a 12-element array', () => {
    const body = klines();
    body[0] = { openTime: 1634943780000 };
    body[1] = (body[1] as unknown[]).slice(0, 6);
    const mapped = mapSpotKlines(body, ctx);
    expect(mapped.rejected).toEqual([
      {
        endpoint: '/api/v3/klines',
        symbol: 'BTCUSDT',
        reason: '[0]: expected a 12-element kline array, got an object',
      },
      {
        endpoint: '/api/v3/klines',
        symbol: 'BTCUSDT',
        reason: '[1]: expected a 12-element kline array, got an array of 6',
      },
    ]);
    expect(mapped.records).toHaveLength(7);
  });

  it('throws a PayloadError for an object body, an HTML page and the recorded error body', () => {
    expect(payloadErrorOf(() => mapSpotKlines({ symbol: 'BTCUSDT' }, ctx)).reason).toBe(
      'expected a JSON array, got an object',
    );
    expect(payloadErrorOf(() => mapSpotKlines('<!DOCTYPE html>', ctx)).reason).toBe(
      'expected a JSON array, got "<!DOCTYPE html>"',
    );
    expect(payloadErrorOf(() => mapSpotKlines(fixture('errors/invalid_symbol_-1121.json'), ctx)).message).toBe(
      '/api/v3/klines: -: Binance error body -1121: Invalid symbol.',
    );
  });
});
