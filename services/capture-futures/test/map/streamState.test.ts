import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOPICS } from '@marketpipe/contracts';
import {
  FUTURES_WS_SOURCE,
  type FuturesInstrument,
  type FuturesOpenInterest,
  type FuturesTickerContext,
  FuturesStreamState,
  mapFuturesExchangeInfo,
  mapFuturesOpenInterest,
  mapFuturesStreamMark,
  mapFuturesStreamTicker,
  mapFuturesTickers,
  fundingIntervalTable,
  mapFuturesFundingInfo,
  type FundingTerms,
} from '../../src/map';
import { expectContract, payloadErrorOf } from '../../../../libs/binance/test/fixtures';
import { type HeldSim, startHeldSim } from '../../../../libs/binance-sim/test/held-sim';

const ws = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ws', name), 'utf8')) as unknown;
const first = (x: unknown): Record<string, unknown> => (Array.isArray(x) ? x[0] : x) as Record<string, unknown>;

/** 2019-07-05T05:43:01Z: just after the mark price doc example's E */
const CAPTURE = 1_562_305_381_000;
const ctx = { captureTime: CAPTURE, source: FUTURES_WS_SOURCE };
const CLOSE = CAPTURE - 1_000;
const tickerDoc = (): Record<string, unknown> => ({
  ...first(ws('ticker_arr_doc.json')),
  E: CLOSE,
  O: CLOSE - 86_400_000,
  C: CLOSE,
});

const PERPETUAL: FuturesInstrument = {
  symbol: 'BTCUSDT',
  pair: 'BTCUSDT',
  contractType: 'PERPETUAL',
  deliveryTime: null,
  baseAsset: 'BTC',
  quoteAsset: 'USDT',
  status: 'TRADING',
  marginAsset: 'USDT',
};
const mergeCtx: FuturesTickerContext = { ...ctx, instruments: new Map([['BTCUSDT', PERPETUAL]]) };

describe('mapFuturesStreamTicker', () => {
  it('rejects the doc example as it stands (placeholder closeTime C), naming the field', () => {
    expect(mapFuturesStreamTicker(ws('ticker_arr_doc.json'), ctx)).toEqual({
      records: [],
      rejected: [
        {
          endpoint: '!ticker@arr|<symbol>@ticker',
          symbol: 'BTCUSDT',
          reason: 'C (closeTime): 86400000 is before 2017-01-01, not a Binance ms time',
        },
      ],
    });
  });

  it('maps the doc example with real times (array and single object alike)', () => {
    const expected = {
      symbol: 'BTCUSDT',
      lastPrice: 0.0025,
      priceChangePercent: 250,
      highPrice: 0.0025,
      lowPrice: 0.001,
      volume: 10000,
      quoteVolume: 18,
      closeTime: CLOSE,
    };
    expect(mapFuturesStreamTicker([tickerDoc()], ctx)).toEqual({ records: [expected], rejected: [] });
    expect(mapFuturesStreamTicker(tickerDoc(), ctx)).toEqual({ records: [expected], rejected: [] });
  });

  it.each([
    [{ c: '0' }, 'c (lastPrice) must be > 0, got "0"'],
    [{ h: 1 }, 'h (highPrice): expected a decimal string, got 1 (a JSON number)'],
    [{ q: '-18' }, 'q (quoteVolume) must be >= 0, got "-18"'],
    [{ C: undefined }, 'C (closeTime): expected an integer ms time, got undefined (field missing)'],
    [{ e: 'markPriceUpdate' }, '[1].e: expected "24hrTicker", got "markPriceUpdate"'],
  ])('rejects %j by itself, naming the field; the rest of the array maps', (patch, reason) => {
    const mapped = mapFuturesStreamTicker(
      [tickerDoc(), { ...tickerDoc(), ...patch, s: 'BAD' }, { ...tickerDoc(), s: 'ETHUSDT' }],
      ctx,
    );
    expect(mapped.records.map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(mapped.rejected).toEqual([{ endpoint: '!ticker@arr|<symbol>@ticker', symbol: 'BAD', reason }]);
  });
});

describe('mapFuturesStreamMark', () => {
  it('maps the USD-M doc example: p mark, i index, r funding, T next funding, E the time', () => {
    expect(mapFuturesStreamMark(ws('markPrice_doc.json'), ctx)).toEqual({
      records: [
        {
          symbol: 'BTCUSDT',
          markPrice: 11794.15,
          indexPrice: 11784.62659091,
          lastFundingRate: 0.00038167,
          nextFundingTime: 1562306400000,
          interestRate: null,
          time: 1562305380000,
        },
      ],
      rejected: [],
    });
  });

  it('delivery contracts ("" funding, T 0, COIN-M doc example) -> nulls; a perpetual keeps its 0 rate', () => {
    const mapped = mapFuturesStreamMark(ws('markPrice_coinm_doc.json'), { ...ctx, captureTime: 1_596_095_726_000 });
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records.map((r) => [r.symbol, r.lastFundingRate, r.nextFundingTime])).toEqual([
      ['BTCUSD_201225', null, null],
      ['BTCUSD_PERP', 0, 1596096000000],
    ]);
  });

  it.each([
    [{ p: '0.00000000' }, 'p (markPrice) must be > 0, got "0.00000000"'],
    [{ i: undefined }, 'i (indexPrice): expected a decimal string, got undefined (field missing)'],
    [{ r: undefined }, 'r (fundingRate): missing'],
    [{ T: '1562306400000' }, 'T (nextFundingTime): expected an integer ms time, got "1562306400000"'],
    [{ E: 1562305380 }, 'E (eventTime): 1562305380 is before 2017-01-01, not a Binance ms time'],
  ])('rejects %j by itself, naming the field', (patch, reason) => {
    const good = ws('markPrice_doc.json') as Record<string, unknown>;
    const mapped = mapFuturesStreamMark([{ ...good, ...patch, s: 'BAD' }, good], ctx);
    expect(mapped.records.map((r) => r.symbol)).toEqual(['BTCUSDT']);
    expect(mapped.rejected).toEqual([{ endpoint: '!markPrice@arr|<symbol>@markPrice', symbol: 'BAD', reason }]);
  });

  it('a payload that is no event at all throws PayloadError', () => {
    expect(payloadErrorOf(() => mapFuturesStreamMark(42, ctx)).reason).toBe(
      'expected a JSON array or object, got 42 (a JSON number)',
    );
  });
});

describe('FuturesStreamState', () => {
  const ticker = mapFuturesStreamTicker(tickerDoc(), ctx).records;
  const mark = mapFuturesStreamMark(ws('markPrice_doc.json'), ctx).records;

  it('reports a symbol as changed only once both parts are held, and only when a part is new', () => {
    const state = new FuturesStreamState();
    expect(state.updateTickers(ticker)).toEqual([]);
    expect(state.records(['BTCUSDT'], mergeCtx)).toEqual({
      records: [],
      rejected: [
        {
          endpoint: '!markPrice@arr|<symbol>@markPrice',
          symbol: 'BTCUSDT',
          reason: 'no markPriceUpdate event held for this symbol',
        },
      ],
    });
    expect(state.updateMarks(mark)).toEqual(['BTCUSDT']);
    expect(state.updateMarks(mark)).toEqual([]); // same values again
    expect(state.updateTickers(ticker)).toEqual([]);
    const later = { ...(mark[0] as (typeof mark)[number]), time: CLOSE + 2_000, markPrice: 11800 };
    expect(state.updateMarks([later])).toEqual(['BTCUSDT']);
    // An older event (a replay after a reconnect) never replaces a newer one.
    expect(state.updateMarks(mark)).toEqual([]);
    expect(state.records(['BTCUSDT'], mergeCtx).records[0]?.markPrice).toBe(11800);
  });

  it('merges like the REST merge: eventTime = newer of C and E (and the held open interest time)', () => {
    const state = new FuturesStreamState();
    state.updateTickers(ticker);
    state.updateMarks(mark);
    const oi: FuturesOpenInterest = mapFuturesOpenInterest(
      { symbol: 'BTCUSDT', openInterest: '10.5', time: CLOSE + 500 },
      ctx,
    );
    const book = new Map([['BTCUSDT', oi]]);
    const mapped = state.records(['BTCUSDT', 'BTCUSDT', 'ETHUSDT'], mergeCtx, book);
    expect(mapped.rejected).toEqual([
      {
        endpoint: '!ticker@arr|<symbol>@ticker',
        symbol: 'ETHUSDT',
        reason: 'no 24hrTicker event held for this symbol',
      },
    ]);
    const [r] = mapped.records;
    expect(r?.eventTime).toBe(CLOSE + 500);
    expect(r?.openInterestValue).toBe(10.5 * 11794.15);
    expect(mapped.records).toHaveLength(1);
    expectContract(TOPICS.futuresTicker, mapped.records);
    const none = state.records(['BTCUSDT'], { ...mergeCtx, instruments: new Map() });
    expect(none.rejected).toEqual([
      { endpoint: '/fapi/v1/exchangeInfo', symbol: 'BTCUSDT', reason: 'not a TRADING symbol in exchangeInfo' },
    ]);
    expect(state.forget(['BTCUSDT', 'XRPUSDT'])).toBe(1);
    expect(state.records(['BTCUSDT'], mergeCtx).records).toEqual([]);
  });
});

describe('REST == stream on the simulator: merged BTCUSDT ticker + mark at the same model second', () => {
  let held: HeldSim;
  let intervals: ReadonlyMap<string, number>;
  beforeAll(async () => {
    held = await startHeldSim();
    intervals = fundingIntervalTable(mapFuturesFundingInfo(await held.rest('/fapi/v1/fundingInfo')).records);
  });
  // The capture's terms: fundingInfo's intervals for both paths; for the streams, whose mark event
  // carries no interestRate, the rates its REST premiumIndex read learnt.
  const restTerms = (): FundingTerms => ({ intervalHours: intervals, interestRate: new Map() });
  const streamTerms = (rest: readonly { symbol: string; interestRate: number | null }[]): FundingTerms => ({
    intervalHours: intervals,
    interestRate: new Map(rest.flatMap((r) => (r.interestRate === null ? [] : [[r.symbol, r.interestRate] as const]))),
  });
  afterAll(() => held.sim.close());

  it.each([0, 7_000, 3_600_000])('clock T0 + %i ms: every price, funding, volume and time equal', async (dt) => {
    held.clock.now += dt;
    const captureTime = held.clock.now;
    const info = mapFuturesExchangeInfo(await held.rest('/fapi/v1/exchangeInfo'), {
      captureTime,
      source: 'binance.futures.rest',
    });
    const oi = mapFuturesOpenInterest(await held.rest('/fapi/v1/openInterest?symbol=BTCUSDT'), {
      captureTime,
      source: 'binance.futures.rest',
    });
    const book = new Map([['BTCUSDT', oi]]);
    const restCtx = {
      captureTime,
      source: 'binance.futures.rest',
      instruments: info.instruments,
      funding: restTerms(),
    };
    const rest = mapFuturesTickers(
      await held.rest('/fapi/v1/ticker/24hr?symbol=BTCUSDT'),
      await held.rest('/fapi/v1/premiumIndex?symbol=BTCUSDT'),
      book,
      restCtx,
    );

    const streamCtx = {
      captureTime: captureTime + 1,
      source: FUTURES_WS_SOURCE,
      instruments: info.instruments,
      funding: streamTerms(rest.records),
    };
    const state = new FuturesStreamState();
    const tickers = mapFuturesStreamTicker(await held.streamData('/market/stream', 'btcusdt@ticker'), streamCtx);
    const marks = mapFuturesStreamMark(await held.streamData('/market/stream', 'btcusdt@markPrice@1s'), streamCtx);
    expect([tickers.rejected, marks.rejected]).toEqual([[], []]);
    state.updateTickers(tickers.records);
    expect(state.updateMarks(marks.records)).toEqual(['BTCUSDT']);
    const stream = state.records(['BTCUSDT'], streamCtx, book);

    expect(rest.rejected).toEqual([]);
    expect(stream.rejected).toEqual([]);
    expect(stream.records).toHaveLength(1);
    const strip = ({ source: _s, captureTime: _c, ...fields }: { source: string; captureTime: number }): object =>
      fields;
    expect(stream.records.map(strip)).toEqual(rest.records.map(strip));
    expect(stream.records[0]?.fundingRate).not.toBeNull();
    expect([stream.records[0]?.fundingIntervalHours, stream.records[0]?.interestRate]).toEqual([8, 0.0001]);
    expectContract(TOPICS.futuresTicker, stream.records);
  });

  it('the all-symbols streams give the REST all-symbols merge for every symbol', async () => {
    const captureTime = held.clock.now;
    const info = mapFuturesExchangeInfo(await held.rest('/fapi/v1/exchangeInfo'), { captureTime, source: 'r' });
    const restCtx = {
      captureTime,
      source: 'binance.futures.rest',
      instruments: info.instruments,
      funding: restTerms(),
    };
    const rest = mapFuturesTickers(
      await held.rest('/fapi/v1/ticker/24hr'),
      await held.rest('/fapi/v1/premiumIndex'),
      new Map(),
      restCtx,
    );
    const streamCtx = { ...restCtx, source: FUTURES_WS_SOURCE, funding: streamTerms(rest.records) };
    const state = new FuturesStreamState();
    state.updateTickers(
      mapFuturesStreamTicker(await held.streamData('/market/stream', '!ticker@arr'), streamCtx).records,
    );
    const changed = state.updateMarks(
      mapFuturesStreamMark(await held.streamData('/market/stream', '!markPrice@arr@1s'), streamCtx).records,
    );
    const stream = state.records(changed, streamCtx);
    expect(stream.records.length).toBeGreaterThan(1);
    expect(stream.records.map((r) => ({ ...r, source: 'binance.futures.rest' }))).toEqual(rest.records);
    expect(stream.rejected).toEqual(rest.rejected);
    const terms = (s: string): unknown[] => {
      const r = stream.records.find((x) => x.symbol === s);
      return [r?.fundingIntervalHours, r?.interestRate];
    };
    expect([terms('XRPUSDT'), terms('ADAUSDT'), terms('ETHUSDT')]).toEqual([
      [1, 0.0000125],
      [4, 0.00005],
      [8, 0.0001],
    ]);
  });
});
