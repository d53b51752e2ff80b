// Stream payloads: keys and JSON types per BINANCE_API.md §6, and equality with the REST answer
// at the same model second (spot ticker and klines, USD-M premiumIndex and ticker, options mark,
// ticker, index and open interest).

import { DECIMAL, startTestSim, T0, type TestSim } from './helpers';
import { connect, isObject, onStream, type Rec, sleep, type WsClient } from './ws-helpers';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim({ ws: { tickMs: 100, openInterestIntervalMs: 1000 } });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.clock.now = T0;
});

const t0 = Math.floor(T0 / 1000) * 1000;

/** Keys in order, each "int", "bool" (listed in `bools`) or "str" (a decimal string unless listed in `text`). */
function expectShape(x: unknown, keys: string, ints: string, text = 'e s', bools = ''): void {
  if (!isObject(x)) throw new Error('not an object');
  expect(Object.keys(x)).toEqual(keys.split(' '));
  const intKeys = new Set(ints.split(' '));
  const textKeys = new Set(text.split(' '));
  const boolKeys = new Set(bools.split(' '));
  for (const [k, v] of Object.entries(x)) {
    if (intKeys.has(k)) expect(Number.isInteger(v)).toBe(true);
    else if (boolKeys.has(k)) expect(typeof v).toBe('boolean');
    else {
      expect(typeof v).toBe('string');
      if (!textKeys.has(k)) expect(v).toMatch(DECIMAL);
    }
  }
}

const SPOT_TICKER = 'e E s p P w x c Q b B a A o h l v q O C F L n';
const MINI = 'e E s c o h l v q';
const FUT_TICKER = 'e E s p P w c Q o h l v q O C F L n';
const MARK = 'e E s p i P r T';
const OPT_MARK = 'e E s mp i P bo ao bq aq b a hl ll vo rf d t g v';

async function data<T>(c: WsClient, stream: string, pred: (d: T) => boolean = () => true): Promise<T> {
  const f = await c.next<{ data: T }>((x) => onStream(stream)(x) && pred((x as { data: T }).data));
  return f.data;
}

async function optionSymbol(): Promise<{ symbol: string; expiry: string }> {
  const info = await sim.json<{ optionSymbols: { symbol: string; underlying: string }[] }>('/eapi/v1/exchangeInfo');
  const s = info.optionSymbols.find((o) => o.underlying === 'BTCUSDT') as { symbol: string };
  return { symbol: s.symbol, expiry: s.symbol.split('-')[1] as string };
}

describe('spot streams', () => {
  let c: WsClient;
  beforeAll(async () => {
    c = await connect(`${sim.wsUrl}/stream?streams=btcusdt@ticker/btcusdt@miniTicker/!miniTicker@arr`);
  });
  afterAll(() => c.close());

  it('<symbol>@ticker: the 24hrTicker keys and types, and the REST ticker of the same second', async () => {
    const d = await data<Rec>(c, 'btcusdt@ticker');
    expectShape(d, SPOT_TICKER, 'E O C F L n');
    expect(d.e).toBe('24hrTicker');
    expect(d.E).toBe(t0);
    const r = await sim.json<Rec>('/api/v3/ticker/24hr?symbol=BTCUSDT');
    const pairs: [string, string][] = [
      ['s', 'symbol'],
      ['p', 'priceChange'],
      ['P', 'priceChangePercent'],
      ['w', 'weightedAvgPrice'],
      ['x', 'prevClosePrice'],
      ['c', 'lastPrice'],
      ['Q', 'lastQty'],
      ['b', 'bidPrice'],
      ['B', 'bidQty'],
      ['a', 'askPrice'],
      ['A', 'askQty'],
      ['o', 'openPrice'],
      ['h', 'highPrice'],
      ['l', 'lowPrice'],
      ['v', 'volume'],
      ['q', 'quoteVolume'],
      ['O', 'openTime'],
      ['C', 'closeTime'],
      ['F', 'firstId'],
      ['L', 'lastId'],
      ['n', 'count'],
    ];
    for (const [ws, rest] of pairs) expect([ws, d[ws]]).toEqual([ws, r[rest]]);
  });

  it('follows the model clock: E is the model second whose state is pushed', async () => {
    sim.clock.now = T0 + 7_000;
    const d = await data<Rec>(c, 'btcusdt@ticker', (x) => x.E === t0 + 7_000);
    const r = await sim.json<Rec>('/api/v3/ticker/24hr?symbol=BTCUSDT');
    expect([d.c, d.b, d.a, d.v, d.C]).toEqual([r.lastPrice, r.bidPrice, r.askPrice, r.volume, r.closeTime]);
  });

  it('<symbol>@miniTicker and !miniTicker@arr: the mini keys, every symbol in the first frame', async () => {
    const one = await data<Rec>(c, 'btcusdt@miniTicker');
    expectShape(one, MINI, 'E');
    expect(one.e).toBe('24hrMiniTicker');
    const arr = await data<Rec[]>(c, '!miniTicker@arr');
    for (const x of arr) expectShape(x, MINI, 'E');
    const rest = await sim.json<Rec[]>('/api/v3/ticker/24hr?type=MINI');
    expect(arr.map((x) => x.s)).toEqual(rest.map((x) => x.symbol));
    const btc = arr.find((x) => x.s === 'BTCUSDT') as Rec;
    const r = rest.find((x) => x.symbol === 'BTCUSDT') as Rec;
    expect([btc.c, btc.o, btc.h, btc.l, btc.v, btc.q]).toEqual([
      r.lastPrice,
      r.openPrice,
      r.highPrice,
      r.lowPrice,
      r.volume,
      r.quoteVolume,
    ]);
  });

  it('!miniTicker@arr sends only changed symbols: nothing while the model clock stands still', async () => {
    const frozen = await connect(`${sim.wsUrl}/stream?streams=!miniTicker@arr`);
    await frozen.next(onStream('!miniTicker@arr'));
    frozen.mark();
    await expect(frozen.next(onStream('!miniTicker@arr'), 500)).rejects.toThrow('no matching frame');
    await frozen.close();
  });

  it('a raw /ws connection gets bare payloads', async () => {
    const raw = await connect(`${sim.wsUrl}/ws/ethusdt@ticker`);
    const d = await raw.next<Rec>();
    expectShape(d, SPOT_TICKER, 'E O C F L n');
    expect(d.s).toBe('ETHUSDT');
    await raw.close();
  });
});

describe('spot kline streams', () => {
  const MINUTE = 60_000;
  const KLINE = 't T s i f L o c h l v n x q V Q B';
  type Kline = [number, string, string, string, string, string, number, string, number, string, string, string];
  type KlineEvent = Rec & { k: Rec };
  const isKline = (name: string) => (f: unknown) => onStream(name)(f);
  const kOf = (f: unknown): Rec => (f as { data: KlineEvent }).data.k;
  /** The stream's k as the REST row it must equal: [t, o, h, l, c, v, T, q, n, V, Q, B]. */
  const asRow = (k: Rec): unknown[] => [k.t, k.o, k.h, k.l, k.c, k.v, k.T, k.q, k.n, k.V, k.Q, k.B];

  let c: WsClient;
  beforeAll(async () => {
    c = await connect(`${sim.wsUrl}/stream?streams=btcusdt@kline_1m/btcusdt@kline_1s/btcusdt@ticker`);
  });
  afterAll(() => c.close());

  it.each(['1m', '1s'])(
    '<symbol>@kline_%s: the kline keys and types, the /api/v3/klines candle of the same second',
    async (interval) => {
      const d = await data<KlineEvent>(c, `btcusdt@kline_${interval}`);
      expect(Object.keys(d)).toEqual(['e', 'E', 's', 'k']);
      expect([d.e, d.E, d.s]).toEqual(['kline', t0, 'BTCUSDT']);
      expectShape(d.k, KLINE, 't T f L n', 's i', 'x');
      expect([d.k.s, d.k.i, d.k.x]).toEqual(['BTCUSDT', interval, false]);
      const rest = await sim.json<Kline[]>(`/api/v3/klines?symbol=BTCUSDT&interval=${interval}&limit=1`);
      expect(asRow(d.k)).toEqual(rest[0]);
      expect(d.k.t).toBe(interval === '1m' ? Math.floor(t0 / MINUTE) * MINUTE : t0);
    },
  );

  it('trade ids as the ticker numbers them: L = its lastId at the same second, f = L - n + 1', async () => {
    const k = (await data<KlineEvent>(c, 'btcusdt@kline_1m')).k;
    const ticker = await data<Rec>(c, 'btcusdt@ticker');
    expect(ticker.E).toBe(t0);
    expect(k.L).toBe(ticker.L);
    expect(k.f).toBe(Number(k.L) - Number(k.n) + 1);
  });

  it('cadences: @kline_1s every tick, @kline_1m every 2 ticks', async () => {
    const start = c.frames.length;
    await sleep(1250); // 12 ticks of 100 ms
    const since = c.frames.slice(start);
    const count = (s: string): number => since.filter(onStream(s)).length;
    expect(count('btcusdt@kline_1s')).toBeGreaterThanOrEqual(10);
    expect(count('btcusdt@kline_1m')).toBeGreaterThanOrEqual(5);
    expect(count('btcusdt@kline_1m')).toBeLessThanOrEqual(7);
  });

  it('a held clock never closes a candle: every frame is x false', () => {
    for (const name of ['btcusdt@kline_1m', 'btcusdt@kline_1s']) {
      const frames = c.frames.filter(isKline(name));
      expect(frames.length).toBeGreaterThan(5);
      expect(frames.every((f) => kOf(f).x === false)).toBe(true);
    }
  });

  it("across a minute boundary: one x true frame with REST's closed candle, then the new candle's", async () => {
    const k = await connect(`${sim.wsUrl}/stream?streams=btcusdt@kline_1m`);
    const old = Math.floor(t0 / MINUTE) * MINUTE;
    const next = old + MINUTE;
    await k.next(isKline('btcusdt@kline_1m'));
    const start = k.frames.length;
    sim.clock.now = next + 5_250;
    const frames = (): Rec[] => k.frames.slice(start).filter(isKline('btcusdt@kline_1m')).map(kOf);
    const deadline = Date.now() + 3000;
    while (frames().filter((f) => f.t === next).length < 3 && Date.now() < deadline) await sleep(20);
    await k.close();
    const seen = frames();
    const closed = seen.filter((f) => f.x === true);
    expect(closed).toHaveLength(1);
    const at = seen.indexOf(closed[0] as Rec);
    // Before it only updates of the old candle, after it at least three of the new one.
    expect(seen.slice(0, at).every((f) => f.t === old && f.x === false)).toBe(true);
    expect(seen.slice(at + 1).every((f) => f.t === next && f.x === false)).toBe(true);
    expect(seen.length - at - 1).toBeGreaterThanOrEqual(3);
    const rest = await sim.json<Kline[]>(`/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${old}&limit=2`);
    expect(asRow(closed[0] as Rec)).toEqual(rest[0]);
    expect(closed[0]?.T).toBe(next - 1);
    // The new candle's frames are REST's open candle at the moved clock.
    expect(asRow(seen[seen.length - 1] as Rec)).toEqual(rest[1]);
  });

  it('an unknown interval is an invalid stream name', async () => {
    const k = await connect(`${sim.wsUrl}/ws`);
    k.send({ method: 'SUBSCRIBE', params: ['btcusdt@kline_2m'], id: 1 });
    expect(await k.reply(1)).toEqual({ error: { code: 2, msg: 'Invalid request: invalid stream' }, id: 1 });
    k.send({ method: 'SUBSCRIBE', params: ['btcusdt@kline_1w', 'btcusdt@kline_1M'], id: 2 });
    expect(await k.reply(2)).toEqual({ result: null, id: 2 });
    await k.close();
  });
});

describe('USD-M streams on /market', () => {
  let c: WsClient;
  beforeAll(async () => {
    c = await connect(
      `${sim.wsUrl}/market/stream?streams=!ticker@arr/btcusdt@ticker/!markPrice@arr/!markPrice@arr@1s/btcusdt@markPrice/ethusdt@markPrice@1s`,
    );
  });
  afterAll(() => c.close());

  it('markPrice streams carry premiumIndex values of the same second', async () => {
    const rest = await sim.json<Rec[]>('/fapi/v1/premiumIndex');
    const check = (x: Rec): void => {
      expectShape(x, MARK, 'E T');
      expect(x.e).toBe('markPriceUpdate');
      const r = rest.find((y) => y.symbol === x.s) as Rec;
      expect([x.p, x.i, x.P, x.r, x.T, x.E]).toEqual([
        r.markPrice,
        r.indexPrice,
        r.estimatedSettlePrice,
        r.lastFundingRate,
        r.nextFundingTime,
        r.time,
      ]);
    };
    for (const name of ['!markPrice@arr', '!markPrice@arr@1s']) {
      const arr = await data<Rec[]>(c, name);
      expect(arr.map((x) => x.s)).toEqual(rest.map((x) => x.symbol));
      arr.forEach(check);
    }
    check(await data<Rec>(c, 'btcusdt@markPrice'));
    check(await data<Rec>(c, 'ethusdt@markPrice@1s'));
  });

  it('tickers carry the REST 24hr ticker values', async () => {
    const rest = await sim.json<Rec[]>('/fapi/v1/ticker/24hr');
    const arr = await data<Rec[]>(c, '!ticker@arr');
    expect(arr.map((x) => x.s)).toEqual(rest.map((x) => x.symbol));
    const one = await data<Rec>(c, 'btcusdt@ticker');
    for (const x of [...arr, one]) {
      expectShape(x, FUT_TICKER, 'E O C F L n');
      const r = rest.find((y) => y.symbol === x.s) as Rec;
      expect([x.p, x.P, x.w, x.c, x.Q, x.o, x.h, x.l, x.v, x.q, x.O, x.C, x.F, x.L, x.n]).toEqual([
        r.priceChange,
        r.priceChangePercent,
        r.weightedAvgPrice,
        r.lastPrice,
        r.lastQty,
        r.openPrice,
        r.highPrice,
        r.lowPrice,
        r.volume,
        r.quoteVolume,
        r.openTime,
        r.closeTime,
        r.firstId,
        r.lastId,
        r.count,
      ]);
    }
  });

  it('cadences: @markPrice every 3 s, @markPrice@1s every 1 s, <symbol>@ticker every 2 s (in ticks)', async () => {
    const start = c.frames.length;
    await new Promise((r) => setTimeout(r, 1250)); // 12 ticks of 100 ms
    const since = c.frames.slice(start);
    const count = (s: string): number => since.filter(onStream(s)).length;
    expect(count('ethusdt@markPrice@1s')).toBeGreaterThanOrEqual(10);
    expect(count('btcusdt@ticker')).toBeGreaterThanOrEqual(5);
    expect(count('btcusdt@ticker')).toBeLessThanOrEqual(7);
    expect(count('btcusdt@markPrice')).toBeGreaterThanOrEqual(3);
    expect(count('btcusdt@markPrice')).toBeLessThanOrEqual(5);
  });
});

describe('options streams', () => {
  it('<underlying>@optionMarkPrice: the mark keys, REST /eapi/v1/mark and /ticker values', async () => {
    const c = await connect(`${sim.wsUrl}/market/stream?streams=btcusdt@optionMarkPrice`);
    const arr = await data<Rec[]>(c, 'btcusdt@optionMarkPrice');
    const marks = await sim.json<Rec[]>('/eapi/v1/mark');
    const tickers = await sim.json<Rec[]>('/eapi/v1/ticker');
    const index = await sim.json<Rec>('/eapi/v1/index?underlying=BTCUSDT');
    expect(arr.map((x) => x.s)).toEqual(marks.map((m) => m.symbol as string).filter((s) => s.startsWith('BTC-')));
    for (const x of arr) {
      expectShape(x, OPT_MARK, 'E');
      expect(x.e).toBe('markPrice');
      const m = marks.find((y) => y.symbol === x.s) as Rec;
      const tk = tickers.find((y) => y.symbol === x.s) as Rec;
      expect([x.mp, x.b, x.a, x.vo, x.d, x.t, x.g, x.v, x.hl, x.ll, x.rf]).toEqual([
        m.markPrice,
        m.bidIV,
        m.askIV,
        m.markIV,
        m.delta,
        m.theta,
        m.gamma,
        m.vega,
        m.highPriceLimit,
        m.lowPriceLimit,
        m.riskFreeInterest,
      ]);
      expect([x.bo, x.ao, x.i]).toEqual([tk.bidPrice, tk.askPrice, index.indexPrice]);
    }
    await c.close();
  });

  it('optionTicker by symbol and by underlying+expiry on /public, with the REST ticker values', async () => {
    const { symbol, expiry } = await optionSymbol();
    const one = `${symbol.toLowerCase()}@optionTicker`;
    const byExpiry = `btcusdt@optionTicker@${expiry}`;
    const c = await connect(`${sim.wsUrl}/public/stream?streams=${one}/${byExpiry}`);
    const rest = await sim.json<Rec[]>('/eapi/v1/ticker');
    const single = await data<Rec>(c, one);
    const arr = await data<Rec[]>(c, byExpiry);
    expect(arr.map((x) => x.s)).toEqual(
      rest.map((r) => r.symbol as string).filter((s) => s.startsWith(`BTC-${expiry}-`)),
    );
    for (const x of [single, ...arr]) {
      expectShape(x, FUT_TICKER, 'E O C F L n');
      const r = rest.find((y) => y.symbol === x.s) as Rec;
      expect([x.p, x.P, x.c, x.Q, x.o, x.h, x.l, x.v, x.q, x.O, x.C, x.F, x.n]).toEqual([
        r.priceChange,
        r.priceChangePercent,
        r.lastPrice,
        r.lastQty,
        r.open,
        r.high,
        r.low,
        r.volume,
        r.amount,
        r.openTime,
        r.closeTime,
        r.firstTradeId,
        r.tradeCount,
      ]);
    }
    await c.close();
  });

  it('!index@arr and open interest (both spellings) carry /eapi/v1/index and /openInterest values', async () => {
    const { expiry } = await optionSymbol();
    const names = [`btcusdt@openInterest@${expiry}`, `btc@optionOpenInterest@${expiry}`];
    const c = await connect(`${sim.wsUrl}/market/stream?streams=!index@arr/${names.join('/')}`);
    const idx = await data<Rec[]>(c, '!index@arr');
    expect(idx.map((x) => x.s)).toEqual(['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT']);
    for (const x of idx) {
      expectShape(x, 'e E s p', 'E');
      const r = await sim.json<Rec>(`/eapi/v1/index?underlying=${String(x.s)}`);
      expect(x.p).toBe(r.indexPrice);
    }
    const rest = await sim.json<Rec[]>(`/eapi/v1/openInterest?underlyingAsset=BTC&expiration=${expiry}`);
    for (const name of names) {
      const oi = await data<Rec[]>(c, name);
      expect(oi.map((x) => x.s)).toEqual(rest.map((r) => r.symbol));
      for (const x of oi) {
        expectShape(x, 'e E s o h', 'E');
        const r = rest.find((y) => y.symbol === x.s) as Rec;
        expect([x.o, x.h]).toEqual([r.sumOpenInterest, r.sumOpenInterestUsd]);
      }
    }
    await c.close();
  });
});
