// The market model hangs together: tickers are exact aggregates of the 1-minute klines, candles of
// every interval aggregate the 1-minute ones, the open candle closes into the recorded one,
// futures track the index, option marks are Black-Scholes of the published IV.

import {
  blackScholesGreeks,
  blackScholesPrice,
  realizedVolatility,
  volSurface,
  type ChainContract,
} from '@marketpipe/quant';
import { e8, startTestSim, type TestSim } from './helpers';

type Kline = [number, string, string, string, string, string, number, string, number, string, string, string];

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim();
});
afterAll(() => sim.close());

const MINUTE = 60_000;
const max = (xs: string[]): string => xs.reduce((a, b) => (e8(b) > e8(a) ? b : a));
const min = (xs: string[]): string => xs.reduce((a, b) => (e8(b) < e8(a) ? b : a));
const sum = (xs: string[]): bigint => xs.reduce((a, b) => a + e8(b), 0n);

/** The last 1440 one-minute spot klines (two requests: spot serves at most 1000). */
async function lastDaySpot(symbol: string): Promise<Kline[]> {
  const recent = await sim.json<Kline[]>(`/api/v3/klines?symbol=${symbol}&interval=1m&limit=1000`);
  const older = await sim.json<Kline[]>(
    `/api/v3/klines?symbol=${symbol}&interval=1m&limit=440&endTime=${(recent[0] as Kline)[0] - 1}`,
  );
  return [...older, ...recent];
}

describe('spot ticker/24hr against the 1-minute klines', () => {
  it.each(['BTCUSDT', 'XRPUSDT'])(
    '%s: open, high, low, last, volumes and count are the exact aggregates',
    async (symbol) => {
      const t = await sim.json<Record<string, string | number>>(`/api/v3/ticker/24hr?symbol=${symbol}`);
      const k = await lastDaySpot(symbol);
      expect(k).toHaveLength(1440);
      expect(k[0]?.[0]).toBe(Math.floor(sim.clock.now / MINUTE) * MINUTE - 1439 * MINUTE);
      expect(t.openPrice).toBe(k[0]?.[1]);
      expect(t.prevClosePrice).toBe(t.openPrice);
      expect(t.highPrice).toBe(max(k.map((c) => c[2])));
      expect(t.lowPrice).toBe(min(k.map((c) => c[3])));
      expect(t.lastPrice).toBe(k[1439]?.[4]);
      expect(e8(String(t.volume))).toBe(sum(k.map((c) => c[5])));
      expect(e8(String(t.quoteVolume))).toBe(sum(k.map((c) => c[7])));
      expect(t.count).toBe(k.reduce((a, c) => a + c[8], 0));
      expect(Number(t.lastId) - Number(t.firstId) + 1).toBe(t.count);
      expect(e8(String(t.priceChange))).toBe(e8(String(t.lastPrice)) - e8(String(t.openPrice)));
      expect(Number(t.weightedAvgPrice)).toBeCloseTo(Number(t.quoteVolume) / Number(t.volume), 4);
      expect(Number(t.weightedAvgPrice)).toBeGreaterThanOrEqual(Number(t.lowPrice));
      expect(Number(t.weightedAvgPrice)).toBeLessThanOrEqual(Number(t.highPrice));
      expect(t.closeTime).toBe(Math.floor(sim.clock.now / 1000) * 1000);
      expect(t.openTime).toBe(Number(t.closeTime) - 86_400_000);
      // bid at the last price, ask a tick or two above, as on a liquid book
      expect(t.bidPrice).toBe(t.lastPrice);
      expect(e8(String(t.askPrice))).toBeGreaterThan(e8(String(t.bidPrice)));
    },
  );

  it('ticker/price and bookTicker agree with the ticker', async () => {
    const t = await sim.json<Record<string, string>>('/api/v3/ticker/24hr?symbol=ETHUSDT');
    expect((await sim.json<Record<string, string>>('/api/v3/ticker/price?symbol=ETHUSDT')).price).toBe(t.lastPrice);
    const book = await sim.json<Record<string, string>>('/api/v3/ticker/bookTicker?symbol=ETHUSDT');
    expect([book.bidPrice, book.askPrice, book.bidQty, book.askQty]).toEqual([
      t.bidPrice,
      t.askPrice,
      t.bidQty,
      t.askQty,
    ]);
  });
});

describe('klines', () => {
  it('futures ticker/24hr equals the last 1440 one-minute futures klines (one request, limit 1500)', async () => {
    const t = await sim.json<Record<string, string | number>>('/fapi/v1/ticker/24hr?symbol=SOLUSDT');
    const k = await sim.json<Kline[]>('/fapi/v1/klines?symbol=SOLUSDT&interval=1m&limit=1440');
    expect(t.openTime).toBe(k[0]?.[0]);
    expect([t.openPrice, t.highPrice, t.lowPrice, t.lastPrice]).toEqual([
      k[0]?.[1],
      max(k.map((c) => c[2])),
      min(k.map((c) => c[3])),
      k[1439]?.[4],
    ]);
    expect(e8(String(t.volume))).toBe(sum(k.map((c) => c[5])));
    expect(e8(String(t.quoteVolume))).toBe(sum(k.map((c) => c[7])));
    expect(t.count).toBe(k.reduce((a, c) => a + c[8], 0));
  });

  it.each(['5m', '15m', '1h', '4h'])('%s candles aggregate the 1-minute candles they span', async (interval) => {
    const big = await sim.json<Kline[]>(`/api/v3/klines?symbol=BNBUSDT&interval=${interval}&limit=3`);
    for (const c of big) {
      const n = (c[6] + 1 - c[0]) / MINUTE;
      const ones = await sim.json<Kline[]>(`/api/v3/klines?symbol=BNBUSDT&interval=1m&startTime=${c[0]}&limit=${n}`);
      const live = c[6] > sim.clock.now;
      expect(ones.length).toBe(live ? Math.floor((sim.clock.now - c[0]) / MINUTE) + 1 : n);
      expect(c[1]).toBe(ones[0]?.[1]);
      expect(c[2]).toBe(max(ones.map((o) => o[2])));
      expect(c[3]).toBe(min(ones.map((o) => o[3])));
      expect(c[4]).toBe(ones[ones.length - 1]?.[4]);
      expect(e8(c[5])).toBe(sum(ones.map((o) => o[5])));
      expect(e8(c[7])).toBe(sum(ones.map((o) => o[7])));
      expect(c[8]).toBe(ones.reduce((a, o) => a + o[8], 0));
      expect(e8(c[9])).toBe(sum(ones.map((o) => o[9])));
    }
  });

  it('spot 1s candles slice their minute: volume, trades, taker volume sum to it, OHLC span it', async () => {
    const minute = Math.floor(sim.clock.now / MINUTE) * MINUTE - 2 * MINUTE;
    const [one] = await sim.json<Kline[]>(`/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime=${minute}&limit=1`);
    const secs = await sim.json<Kline[]>(`/api/v3/klines?symbol=ETHUSDT&interval=1s&startTime=${minute}&limit=60`);
    if (!one) throw new Error('no 1m candle');
    expect(secs.map((s) => s[0])).toEqual(Array.from({ length: 60 }, (_, i) => minute + i * 1000));
    for (let i = 0; i < 60; i++) {
      const s = secs[i] as Kline;
      expect(s[6]).toBe(s[0] + 999);
      expect(s[1]).toBe(i === 0 ? one[1] : secs[i - 1]?.[4]); // open = previous close
      expect(e8(s[2]) >= e8(max([s[1], s[4]])) && e8(s[3]) <= e8(min([s[1], s[4]]))).toBe(true);
      for (const v of [s[5], s[7], s[9], s[10]]) expect(e8(v)).toBeGreaterThanOrEqual(0n);
    }
    expect([one[1], one[2], one[3], one[4]]).toEqual([
      secs[0]?.[1],
      max(secs.map((s) => s[2])),
      min(secs.map((s) => s[3])),
      secs[59]?.[4],
    ]);
    expect(e8(one[5])).toBe(sum(secs.map((s) => s[5])));
    expect(one[8]).toBe(secs.reduce((a, s) => a + s[8], 0));
    expect(e8(one[9])).toBe(sum(secs.map((s) => s[9])));
    // Quote volumes are each second's own volume × mean price: close to the minute's, not equal.
    expect(Number(sum(secs.map((s) => s[7]))) / Number(e8(one[7]))).toBeCloseTo(1, 2);
  });

  it('daily candles aggregate hourly ones; weekly start on Monday; monthly on the 1st', async () => {
    // 3 months of 1-minute candles are generated here on first use
    const days = await sim.json<Kline[]>('/api/v3/klines?symbol=ADAUSDT&interval=1d&limit=2');
    const day = days[0] as Kline;
    const hours = await sim.json<Kline[]>(`/api/v3/klines?symbol=ADAUSDT&interval=1h&startTime=${day[0]}&limit=24`);
    expect(hours).toHaveLength(24);
    expect([day[1], day[2], day[3], day[4]]).toEqual([
      hours[0]?.[1],
      max(hours.map((h) => h[2])),
      min(hours.map((h) => h[3])),
      hours[23]?.[4],
    ]);
    expect(e8(day[5])).toBe(sum(hours.map((h) => h[5])));
    const weeks = await sim.json<Kline[]>('/api/v3/klines?symbol=ADAUSDT&interval=1w&limit=3');
    for (const w of weeks) expect(new Date(w[0]).getUTCDay()).toBe(1);
    const months = await sim.json<Kline[]>('/api/v3/klines?symbol=ADAUSDT&interval=1M&limit=3');
    for (const m of months) expect(new Date(m[0]).getUTCDate()).toBe(1);
    expect(new Date((months[2] as Kline)[6] + 1).getUTCDate()).toBe(1);
  }, 30_000);

  it('the newest candle is open: it contains now and closes in the future; candles are contiguous', async () => {
    const k = await sim.json<Kline[]>('/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5');
    const last = k[4] as Kline;
    expect(last[0]).toBeLessThanOrEqual(sim.clock.now);
    expect(last[6]).toBeGreaterThan(sim.clock.now);
    for (let i = 0; i < 5; i++) {
      const c = k[i] as Kline;
      expect(c[6]).toBe(c[0] + MINUTE - 1);
      if (i > 0) expect(c[1]).toBe((k[i - 1] as Kline)[4]); // open = previous close
      expect(e8(c[2])).toBeGreaterThanOrEqual(e8(c[1]) > e8(c[4]) ? e8(c[1]) : e8(c[4]));
      expect(e8(c[3])).toBeLessThanOrEqual(e8(c[1]) < e8(c[4]) ? e8(c[1]) : e8(c[4]));
    }
  });

  it('startTime selects the oldest candles from it, endTime the newest up to it', async () => {
    const start = Math.floor(sim.clock.now / MINUTE) * MINUTE - 100 * MINUTE;
    const fromStart = await sim.json<Kline[]>(
      `/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${start + 1}&limit=3`,
    );
    expect(fromStart.map((c) => c[0])).toEqual([start + MINUTE, start + 2 * MINUTE, start + 3 * MINUTE]);
    const toEnd = await sim.json<Kline[]>(`/api/v3/klines?symbol=BTCUSDT&interval=1m&endTime=${start}&limit=2`);
    expect(toEnd.map((c) => c[0])).toEqual([start - MINUTE, start]);
    const both = await sim.json<Kline[]>(
      `/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${start}&endTime=${start + 5 * MINUTE}`,
    );
    expect(both).toHaveLength(6);
    expect(await sim.json<Kline[]>('/api/v3/klines?symbol=BTCUSDT&interval=1m')).toHaveLength(500);
    expect(await sim.json<Kline[]>('/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5000')).toHaveLength(1000);
  });

  it('the live candle evolves each second and becomes, unchanged, the closed candle', async () => {
    const minute = Math.floor(sim.clock.now / MINUTE) * MINUTE;
    const saved = sim.clock.now;
    const at = async (t: number): Promise<Kline> => {
      sim.clock.now = t;
      const k = await sim.json<Kline[]>(`/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${minute}&limit=1`);
      return k[0] as Kline;
    };
    try {
      const early = await at(minute + 5_000);
      const late = await at(minute + 59_500);
      const closed = await at(minute + 3 * MINUTE);
      expect(early[0]).toBe(minute);
      expect(e8(early[5])).toBeLessThan(e8(late[5])); // volume accrues
      expect(late).toEqual(closed);
    } finally {
      sim.clock.now = saved;
    }
  });

  it('a day of 1-minute closes has a realised volatility near the model’s (tens of percent a year)', async () => {
    const closes = (await lastDaySpot('BTCUSDT')).map((c) => Number(c[4]));
    const vol = realizedVolatility(closes, 525_600);
    expect(vol).toBeGreaterThan(0.15);
    expect(vol).toBeLessThan(2.5);
  });
});

describe('USD-M futures', () => {
  it('perpetual mark tracks the index; funding around the interval share of 0.01 % per 8 h on its own grid', async () => {
    const rows = await sim.json<Record<string, string | number>[]>('/fapi/v1/premiumIndex');
    const listed = await sim.json<{ symbol: string; fundingIntervalHours: number }[]>('/fapi/v1/fundingInfo');
    const hoursOf = new Map(listed.map((r) => [r.symbol, r.fundingIntervalHours]));
    expect(Object.fromEntries(hoursOf)).toEqual({ XRPUSDT: 1, ADAUSDT: 4 });
    for (const r of rows) {
      const mark = Number(r.markPrice);
      const index = Number(r.indexPrice);
      expect(Math.abs(mark / index - 1)).toBeLessThan(String(r.symbol).includes('_') ? 0.05 : 0.003);
      if (!String(r.symbol).includes('_')) {
        const hours = hoursOf.get(String(r.symbol)) ?? 8;
        const step = hours * 3_600_000;
        // As 8-hour equivalents, every interval's rate drifts in the same band around 0.01 %.
        expect(Math.abs((Number(r.lastFundingRate) * 8) / hours)).toBeLessThan(0.001);
        expect(Number(r.interestRate)).toBeCloseTo((0.0001 * hours) / 8, 12);
        expect(Number(r.nextFundingTime) % step).toBe(0);
        expect(Number(r.nextFundingTime)).toBeGreaterThan(sim.clock.now);
        expect(Number(r.nextFundingTime) - sim.clock.now).toBeLessThanOrEqual(step);
      } else expect(mark).toBeGreaterThan(index); // contango until delivery
    }
    const spot = await sim.json<Record<string, string>>('/api/v3/ticker/price?symbol=BTCUSDT');
    const index = Number(rows.find((r) => r.symbol === 'BTCUSDT')?.indexPrice);
    expect(Math.abs(index / Number(spot.price) - 1)).toBeLessThan(1e-6);
  });

  it('funding history: ascending on the 8-hourly grid, the latest rate is the one that settled', async () => {
    const rows = await sim.json<{ fundingTime: number; fundingRate: string }[]>(
      '/fapi/v1/fundingRate?symbol=ETHUSDT&limit=30',
    );
    expect(rows).toHaveLength(30);
    for (let i = 0; i < rows.length; i++) {
      expect((rows[i]?.fundingTime ?? 1) % (8 * 3_600_000)).toBe(0);
      if (i > 0) expect(rows[i]?.fundingTime).toBe((rows[i - 1]?.fundingTime ?? 0) + 8 * 3_600_000);
    }
    expect(rows[29]?.fundingTime).toBeLessThanOrEqual(sim.clock.now);
    expect(rows[29]?.fundingTime).toBeGreaterThan(sim.clock.now - 8 * 3_600_000);
    const rates = rows.map((r) => Number(r.fundingRate));
    expect(new Set(rates).size).toBeGreaterThan(10); // it evolves
    expect(Math.max(...rates.map(Math.abs))).toBeLessThan(0.001);
    const fromStart = await sim.json<{ fundingTime: number }[]>(
      `/fapi/v1/fundingRate?symbol=ETHUSDT&startTime=${rows[0]?.fundingTime}&limit=2`,
    );
    expect(fromStart.map((r) => r.fundingTime)).toEqual([rows[0]?.fundingTime, rows[1]?.fundingTime]);
  });

  it('funding history of a 4-hourly perpetual settles every 4 h at the rate premiumIndex showed', async () => {
    const rows = await sim.json<{ fundingTime: number; fundingRate: string }[]>(
      '/fapi/v1/fundingRate?symbol=ADAUSDT&limit=12',
    );
    expect(rows).toHaveLength(12);
    for (let i = 1; i < rows.length; i++)
      expect(rows[i]?.fundingTime).toBe((rows[i - 1]?.fundingTime ?? 0) + 4 * 3_600_000);
    const all = await sim.json<{ symbol: string; fundingTime: number }[]>(
      `/fapi/v1/fundingRate?startTime=${rows[0]?.fundingTime}&limit=1000`,
    );
    // 1-hourly XRPUSDT settles at every hour, 8-hourly BTCUSDT only on the 00/08/16 grid.
    const times = (s: string): number[] => all.filter((r) => r.symbol === s).map((r) => r.fundingTime);
    expect(times('XRPUSDT').length).toBeGreaterThan(4 * times('ADAUSDT').length - 4);
    for (const t of times('BTCUSDT')) expect(t % (8 * 3_600_000)).toBe(0);
  });

  it('open interest evolves over hours', async () => {
    const a = await sim.json<{ openInterest: string }>('/fapi/v1/openInterest?symbol=BTCUSDT');
    const saved = sim.clock.now;
    sim.clock.now += 5 * 3_600_000;
    const b = await sim.json<{ openInterest: string }>('/fapi/v1/openInterest?symbol=BTCUSDT');
    sim.clock.now = saved;
    expect(a.openInterest).not.toBe(b.openInterest);
    expect(Number(b.openInterest) / Number(a.openInterest)).toBeGreaterThan(0.5);
    expect(Number(b.openInterest) / Number(a.openInterest)).toBeLessThan(2);
  });
});

describe('options', () => {
  interface Mark {
    symbol: string;
    markPrice: string;
    bidIV: string;
    askIV: string;
    markIV: string;
    delta: string;
    theta: string;
    gamma: string;
    vega: string;
    riskFreeInterest: string;
  }
  interface OptionInfo {
    symbol: string;
    expiryDate: number;
    strikePrice: string;
    side: 'CALL' | 'PUT';
    underlying: string;
    priceScale: number;
    filters: { filterType: string; tickSize?: string }[];
  }
  let marks: Mark[];
  let info: Map<string, OptionInfo>;
  let index: Map<string, number>;
  beforeAll(async () => {
    marks = await sim.json<Mark[]>('/eapi/v1/mark');
    info = new Map(
      (await sim.json<{ optionSymbols: OptionInfo[] }>('/eapi/v1/exchangeInfo')).optionSymbols.map((s) => [
        s.symbol,
        s,
      ]),
    );
    index = new Map();
    for (const u of ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT'])
      index.set(u, Number((await sim.json<{ indexPrice: string }>(`/eapi/v1/index?underlying=${u}`)).indexPrice));
  });

  const inputs = (m: Mark) => {
    const s = info.get(m.symbol) as OptionInfo;
    const t = Math.floor(sim.clock.now / 1000) * 1000;
    return {
      side: s.side === 'CALL' ? ('call' as const) : ('put' as const),
      spot: index.get(s.underlying) as number,
      strike: Number(s.strikePrice),
      years: (s.expiryDate - t) / (365 * 86_400_000),
      rate: Number(m.riskFreeInterest),
      vol: Number(m.markIV),
      tick: Number(s.filters.find((f) => f.filterType === 'PRICE_FILTER')?.tickSize),
    };
  };

  it('every mark is Black-Scholes of the published markIV, to half a tick', () => {
    for (const m of marks) {
      const o = inputs(m);
      expect([m.symbol, Math.abs(blackScholesPrice(o) - Number(m.markPrice)) <= o.tick / 2 + 1e-6 * o.spot]).toEqual([
        m.symbol,
        true,
      ]);
    }
  });

  it("quant's volSurface recovers the published markIV from the mark, to the mark's tick rounding", () => {
    const t = Math.floor(sim.clock.now / 1000) * 1000;
    let compared = 0;
    let worst = 0;
    const diffs: number[] = [];
    for (const u of index.keys()) {
      const mine = marks.filter((m) => info.get(m.symbol)?.underlying === u);
      const records: (ChainContract & { symbol: string; tick: number })[] = mine.map((m) => {
        const s = info.get(m.symbol) as OptionInfo;
        return {
          symbol: m.symbol,
          side: s.side,
          strike: Number(s.strikePrice),
          expiryTime: s.expiryDate,
          unit: 1,
          bidPrice: null,
          askPrice: null,
          markPrice: Number(m.markPrice),
          markIV: Number(m.markIV),
          tick: inputs(m).tick,
        };
      });
      const surface = volSurface(records, {
        spot: index.get(u) as number,
        now: t,
        rate: Number(mine[0]?.riskFreeInterest),
      });
      expect(surface.skipped).toEqual([]);
      for (const smile of surface.smiles)
        for (const c of smile.contracts) {
          if (Number.isNaN(c.markIV)) continue; // a mark floored at one tick deep out of the money, or no time value
          compared++;
          const o = { ...inputs(mine.find((m) => m.symbol === c.contract.symbol) as Mark), vol: c.markIV };
          // In units of the IV error that the mark's allowance in the test above (half a tick plus 1e-6
          // of the published, rounded index) explains: both IVs price within it of the mark, so they
          // differ by at most allowance / (the smaller vega of the two), after the IV's 8 decimals.
          const vegaPerUnit =
            Math.min(blackScholesGreeks(o).vega, blackScholesGreeks({ ...o, vol: c.contract.markIV }).vega) * 100;
          const allowance = (c.contract.tick / 2 + 1e-6 * o.spot) / vegaPerUnit;
          const r = (Math.abs(c.markIV - c.contract.markIV) - 1e-8) / allowance;
          diffs.push(Math.abs(c.markIV - c.contract.markIV));
          worst = Math.max(worst, r);
        }
    }
    expect(compared).toBeGreaterThan(marks.length / 2);
    diffs.sort((x, y) => x - y);
    // measured at this seed: 313 of 324 marks solved, worst 0.986 of the allowance; |own - published|
    // median 0.0008 (0.08 vol point), 90th percentile 0.011, max 0.58 (deep in the money, vega ~0)
    expect(worst).toBeLessThanOrEqual(1);
    expect(diffs[diffs.length >> 1]).toBeLessThan(0.002);
  });

  it('greeks are those of the published IV: delta, gamma, theta per day, vega per vol point', () => {
    for (const m of marks) {
      const g = blackScholesGreeks(inputs(m));
      const close = (got: string, want: number): boolean =>
        Math.abs(Number(got) - want) <= 1e-8 + 1e-5 * Math.abs(want);
      expect([
        m.symbol,
        close(m.delta, g.delta),
        close(m.gamma, g.gamma),
        close(m.theta, g.theta),
        close(m.vega, g.vega),
      ]).toEqual([m.symbol, true, true, true, true]);
      const d = Number(m.delta); // 8 decimals: deep contracts round to 0 or ±1
      if (m.symbol.endsWith('-C')) expect([m.symbol, d >= 0 && d <= 1]).toEqual([m.symbol, true]);
      else expect([m.symbol, d >= -1 && d <= 0]).toEqual([m.symbol, true]);
    }
  });

  it('bid IV < mark IV < ask IV where quoted; deep out-of-the-money contracts have no bid', async () => {
    const tickers = new Map(
      (
        await sim.json<{ symbol: string; bidPrice: string; askPrice: string; exercisePrice: string }[]>(
          '/eapi/v1/ticker',
        )
      ).map((t) => [t.symbol, t]),
    );
    let noBid = 0;
    for (const m of marks) {
      const t = tickers.get(m.symbol);
      if (m.bidIV === '-0.00000001') {
        noBid++;
        expect(t?.bidPrice).toBe('0');
      } else {
        expect(Number(m.bidIV)).toBeLessThanOrEqual(Number(m.markIV));
        expect(Number(t?.bidPrice)).toBeLessThanOrEqual(Number(m.markPrice));
      }
      expect(Number(m.askIV)).toBeGreaterThanOrEqual(Number(m.markIV));
      expect(Number(t?.askPrice)).toBeGreaterThanOrEqual(Number(m.markPrice));
      expect(Number(t?.exercisePrice)).toBeCloseTo(
        index.get((info.get(m.symbol) as OptionInfo).underlying) as number,
        6,
      );
    }
    expect(noBid).toBeGreaterThan(0);
    expect(noBid).toBeLessThan(marks.length / 2);
    // the ones without a bid are the far wings
    const wings = marks.filter((m) => m.bidIV === '-0.00000001' && Math.abs(Number(m.delta)) < 0.05);
    expect(wings.length).toBeGreaterThan(noBid / 2);
  });

  it('put-call parity holds across the published marks, to a tick', () => {
    const bySymbol = new Map(marks.map((m) => [m.symbol, m]));
    let pairs = 0;
    for (const m of marks) {
      if (!m.symbol.endsWith('-C')) continue;
      const put = bySymbol.get(m.symbol.replace(/-C$/, '-P'));
      if (!put) continue;
      const o = inputs(m);
      if (Number(m.markPrice) <= o.tick || Number(put.markPrice) <= o.tick) continue; // floored marks
      const parity = Number(m.markPrice) - Number(put.markPrice) - (o.spot - o.strike * Math.exp(-o.rate * o.years));
      expect([m.symbol, Math.abs(parity) <= o.tick + 1e-6 * o.spot]).toEqual([m.symbol, true]);
      pairs++;
    }
    expect(pairs).toBeGreaterThan(20);
  });

  it('the smile: out-of-the-money wings carry higher IV than the money', () => {
    const btc = marks.filter(
      (m) => m.symbol.startsWith('BTC-') && m.symbol.endsWith('-C') && Number(m.markPrice) > 100,
    );
    const byExpiry = new Map<number, Mark[]>();
    for (const m of btc) {
      const e = (info.get(m.symbol) as OptionInfo).expiryDate;
      byExpiry.set(e, [...(byExpiry.get(e) ?? []), m]);
    }
    for (const chain of byExpiry.values()) {
      if (chain.length < 5) continue;
      const ivs = chain.map((m) => Number(m.markIV));
      const atm = chain.reduce((a, b) => (Math.abs(Number(b.delta) - 0.5) < Math.abs(Number(a.delta) - 0.5) ? b : a));
      expect(Math.max(ivs[0] as number, ivs[ivs.length - 1] as number)).toBeGreaterThan(Number(atm.markIV));
    }
  });

  it('ticker statistics come from trades: last, open, high, low, volume, ids', async () => {
    const rows = await sim.json<Record<string, string | number>[]>('/eapi/v1/ticker');
    const traded = rows.filter((r) => Number(r.tradeCount) > 0);
    expect(traded.length).toBeGreaterThan(10);
    for (const r of traded) {
      expect(Number(r.high)).toBeGreaterThanOrEqual(Math.max(Number(r.open), Number(r.lastPrice)));
      expect(Number(r.low)).toBeLessThanOrEqual(Math.min(Number(r.open), Number(r.lastPrice)));
      expect(Number(r.priceChange)).toBeCloseTo(Number(r.lastPrice) - Number(r.open), 8);
      expect(Math.abs(Number(r.priceChangePercent) - Number(r.priceChange) / Number(r.open))).toBeLessThan(1e-4); // a fraction
      expect(Number(r.openTime)).toBeLessThanOrEqual(Number(r.closeTime));
      expect(Number(r.closeTime)).toBeLessThanOrEqual(sim.clock.now);
      expect(Number(r.openTime)).toBeGreaterThan(sim.clock.now - 86_400_000);
    }
    const quiet = rows.find((r) => r.tradeCount === 0);
    if (quiet) expect([quiet.lastPrice, quiet.openTime, quiet.firstTradeId]).toEqual(['0', 0, 0]);
  });

  it('at-the-money IV is of the order of the realised volatility of the underlying', async () => {
    const k = await sim.json<Kline[]>('/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1440');
    const realised = realizedVolatility(
      k.map((c) => Number(c[4])),
      525_600,
    );
    const atm = marks
      .filter((m) => m.symbol.startsWith('BTC-'))
      .reduce((a, b) =>
        Math.abs(Math.abs(Number(b.delta)) - 0.5) < Math.abs(Math.abs(Number(a.delta)) - 0.5) ? b : a,
      );
    expect(Number(atm.markIV) / realised).toBeGreaterThan(0.33);
    expect(Number(atm.markIV) / realised).toBeLessThan(3);
  });
});
