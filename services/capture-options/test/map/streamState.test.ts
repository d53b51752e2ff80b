import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type OptionsChain, TOPICS } from '@marketpipe/contracts';
import {
  OPTIONS_WS_SOURCE,
  type OptionInstrument,
  type OptionOpenInterest,
  OptionsChainState,
  expirationOf,
  keepLatestOptionOpenInterest,
  mapOptionsChains,
  mapOptionsExchangeInfo,
  mapOptionsOpenInterest,
  mapOptionsStreamIndex,
  mapOptionsStreamMark,
  mapOptionsStreamOpenInterest,
  mapOptionsStreamTicker,
} from '../../src/map';
import { expectContract, payloadErrorOf } from '../../../../libs/binance/test/fixtures';
import { type HeldSim, startHeldSim } from '../../../../libs/binance-sim/test/held-sim';

const ws = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ws', name), 'utf8')) as unknown;
const events = (name: string): Record<string, unknown>[] => {
  const x = ws(name);
  return (Array.isArray(x) ? x : [x]) as Record<string, unknown>[];
};

/** 2025-11-25T14:25:08Z: after the newest E of the four doc examples (the ticker's) */
const CAPTURE = 1_764_080_708_000;
const ctx = { captureTime: CAPTURE, source: OPTIONS_WS_SOURCE };

describe('mapOptionsStreamMark on the documented optionMarkPrice payload', () => {
  const mapped = mapOptionsStreamMark(ws('optionMarkPrice_doc.json'), ctx);

  it('maps both events; b "-1.0" and bo "0.000" (no bid) -> null bidIV, bidPrice and bidQty', () => {
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records).toEqual([
      {
        symbol: 'BTC-251120-126000-C',
        markPrice: 770.543,
        markIV: 0.9408058,
        bidIV: null,
        askIV: 0.98161161,
        delta: 0.11111964,
        gamma: 0.00001245,
        theta: -164.26702615,
        vega: 30.63855919,
        bidPrice: null,
        askPrice: 900,
        bidQty: null,
        askQty: 0.2,
        time: 1762867543321,
      },
      {
        symbol: 'BTC-251123-126000-C',
        markPrice: 1249.61,
        markIV: 0.93310237,
        bidIV: 0.92159033,
        askIV: 0.94461441,
        delta: 0.14869196,
        gamma: 0.00001326,
        theta: -172.12148811,
        vega: 43.43627792,
        bidPrice: 1200,
        askPrice: 1300,
        bidQty: 0.3,
        askQty: 0.6,
        time: 1762867543321,
      },
    ]);
  });

  it.each([
    [{ mp: '-1' }, 'mp (markPrice) must be >= 0, got "-1"'],
    [{ vo: undefined }, 'vo (markIV): expected a decimal string, got undefined (field missing)'],
    [{ d: 0.1 }, 'd (delta): expected a decimal string, got 0.1 (a JSON number)'],
    [{ bq: '-0.3' }, 'bq (bidQty) must be >= 0, got "-0.3"'],
    [{ ao: 'abc' }, 'ao (askPrice): expected a decimal string, got "abc"'],
    [{ b: undefined }, 'b (bidIV): missing'],
    [{ E: '1762867543321' }, 'E (eventTime): expected an integer ms time, got "1762867543321"'],
  ])('rejects %j by itself, naming the field; the rest of the array maps', (patch, reason) => {
    const [a, b] = events('optionMarkPrice_doc.json');
    const out = mapOptionsStreamMark([{ ...a, ...patch }, b], ctx);
    expect(out.records.map((r) => r.symbol)).toEqual(['BTC-251123-126000-C']);
    expect(out.rejected).toEqual([{ endpoint: '<underlying>@optionMarkPrice', symbol: 'BTC-251120-126000-C', reason }]);
  });
});

describe('mapOptionsStreamTicker, mapOptionsStreamIndex, mapOptionsStreamOpenInterest on the doc examples', () => {
  it('ticker: c lastPrice, v volume (contracts), E', () => {
    expect(mapOptionsStreamTicker(ws('optionTicker_doc.json'), ctx)).toEqual({
      records: [{ symbol: 'ETH-251226-3000-C', lastPrice: 200, volume: 9, time: 1764080707933 }],
      rejected: [],
    });
    const noTrade = { ...events('optionTicker_doc.json')[0], c: '0.0000', v: '0.0000' };
    expect(mapOptionsStreamTicker([noTrade], ctx).records[0]).toMatchObject({ lastPrice: null, volume: 0 });
  });

  it('index: s underlying, p index, E time', () => {
    expect(mapOptionsStreamIndex(ws('index_doc.json'), ctx)).toEqual({
      records: [
        { underlying: 'ETHUSDT', indexPrice: 3224.51976744, time: 1763092572229 },
        { underlying: 'BTCUSDT', indexPrice: 99102.32326087, time: 1763092572229 },
      ],
      rejected: [],
    });
  });

  it('open interest: array or one object; o contracts, h USDT, E time', () => {
    const expected = {
      records: [
        { symbol: 'ETH-221125-2700-C', openInterest: 1580.87, openInterestUsd: 1912992.178168204, time: 1668759300045 },
      ],
      rejected: [],
    };
    expect(mapOptionsStreamOpenInterest(ws('openInterest_doc.json'), ctx)).toEqual(expected);
    expect(mapOptionsStreamOpenInterest(events('openInterest_doc.json')[0], ctx)).toEqual(expected);
  });

  it.each([
    [
      'ticker',
      () => mapOptionsStreamTicker({ ...events('optionTicker_doc.json')[0], v: '-9' }, ctx),
      'v (volume) must be >= 0, got "-9"',
    ],
    [
      'index',
      () => mapOptionsStreamIndex([{ ...events('index_doc.json')[0], p: '0' }], ctx),
      'p (indexPrice) must be > 0, got "0"',
    ],
    [
      'open interest',
      () => mapOptionsStreamOpenInterest([{ ...events('openInterest_doc.json')[0], h: '' }], ctx),
      'h (openInterestUsd): expected a decimal string, got ""',
    ],
  ])('%s: a bad field rejects that event, naming the field', (_name, run, reason) => {
    const out = run();
    expect(out.records).toEqual([]);
    expect(out.rejected.map((r) => r.reason)).toEqual([reason]);
  });

  it('wrong event type, missing s, a non-object are rejected; a non-payload throws PayloadError', () => {
    const out = mapOptionsStreamIndex(
      [{ e: 'markPrice', s: 'BTCUSDT', p: '1', E: CAPTURE }, { e: 'indexPrice', p: '1' }, null],
      ctx,
    );
    expect(out.rejected).toEqual([
      { endpoint: '!index@arr', symbol: 'BTCUSDT', reason: '[0].e: expected "indexPrice", got "markPrice"' },
      {
        endpoint: '!index@arr',
        symbol: null,
        reason: '[1].s: expected a non-empty string, got undefined (field missing)',
      },
      { endpoint: '!index@arr', symbol: null, reason: '[2]: expected an object, got null' },
    ]);
    expect(payloadErrorOf(() => mapOptionsStreamMark({ code: -1121, msg: 'Invalid symbol.' }, ctx)).reason).toBe(
      'Binance error body -1121: Invalid symbol.',
    );
  });
});

// Hand-made instruments for the doc symbols (the doc examples share no symbol), expiring after the index time.
const EXPIRY = 1_764_144_000_000; // 2025-11-26T08:00:00Z
function instrument(symbol: string, underlying: string): OptionInstrument {
  const [base = '', , strike = '', side = ''] = symbol.split('-');
  return {
    symbol,
    underlying,
    baseAsset: base,
    side: side === 'C' ? 'CALL' : 'PUT',
    strike: Number(strike),
    expiryTime: EXPIRY,
    unit: 1,
    quoteAsset: 'USDT',
    status: 'TRADING',
  };
}

describe('OptionsChainState', () => {
  const instruments = new Map(
    ['BTC-251120-126000-C', 'BTC-251123-126000-C', 'BTC-251123-120000-P'].map((s) => [s, instrument(s, 'BTCUSDT')]),
  );
  const marks = mapOptionsStreamMark(ws('optionMarkPrice_doc.json'), ctx).records;
  const ticker = (symbol: string, lastPrice: string): Record<string, unknown> => ({
    ...events('optionTicker_doc.json')[0],
    s: symbol,
    c: lastPrice,
  });

  it('builds the chain like the REST assembly, with bidQty/askQty from bq/aq and the missing stream named', () => {
    const state = new OptionsChainState();
    expect(state.build('BTCUSDT', instruments, ctx)).toEqual({
      records: [],
      rejected: [{ endpoint: '!index@arr', symbol: 'BTCUSDT', reason: 'no indexPrice event held for this underlying' }],
    });
    expect(state.updateMarks(marks)).toEqual(['BTC-251120-126000-C', 'BTC-251123-126000-C']);
    expect(state.updateMarks(marks)).toEqual([]);
    expect(state.updateIndexes(mapOptionsStreamIndex(ws('index_doc.json'), ctx).records)).toEqual([
      'ETHUSDT',
      'BTCUSDT',
    ]);
    const tickers = mapOptionsStreamTicker(
      [ticker('BTC-251123-126000-C', '1250'), ticker('BTC-251123-120000-P', '0')],
      ctx,
    );
    expect(state.updateTickers(tickers.records)).toEqual(['BTC-251123-126000-C', 'BTC-251123-120000-P']);
    const oi = mapOptionsStreamOpenInterest(
      [{ ...events('openInterest_doc.json')[0], s: 'BTC-251123-126000-C', E: CAPTURE - 5 }],
      ctx,
    );
    expect(state.updateOpenInterest(oi.records)).toEqual(['BTC-251123-126000-C']);

    const built = state.build('BTCUSDT', instruments, ctx);
    expect(built.rejected).toEqual([
      {
        endpoint: '<underlying>@optionMarkPrice',
        symbol: 'BTC-251123-120000-P',
        reason: 'no markPrice event held for this symbol',
      },
      {
        endpoint: '<symbol>@optionTicker',
        symbol: 'BTC-251120-126000-C',
        reason: 'no 24hrTicker event held for this symbol',
      },
    ]);
    const [chain] = built.records;
    expect(chain).toMatchObject({
      underlying: 'BTCUSDT',
      eventTime: 1763092572229,
      indexPrice: 99102.32326087,
      source: 'binance.options.ws',
    });
    expect(chain?.contracts).toEqual([
      {
        symbol: 'BTC-251123-126000-C',
        side: 'CALL',
        strike: 126000,
        expiryTime: EXPIRY,
        unit: 1,
        bidPrice: 1200,
        askPrice: 1300,
        bidQty: 0.3,
        askQty: 0.6,
        markPrice: 1249.61,
        lastPrice: 1250,
        volume: 9,
        openInterest: 1580.87,
        openInterestUsd: 1912992.178168204,
        markIV: 0.93310237,
        bidIV: 0.92159033,
        askIV: 0.94461441,
        delta: 0.14869196,
        gamma: 0.00001326,
        theta: -172.12148811,
        vega: 43.43627792,
      },
    ]);
    expectContract(TOPICS.optionsChain, built.records);
    // The same checked values through the REST assembly give the same chain, bidQty/askQty aside.
    const restBodies = {
      ticker: [
        {
          symbol: 'BTC-251123-126000-C',
          bidPrice: '1200.000',
          askPrice: '1300.000',
          lastPrice: '1250',
          volume: '9.0000',
        },
      ],
      mark: [
        {
          symbol: 'BTC-251123-126000-C',
          markPrice: '1249.61',
          markIV: '0.93310237',
          bidIV: '0.92159033',
          askIV: '0.94461441',
          delta: '0.14869196',
          gamma: '0.00001326',
          theta: '-172.12148811',
          vega: '43.43627792',
        },
      ],
      indexes: [{ underlying: 'BTCUSDT', body: { time: 1763092572229, indexPrice: '99102.32326087' } }],
    };
    const rest = mapOptionsChains(restBodies, new Map(oi.records.map((o) => [o.symbol, o])), { ...ctx, instruments });
    expect(withoutQuantities(built.records)).toEqual(withoutQuantities(rest.records));
  });

  it('ignores events older than the held ones; forget() drops a contract', () => {
    const state = new OptionsChainState();
    state.updateMarks(marks);
    const older = { ...(marks[1] as (typeof marks)[number]), time: 1, markPrice: 1 };
    expect(state.updateMarks([older])).toEqual([]);
    expect(state.forget(['BTC-251123-126000-C', 'NOPE'])).toBe(1);
  });
});

/** Chains with bidQty/askQty cleared: the only contract fields the stream fills and REST cannot. */
function withoutQuantities(chains: readonly OptionsChain[]): unknown[] {
  return chains.map(({ source: _s, captureTime: _c, ...chain }) => ({
    ...chain,
    contracts: chain.contracts.map((c) => ({ ...c, bidQty: null, askQty: null })),
  }));
}

describe('REST == stream on the simulator: the BTCUSDT chain (all contracts) at the same model second', () => {
  let held: HeldSim;
  beforeAll(async () => {
    held = await startHeldSim();
  });
  afterAll(() => held.sim.close());

  it.each([0, 7_000])(
    'clock T0 + %i ms: every price, IV, greek, volume, OI and time equal; only source, captureTime and the stream-only bidQty/askQty differ',
    async (dt) => {
      held.clock.now += dt;
      const captureTime = held.clock.now;
      const restCtx = { captureTime, source: 'binance.options.rest' };
      const info = mapOptionsExchangeInfo(await held.rest('/eapi/v1/exchangeInfo'), restCtx);
      const instruments = info.instruments;
      const expirations = [
        ...new Set(
          [...instruments.values()].filter((i) => i.underlying === 'BTCUSDT').map((i) => expirationOf(i.expiryTime)),
        ),
      ].sort();
      expect(expirations.length).toBeGreaterThan(0);

      const book = new Map<string, OptionOpenInterest>();
      for (const exp of expirations) {
        const rows = mapOptionsOpenInterest(
          await held.rest(`/eapi/v1/openInterest?underlyingAsset=BTC&expiration=${exp}`),
          restCtx,
        );
        expect(rows.rejected).toEqual([]);
        keepLatestOptionOpenInterest(book, rows.records);
      }
      const rest = mapOptionsChains(
        {
          ticker: await held.rest('/eapi/v1/ticker'),
          mark: await held.rest('/eapi/v1/mark'),
          indexes: [{ underlying: 'BTCUSDT', body: await held.rest('/eapi/v1/index?underlying=BTCUSDT') }],
        },
        book,
        { ...restCtx, instruments },
      );

      const streamCtx = { captureTime: captureTime + 1, source: OPTIONS_WS_SOURCE };
      const state = new OptionsChainState();
      const checked = <T>(m: { records: T[]; rejected: unknown[] }): T[] => {
        expect(m.rejected).toEqual([]);
        return m.records;
      };
      state.updateMarks(
        checked(mapOptionsStreamMark(await held.streamData('/market/stream', 'btcusdt@optionMarkPrice'), streamCtx)),
      );
      state.updateIndexes(
        checked(mapOptionsStreamIndex(await held.streamData('/market/stream', '!index@arr'), streamCtx)),
      );
      for (const exp of expirations) {
        state.updateTickers(
          checked(
            mapOptionsStreamTicker(await held.streamData('/public/stream', `btcusdt@optionTicker@${exp}`), streamCtx),
          ),
        );
        state.updateOpenInterest(
          checked(
            mapOptionsStreamOpenInterest(
              await held.streamData('/market/stream', `btcusdt@optionOpenInterest@${exp}`),
              streamCtx,
            ),
          ),
        );
      }
      const stream = state.build('BTCUSDT', instruments, streamCtx);

      expect(rest.rejected).toEqual([]);
      expect(stream.rejected).toEqual([]);
      expect(stream.records).toHaveLength(1);
      const chain = stream.records[0] as OptionsChain;
      expect(chain.contracts.length).toBe([...instruments.values()].filter((i) => i.underlying === 'BTCUSDT').length);
      expect(chain.contracts.every((c) => c.openInterest !== null)).toBe(true);
      expect(withoutQuantities(stream.records)).toEqual(
        withoutQuantities(rest.records.filter((r) => r.underlying === 'BTCUSDT')),
      );
      // The quantities the stream adds: present exactly where the side has a quote.
      for (const c of chain.contracts) {
        expect(c.bidQty === null).toBe(c.bidPrice === null);
        expect(c.askQty === null).toBe(c.askPrice === null);
      }
      expectContract(TOPICS.optionsChain, stream.records);
    },
  );
});
