import { TOPICS } from '@marketpipe/contracts';
import {
  DEFAULT_FUNDING_INTERVAL_HOURS,
  type FundingTerms,
  type FuturesInstrument,
  fundingIntervalTable,
  mapFuturesFundingInfo,
  type FuturesOpenInterest,
  type FuturesTickerContext,
  mapFuturesExchangeInfo,
  mapFuturesOpenInterest,
  mapFuturesPremiumIndex,
  mapFuturesTicker24hr,
  mapFuturesTickers,
  mergeFuturesTickers,
} from '../../src/map';
import { element, expectContract, fixture, payloadErrorOf } from '../../../../libs/binance/test/fixtures';

const SOURCE = 'binance.futures.rest';
/** 2025-06-17T08:38:09Z: after the newest time in any futures fixture (premiumIndex) */
const CAPTURE = 1_750_149_489_000;
const instruments = mapFuturesExchangeInfo(fixture('futures/exchangeInfo.json'), {
  captureTime: CAPTURE,
  source: SOURCE,
}).instruments;
const ctx: FuturesTickerContext = { captureTime: CAPTURE, source: SOURCE, instruments };
const recordedOpenInterest = (): Map<string, FuturesOpenInterest> => {
  const oi = mapFuturesOpenInterest(fixture('futures/openInterest.json'), ctx);
  return new Map([[oi.symbol, oi]]);
};

// The futures fixtures were recorded on different days (ticker 2024-03-31, premiumIndex 2025-06-17,
// openInterest 2024-06-04, exchangeInfo 2024-10-20), so only BTCUSDT and ETHUSDT are in all of them.
describe('mapFuturesTickers on the recorded ticker/24hr, premiumIndex, openInterest and exchangeInfo (all LIVE)', () => {
  const mapped = mapFuturesTickers(
    fixture('futures/ticker_24hr.json'),
    fixture('futures/premiumIndex.json'),
    recordedOpenInterest(),
    ctx,
  );

  it('merges BTCUSDT from the three endpoints with basis, funding and open-interest value', () => {
    expect(mapped.records[0]).toEqual({
      symbol: 'BTCUSDT',
      eventTime: 1750149488000,
      captureTime: CAPTURE,
      source: SOURCE,
      contractType: 'PERPETUAL',
      lastPrice: 70925.5,
      priceChangePercent: 1.502,
      highPrice: 71383.2,
      lowPrice: 69577.2,
      volume: 122882.711,
      quoteVolume: 8660462770.6,
      markPrice: 106599.9,
      indexPrice: 106647.69847826,
      fundingRate: 0.00004758,
      nextFundingTime: 1750176000000,
      openInterest: 80579.225,
      openInterestValue: 80579.225 * 106599.9,
      openInterestTime: 1717514517019,
      basis: 106599.9 - 106647.69847826,
      basisRate: (106599.9 - 106647.69847826) / 106647.69847826,
      deliveryTime: null,
      timeToExpiryMs: null,
      fundingIntervalHours: null,
      interestRate: 0.0001,
    });
    expect(mapped.records[0]?.basis).toBeCloseTo(-47.79847826, 8);
    expect(mapped.records[0]?.basisRate).toBeCloseTo(-0.00044819043, 10);
    expect(mapped.records[0]?.openInterestValue).toBeCloseTo(8589737327.0775, 3);
  });

  it('merges ETHUSDT with null open-interest fields because it was never polled', () => {
    expect(mapped.records[1]).toEqual({
      symbol: 'ETHUSDT',
      eventTime: 1750149488000,
      captureTime: CAPTURE,
      source: SOURCE,
      contractType: 'PERPETUAL',
      lastPrice: 3638.52,
      priceChangePercent: 3.661,
      highPrice: 3661.08,
      lowPrice: 3496.96,
      volume: 1494243.903,
      quoteVolume: 5378643431.31,
      markPrice: 2575.46,
      indexPrice: 2576.02186047,
      fundingRate: 0.0001,
      nextFundingTime: 1750176000000,
      openInterest: null,
      openInterestValue: null,
      openInterestTime: null,
      basis: 2575.46 - 2576.02186047,
      basisRate: (2575.46 - 2576.02186047) / 2576.02186047,
      deliveryTime: null,
      timeToExpiryMs: null,
      fundingIntervalHours: null,
      interestRate: 0.0001,
    });
  });

  it('rejects the ticker symbols that are not TRADING in exchangeInfo, naming exchangeInfo', () => {
    expect(mapped.records.map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(mapped.rejected).toEqual(
      ['TONUSDT', 'SOLUSDC', 'BTCUSDT_240628', '1000SHIBUSDT'].map((symbol) => ({
        endpoint: '/fapi/v1/exchangeInfo',
        symbol,
        reason: 'not a TRADING symbol in exchangeInfo',
      })),
    );
  });

  it('produces records that satisfy the market.futures.ticker contract', () => {
    expectContract(TOPICS.futuresTicker, mapped.records);
  });
});

describe('mergeFuturesTickers decisions', () => {
  // A consistent delivery-contract set built by hand: the LIVE premiumIndex element of BTCUSDT_250627,
  // the LIVE ticker element of the previous quarterly renamed to it, and exchangeInfo-style metadata.
  const delivery: FuturesInstrument = {
    symbol: 'BTCUSDT_250627',
    pair: 'BTCUSDT',
    contractType: 'CURRENT_QUARTER',
    deliveryTime: 1751011200000, // 2025-06-27T08:00:00Z
    status: 'TRADING',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    marginAsset: 'USDT',
  };
  const deliveryCtx: FuturesTickerContext = { ...ctx, instruments: new Map([[delivery.symbol, delivery]]) };
  const deliveryTicker = () => ({
    ...element('futures/ticker_24hr.json', 2),
    symbol: 'BTCUSDT_250627',
    closeTime: 1750149487000,
  });

  it('gives a delivery contract null funding fields, its delivery time and the time to expiry', () => {
    const mapped = mapFuturesTickers([deliveryTicker()], fixture('futures/premiumIndex.json'), new Map(), deliveryCtx);
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records).toEqual([
      {
        symbol: 'BTCUSDT_250627',
        eventTime: 1750149488000,
        captureTime: CAPTURE,
        source: SOURCE,
        contractType: 'CURRENT_QUARTER',
        lastPrice: 76298,
        priceChangePercent: 2.569,
        highPrice: 76601.7,
        lowPrice: 74127.3,
        volume: 416.498,
        quoteVolume: 31397295.5,
        markPrice: 106745.67326087,
        indexPrice: 106647.69847826,
        fundingRate: null,
        nextFundingTime: null,
        openInterest: null,
        openInterestValue: null,
        openInterestTime: null,
        basis: 106745.67326087 - 106647.69847826,
        basisRate: (106745.67326087 - 106647.69847826) / 106647.69847826,
        deliveryTime: 1751011200000,
        timeToExpiryMs: 861712000,
        fundingIntervalHours: null,
        interestRate: null,
      },
    ]);
    expectContract(TOPICS.futuresTicker, mapped.records);
  });

  it('keeps fundingRate null for a delivery contract even when Binance sends "" and 0', () => {
    const premium = [{ ...element('futures/premiumIndex.json', 1), lastFundingRate: '', nextFundingTime: 0 }];
    const [record] = mapFuturesTickers([deliveryTicker()], premium, new Map(), deliveryCtx).records;
    expect(record?.fundingRate).toBeNull();
    expect(record?.nextFundingTime).toBeNull();
  });

  it('keeps a perpetual zero funding rate as 0 and a blank one as null', () => {
    const tickers = mapFuturesTicker24hr(fixture('futures/ticker_24hr.json'), ctx).records;
    const premium = mapFuturesPremiumIndex(
      [
        { ...element('futures/premiumIndex.json', 3), lastFundingRate: '0.00000000' },
        { ...element('futures/premiumIndex.json', 4), lastFundingRate: '', nextFundingTime: 0 },
      ],
      ctx,
    ).records;
    const [btc, eth] = mergeFuturesTickers({ tickers, premiumIndex: premium, openInterest: new Map() }, ctx).records;
    expect(btc?.fundingRate).toBe(0);
    expect(eth?.fundingRate).toBeNull();
    expect(eth?.nextFundingTime).toBeNull();
  });

  it('takes eventTime from the newest input, which can be the open interest', () => {
    const tickers = mapFuturesTicker24hr(fixture('futures/ticker_24hr.json'), ctx).records;
    const premiumIndex = mapFuturesPremiumIndex(fixture('futures/premiumIndex.json'), ctx).records;
    const oi = new Map([['BTCUSDT', { symbol: 'BTCUSDT', openInterest: 80579.225, time: 1750149488500 }]]);
    const [btc] = mergeFuturesTickers({ tickers, premiumIndex, openInterest: oi }, ctx).records;
    expect(btc?.eventTime).toBe(1750149488500);
    expect(btc?.openInterestTime).toBe(1750149488500);
    expect(btc?.captureTime).toBe(CAPTURE);
  });

  it('rejects a symbol without a premiumIndex element, naming premiumIndex', () => {
    const premium = [element('futures/premiumIndex.json', 4)];
    const mapped = mapFuturesTickers(fixture('futures/ticker_24hr.json'), premium, new Map(), ctx);
    expect(mapped.records.map((r) => r.symbol)).toEqual(['ETHUSDT']);
    expect(mapped.rejected).toContainEqual({
      endpoint: '/fapi/v1/premiumIndex',
      symbol: 'BTCUSDT',
      reason: 'no premiumIndex element for this symbol',
    });
  });

  it('returns the rejections of the ticker, premiumIndex and merge stages together', () => {
    const tickers = [
      element('futures/ticker_24hr.json', 4),
      { ...element('futures/ticker_24hr.json', 5), lastPrice: 'abc' },
    ];
    const premium = [
      { ...element('futures/premiumIndex.json', 3), markPrice: 'NaN' },
      element('futures/premiumIndex.json', 4),
    ];
    const mapped = mapFuturesTickers(tickers, premium, new Map(), ctx);
    expect(mapped.records).toEqual([]);
    expect(mapped.rejected).toEqual([
      {
        endpoint: '/fapi/v1/ticker/24hr',
        symbol: 'ETHUSDT',
        reason: 'lastPrice: expected a decimal string, got "abc"',
      },
      {
        endpoint: '/fapi/v1/premiumIndex',
        symbol: 'BTCUSDT',
        reason: 'markPrice: expected a decimal string, got "NaN"',
      },
      { endpoint: '/fapi/v1/premiumIndex', symbol: 'BTCUSDT', reason: 'no premiumIndex element for this symbol' },
    ]);
  });

  describe('funding terms', () => {
    // DIAUSDT (4-hourly) and AXLUSDT (hourly) are in the LIVE premiumIndex recording but not in the
    // other recordings: their tickers are BTCUSDT's element renamed, their metadata BTCUSDT's.
    const btc = instruments.get('BTCUSDT') as FuturesInstrument;
    const perps = new Map(['DIAUSDT', 'AXLUSDT', 'BTCUSDT'].map((symbol) => [symbol, { ...btc, symbol }]));
    const tickers = ['DIAUSDT', 'AXLUSDT', 'BTCUSDT'].map((symbol) => ({
      ...element('futures/ticker_24hr.json', 4),
      symbol,
    }));
    // Binance's documented fundingInfo example shape: only symbols with a non-default interval or cap.
    const info = mapFuturesFundingInfo([
      {
        symbol: 'DIAUSDT',
        adjustedFundingRateCap: '0.02500000',
        adjustedFundingRateFloor: '-0.02500000',
        fundingIntervalHours: 4,
        disclaimer: false,
      },
      { symbol: 'AXLUSDT', adjustedFundingRateCap: '0.02', adjustedFundingRateFloor: '-0.02', fundingIntervalHours: 1 },
    ]);
    const withTerms = (funding: FundingTerms): FuturesTickerContext => ({ ...ctx, instruments: perps, funding });

    it('carries the listed interval, 8 h for an unlisted perpetual, and premiumIndex interestRate per interval', () => {
      expect(info.rejected).toEqual([]);
      const terms = { intervalHours: fundingIntervalTable(info.records), interestRate: new Map<string, number>() };
      const mapped = mapFuturesTickers(tickers, fixture('futures/premiumIndex.json'), new Map(), withTerms(terms));
      expect(mapped.rejected).toEqual([]);
      expect(mapped.records.map((r) => [r.symbol, r.fundingIntervalHours, r.interestRate])).toEqual([
        ['DIAUSDT', 4, 0.00005],
        ['AXLUSDT', 1, 0.0000125],
        ['BTCUSDT', DEFAULT_FUNDING_INTERVAL_HOURS, 0.0001],
      ]);
      expectContract(TOPICS.futuresTicker, mapped.records);
    });

    it('leaves the interval null until fundingInfo was read, and takes a held interestRate when the element has none', () => {
      const premium = mapFuturesPremiumIndex(fixture('futures/premiumIndex.json'), ctx).records.map((p) => ({
        ...p,
        interestRate: null,
      }));
      const held = { intervalHours: null, interestRate: new Map([['DIAUSDT', 0.00005]]) };
      const parts = {
        tickers: mapFuturesTicker24hr(tickers, ctx).records,
        premiumIndex: premium,
        openInterest: new Map(),
      };
      const records = mergeFuturesTickers(parts, withTerms(held)).records;
      expect(records.map((r) => [r.symbol, r.fundingIntervalHours, r.interestRate])).toEqual([
        ['DIAUSDT', null, 0.00005],
        ['AXLUSDT', null, null],
        ['BTCUSDT', null, null],
      ]);
    });

    it('rejects a fundingInfo element without a positive integer interval, naming the field', () => {
      const bad = mapFuturesFundingInfo([
        { symbol: 'DIAUSDT', fundingIntervalHours: '4' },
        { symbol: 'AXLUSDT', fundingIntervalHours: 0 },
        { symbol: 'BTCUSDT', fundingIntervalHours: 8 },
      ]);
      expect(bad.records).toEqual([{ symbol: 'BTCUSDT', fundingIntervalHours: 8 }]);
      expect(bad.rejected.map((r) => [r.endpoint, r.symbol, r.reason.split(':')[0]?.split(' ')[0]])).toEqual([
        ['/fapi/v1/fundingInfo', 'DIAUSDT', 'fundingIntervalHours'],
        ['/fapi/v1/fundingInfo', 'AXLUSDT', 'fundingIntervalHours'],
      ]);
      expect(payloadErrorOf(() => mapFuturesFundingInfo({ code: -1 })).endpoint).toBe('/fapi/v1/fundingInfo');
    });
  });

  it('throws a PayloadError when either bulk body is unusable', () => {
    expect(payloadErrorOf(() => mapFuturesTickers('<html>', [], new Map(), ctx)).endpoint).toBe('/fapi/v1/ticker/24hr');
    expect(payloadErrorOf(() => mapFuturesTickers([], 42, new Map(), ctx)).endpoint).toBe('/fapi/v1/premiumIndex');
  });
});
