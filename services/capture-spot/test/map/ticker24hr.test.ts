import { TOPICS } from '@marketpipe/contracts';
import { mapSpotTickers } from '../../src/map';
import { element, expectContract, fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

const SOURCE = 'binance.spot.rest';
/** 2024-01-05T21:12:10Z: just after the newest closeTime of ticker_24hr_symbols.json */
const CAPTURE_2024 = 1_704_489_130_000;
/** 2021-10-22T23:13:22Z: just after the closeTime of ticker_24hr_BTCUSDT.json */
const CAPTURE_2021 = 1_634_944_402_000;
const ctx = { captureTime: CAPTURE_2024, source: SOURCE };
/** The exchange clock's earliest reading when the all-symbols request was sent. */
const OBSERVED = 1_704_489_129_700;

describe('mapSpotTickers on the recorded all-symbols response (LIVE 2024-01-05, trimmed to 7)', () => {
  // The answer was asked for at 21:12:09.700 (exchange time); its closeTimes lie up to 920 ms before.
  const mapped = mapSpotTickers(fixture('spot/ticker_24hr_symbols.json'), { ...ctx, observedAt: OBSERVED });

  it('maps the six live symbols with the numbers Binance sent, in response order', () => {
    expect(mapped.records.map((r) => r.symbol)).toEqual([
      'ETHBTC',
      'BTCUSDT',
      'ETHUSDT',
      'BNBUSDT',
      'XRPUSDT',
      'SOLUSDT',
    ]);
    expect(mapped.records[0]).toEqual({
      symbol: 'ETHBTC',
      eventTime: OBSERVED,
      captureTime: CAPTURE_2024,
      source: SOURCE,
      lastPrice: 0.05121,
      openPrice: 0.05153,
      highPrice: 0.05206,
      lowPrice: 0.05098,
      priceChange: -0.00032,
      priceChangePercent: -0.621,
      weightedAvgPrice: 0.05133353,
      volume: 40035.4883,
      quoteVolume: 2055.162892,
      bidPrice: 0.05121,
      bidQty: 5.4087,
      askPrice: 0.05122,
      askQty: 16.9789,
      openTime: 1704402729412,
      tradeCount: 69820,
      closeTime: 1704489129412,
    });
    expect(mapped.records[1]).toEqual({
      symbol: 'BTCUSDT',
      eventTime: OBSERVED,
      captureTime: CAPTURE_2024,
      source: SOURCE,
      lastPrice: 43714.03,
      openPrice: 44243.93,
      highPrice: 44729.58,
      lowPrice: 42450,
      priceChange: -529.9,
      priceChangePercent: -1.198,
      weightedAvgPrice: 43750.22550868,
      volume: 49543.47584,
      quoteVolume: 2167538240.4836707, // the double nearest "2167538240.48367050"
      bidPrice: 43714.03,
      bidQty: 1.46133,
      askPrice: 43714.04,
      askQty: 0.48843,
      openTime: 1704402729548,
      tradeCount: 2091582,
      closeTime: 1704489129548,
    });
    expect(mapped.records[2]).toEqual({
      symbol: 'ETHUSDT',
      eventTime: OBSERVED,
      captureTime: CAPTURE_2024,
      source: SOURCE,
      lastPrice: 2238.28,
      openPrice: 2279.53,
      highPrice: 2286.75,
      lowPrice: 2206.17,
      priceChange: -41.25,
      priceChangePercent: -1.81,
      weightedAvgPrice: 2245.50590323,
      volume: 398165.6341,
      quoteVolume: 894083281.836153,
      bidPrice: 2238.28,
      bidQty: 17.397,
      askPrice: 2238.29,
      askQty: 3.7947,
      openTime: 1704402729624,
      tradeCount: 745797,
      closeTime: 1704489129624,
    });
    expect(mapped.records[3]).toEqual({
      symbol: 'BNBUSDT',
      eventTime: OBSERVED,
      captureTime: CAPTURE_2024,
      source: SOURCE,
      lastPrice: 314.7,
      openPrice: 320.4,
      highPrice: 327.3,
      lowPrice: 308.6,
      priceChange: -5.7,
      priceChangePercent: -1.779,
      weightedAvgPrice: 318.47946971,
      volume: 1165796.74,
      quoteVolume: 371282327.5434,
      bidPrice: 314.7,
      bidQty: 178.365,
      askPrice: 314.8,
      askQty: 179.971,
      openTime: 1704402728780,
      tradeCount: 394837,
      closeTime: 1704489128780,
    });
    expect(mapped.records[4]).toEqual({
      symbol: 'XRPUSDT',
      eventTime: OBSERVED,
      captureTime: CAPTURE_2024,
      source: SOURCE,
      lastPrice: 0.5702,
      openPrice: 0.5895,
      highPrice: 0.5938,
      lowPrice: 0.553,
      priceChange: -0.0193,
      priceChangePercent: -3.274,
      weightedAvgPrice: 0.57229571,
      volume: 393326966,
      quoteVolume: 225099336.5125,
      bidPrice: 0.5701,
      bidQty: 96967,
      askPrice: 0.5702,
      askQty: 2619,
      openTime: 1704402729627,
      tradeCount: 251078,
      closeTime: 1704489129627,
    });
    expect(mapped.records[5]).toEqual({
      symbol: 'SOLUSDT',
      eventTime: OBSERVED,
      captureTime: CAPTURE_2024,
      source: SOURCE,
      lastPrice: 98.67,
      openPrice: 105.97,
      highPrice: 106.84,
      lowPrice: 95.23,
      priceChange: -7.3,
      priceChangePercent: -6.889,
      weightedAvgPrice: 100.55464176,
      volume: 6864182.19,
      quoteVolume: 690225381.072,
      bidPrice: 98.66,
      bidQty: 242.78,
      askPrice: 98.67,
      askQty: 34.18,
      openTime: 1704402729377,
      tradeCount: 815943,
      closeTime: 1704489129377,
    });
  });

  it('rejects the delisted BCCBTC (count 0, zero prices) with "lastPrice must be > 0" instead of publishing it', () => {
    expect(mapped.rejected).toEqual([
      { endpoint: '/api/v3/ticker/24hr', symbol: 'BCCBTC', reason: 'lastPrice must be > 0, got "0.00000000"' },
    ]);
  });

  it('produces records that satisfy the market.spot.ticker contract', () => {
    expectContract(TOPICS.spotTicker, mapped.records);
  });
});

describe('mapSpotTickers on the recorded single-symbol response (LIVE 2021-10-22)', () => {
  it('maps the ?symbol=BTCUSDT object form to one record with Binance numbers, percent kept as percent', () => {
    const mapped = mapSpotTickers(fixture('spot/ticker_24hr_BTCUSDT.json'), {
      captureTime: CAPTURE_2021,
      source: SOURCE,
    });
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records).toEqual([
      {
        symbol: 'BTCUSDT',
        eventTime: 1634944401452,
        captureTime: CAPTURE_2021,
        source: SOURCE,
        lastPrice: 60755.18,
        openPrice: 62636.13,
        highPrice: 63732.39,
        lowPrice: 60000,
        priceChange: -1880.95,
        priceChangePercent: -3.003,
        weightedAvgPrice: 61979.85540978,
        volume: 53076.8465,
        quoteVolume: 3289695271.677177, // the double nearest "3289695271.67717710"
        bidPrice: 60755.18,
        bidQty: 0.34024,
        askPrice: 60755.19,
        askQty: 0.64537,
        openTime: 1634858001452,
        tradeCount: 1580643,
        closeTime: 1634944401452,
      },
    ]);
    expectContract(TOPICS.spotTicker, mapped.records);
  });

  it('without an observation time uses Binance closeTime as eventTime, never the capture time', () => {
    const later = CAPTURE_2021 + 5_000;
    const [record] = mapSpotTickers(fixture('spot/ticker_24hr_BTCUSDT.json'), {
      captureTime: later,
      source: SOURCE,
    }).records;
    expect(record?.eventTime).toBe(1634944401452);
    expect(record?.captureTime).toBe(later);
  });
});

describe('mapSpotTickers: eventTime is the observation, closeTime the last statistics update', () => {
  const body = fixture('spot/ticker_24hr_symbols.json');

  it('gives every symbol of one answer the same eventTime, however long ago its statistics changed', () => {
    const later = OBSERVED + 3_000; // a quiet pair read 3 s after its last trade is still a fresh reading
    const records = mapSpotTickers(body, { ...ctx, observedAt: later }).records;
    expect(new Set(records.map((r) => r.eventTime))).toEqual(new Set([later]));
    expect(records.map((r) => r.closeTime)).toEqual([
      1704489129412, 1704489129548, 1704489129624, 1704489128780, 1704489129627, 1704489129377,
    ]);
  });

  it('never gives a record an eventTime before its closeTime (an observation time read too early)', () => {
    const early = 1704489129500;
    const records = mapSpotTickers(body, { ...ctx, observedAt: early }).records;
    expect(records.map((r) => r.eventTime)).toEqual([early, 1704489129548, 1704489129624, early, 1704489129627, early]);
  });
});

describe('mapSpotTickers on hand-made variants of the BTCUSDT element', () => {
  const btc = (): Record<string, unknown> => element('spot/ticker_24hr_symbols.json', 2);

  it('publishes a zero bid price as a null bid with a null bid quantity', () => {
    const [record] = mapSpotTickers([{ ...btc(), bidPrice: '0.00000000', bidQty: '0.00000000' }], ctx).records;
    expect(record?.bidPrice).toBeNull();
    expect(record?.bidQty).toBeNull();
    expect(record?.askPrice).toBe(43714.04);
    expect(record?.askQty).toBe(0.48843);
    expectContract(TOPICS.spotTicker, [record]);
  });

  it('publishes a zero ask price as a null ask with a null ask quantity', () => {
    const [record] = mapSpotTickers([{ ...btc(), askPrice: '0.00000000', askQty: '0.00000000' }], ctx).records;
    expect(record?.askPrice).toBeNull();
    expect(record?.askQty).toBeNull();
    expect(record?.bidPrice).toBe(43714.03);
  });

  it.each([
    [
      'a missing lastPrice',
      { lastPrice: undefined },
      'lastPrice: expected a decimal string, got undefined (field missing)',
    ],
    [
      'a number instead of a string',
      { lastPrice: 43714.03 },
      'lastPrice: expected a decimal string, got 43714.03 (a JSON number)',
    ],
    ['"abc"', { highPrice: 'abc' }, 'highPrice: expected a decimal string, got "abc"'],
    ['"NaN"', { volume: 'NaN' }, 'volume: expected a decimal string, got "NaN"'],
    ['"Infinity"', { quoteVolume: 'Infinity' }, 'quoteVolume: expected a decimal string, got "Infinity"'],
    ['a negative price', { lowPrice: '-42450.00000000' }, 'lowPrice must be > 0, got "-42450.00000000"'],
    ['a negative bid price', { bidPrice: '-1' }, 'bidPrice must be >= 0, got "-1"'],
    ['a negative volume', { volume: '-1.0' }, 'volume must be >= 0, got "-1.0"'],
    [
      'an empty priceChangePercent',
      { priceChangePercent: '' },
      'priceChangePercent: expected a decimal string, got ""',
    ],
    ['a missing bidQty', { bidQty: undefined }, 'bidQty: expected a decimal string, got undefined (field missing)'],
    [
      'closeTime as a string',
      { closeTime: '1704489129548' },
      'closeTime: expected an integer ms time, got "1704489129548"',
    ],
    [
      'closeTime in microseconds',
      { closeTime: 1704489129548000 },
      'closeTime: 1704489129548000 is more than a day after the reference time 1704489130000',
    ],
    [
      'closeTime in seconds',
      { closeTime: 1704489129 },
      'closeTime: 1704489129 is before 2017-01-01, not a Binance ms time',
    ],
    ['a negative count', { count: -1 }, 'count must be >= 0, got -1'],
    ['a fractional count', { count: 2.5 }, 'count: expected an integer count, got 2.5 (a JSON number)'],
  ])('rejects an element with %s, naming the field, and keeps the others', (_what, change, reason) => {
    const body = [
      element('spot/ticker_24hr_symbols.json', 0),
      { ...btc(), ...change },
      element('spot/ticker_24hr_symbols.json', 6),
    ];
    const mapped = mapSpotTickers(body, ctx);
    expect(mapped.records.map((r) => r.symbol)).toEqual(['ETHBTC', 'SOLUSDT']);
    expect(mapped.rejected).toEqual([{ endpoint: '/api/v3/ticker/24hr', symbol: 'BTCUSDT', reason }]);
  });

  it('rejects an element without a symbol and one that is not an object, without a symbol', () => {
    const body = [{ ...btc(), symbol: undefined }, 'BTCUSDT', btc()];
    const mapped = mapSpotTickers(body, ctx);
    expect(mapped.records).toHaveLength(1);
    expect(mapped.rejected).toEqual([
      {
        endpoint: '/api/v3/ticker/24hr',
        symbol: null,
        reason: '[0].symbol: expected a non-empty string, got undefined (field missing)',
      },
      { endpoint: '/api/v3/ticker/24hr', symbol: null, reason: '[1]: expected an object, got "BTCUSDT"' },
    ]);
  });

  it('keeps a 2,000-symbol batch when one element is malformed', () => {
    const template = btc();
    const body = Array.from({ length: 2000 }, (_, i) => ({
      ...template,
      symbol: `SYM${i}USDT`,
      lastPrice: i === 999 ? 'abc' : '1.5',
    }));
    const mapped = mapSpotTickers(body, ctx);
    expect(mapped.records).toHaveLength(1999);
    expect(mapped.rejected).toEqual([
      {
        endpoint: '/api/v3/ticker/24hr',
        symbol: 'SYM999USDT',
        reason: 'lastPrice: expected a decimal string, got "abc"',
      },
    ]);
    expectContract(TOPICS.spotTicker, mapped.records);
  });
});

describe('mapSpotTickers on bodies that are not ticker responses', () => {
  it('rejects the recorded bookTicker body (LIVE 2021-10-22) for its missing 24hr fields rather than publishing it', () => {
    const mapped = mapSpotTickers(fixture('spot/bookTicker.json'), ctx);
    expect(mapped.records).toEqual([]);
    expect(mapped.rejected).toEqual([
      {
        endpoint: '/api/v3/ticker/24hr',
        symbol: 'BTCUSDT',
        reason: 'closeTime: expected an integer ms time, got undefined (field missing)',
      },
    ]);
  });

  it('throws a PayloadError for the recorded -1121 error body', () => {
    const error = payloadErrorOf(() => mapSpotTickers(fixture('errors/invalid_symbol_-1121.json'), ctx));
    expect(error.message).toBe('/api/v3/ticker/24hr: -: Binance error body -1121: Invalid symbol.');
  });

  it('throws a PayloadError for an HTML page and for the wrong top-level type', () => {
    expect(payloadErrorOf(() => mapSpotTickers('<html><body>502</body></html>', ctx)).reason).toBe(
      'expected a JSON array or object, got "<html><body>502</body></html>"',
    );
    expect(payloadErrorOf(() => mapSpotTickers(42, ctx)).reason).toBe(
      'expected a JSON array or object, got 42 (a JSON number)',
    );
    expect(payloadErrorOf(() => mapSpotTickers(null, ctx)).reason).toBe('expected a JSON array or object, got null');
  });

  it('maps an empty array to nothing', () => {
    expect(mapSpotTickers([], ctx)).toEqual({ records: [], rejected: [] });
  });
});
