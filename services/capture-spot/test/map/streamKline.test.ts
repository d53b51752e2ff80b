import { TOPICS } from '@marketpipe/contracts';
import { SPOT_WS_SOURCE, type SpotKlineInterval, mapSpotKlines, mapSpotStreamKline } from '../../src/map';
import { expectContract, payloadErrorOf } from '../../../../libs/binance/test/fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HeldSim, startHeldSim } from '../../../../libs/binance-sim/test/held-sim';

type Event = Record<string, unknown> & { k: Record<string, unknown> };

const doc = (): Event =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ws', 'kline_doc.json'), 'utf8')) as Event;

/** The documented candle's times: 2022-12-31T19:43:00Z, one minute. */
const OPEN = 1_672_515_780_000;
const CLOSE = 1_672_515_839_999;
const CAPTURE = CLOSE + 2_001;
const ctx = { captureTime: CAPTURE, source: SPOT_WS_SOURCE };
const withK = (ev: Event, k: Record<string, unknown>): Event => ({ ...ev, k: { ...ev.k, ...k } });
// The documented low (0.0015) lies above the documented open (0.0010); set to the open (see fixtures/ws/SOURCES.md).
const closed = (): Event => withK(doc(), { x: true, l: '0.0010' });

const EXPECTED = {
  symbol: 'BNBBTC',
  eventTime: CLOSE,
  captureTime: CAPTURE,
  source: 'binance.spot.ws',
  interval: '1m',
  openTime: OPEN,
  closeTime: CLOSE,
  open: 0.001,
  high: 0.0025,
  low: 0.001,
  close: 0.002,
  volume: 1000,
  quoteVolume: 1,
  tradeCount: 100,
  takerBuyBaseVolume: 500,
  takerBuyQuoteVolume: 0.5,
};

describe('mapSpotStreamKline on the documented <symbol>@kline_<interval> payload', () => {
  it('the example as it stands is an open candle (x false): no record and no rejection', () => {
    expect(mapSpotStreamKline(doc(), ctx)).toEqual({ records: [], rejected: [] });
  });

  it('closed (x true) as documented, it is rejected: its low lies above its open, named in the reason', () => {
    expect(mapSpotStreamKline(withK(doc(), { x: true }), ctx)).toEqual({
      records: [],
      rejected: [
        {
          endpoint: '<symbol>@kline_<interval>',
          symbol: 'BNBBTC',
          reason: 'high/low do not bracket open/close (o 0.001 h 0.0025 l 0.0015 c 0.002)',
        },
      ],
    });
  });

  it('closed, with its low at the open, maps to the documented numbers, eventTime = k.T', () => {
    const mapped = mapSpotStreamKline(closed(), ctx);
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records).toEqual([EXPECTED]);
    expectContract(TOPICS.spotKline, mapped.records);
  });

  it('gives the record mapSpotKlines gives for the same candle as a REST row', () => {
    const k = closed().k;
    const row = [k.t, k.o, k.h, k.l, k.c, k.v, k.T, k.q, k.n, k.V, k.Q, k.B];
    const rest = mapSpotKlines([row], {
      captureTime: CAPTURE,
      source: 'binance.spot.rest',
      symbol: 'BNBBTC',
      interval: '1m',
      closedBefore: CAPTURE,
    });
    expect(mapSpotStreamKline(closed(), ctx).records).toEqual(
      rest.records.map((r) => ({ ...r, source: SPOT_WS_SOURCE })),
    );
  });

  it('an array of events: each closed candle maps, open ones are left out', () => {
    const eth = withK({ ...closed(), s: 'ETHBTC' }, { s: 'ETHBTC', i: '1s', T: OPEN + 999 });
    const mapped = mapSpotStreamKline([doc(), closed(), eth], ctx);
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records.map((r) => [r.symbol, r.interval, r.eventTime])).toEqual([
      ['BNBBTC', '1m', CLOSE],
      ['ETHBTC', '1s', OPEN + 999],
    ]);
  });
});

describe('mapSpotStreamKline rejects malformed events one by one, naming the field', () => {
  it.each([
    [{ o: '0' }, 'k.o (open) must be > 0, got "0"'],
    [{ h: 0.0025 }, 'k.h (high): expected a decimal string, got 0.0025 (a JSON number)'],
    [{ l: '-1' }, 'k.l (low) must be > 0, got "-1"'],
    [{ c: 'NaN' }, 'k.c (close): expected a decimal string, got "NaN"'],
    [{ h: '0.0009' }, 'high/low do not bracket open/close (o 0.001 h 0.0009 l 0.001 c 0.002)'],
    [{ v: '-1' }, 'k.v (volume) must be >= 0, got "-1"'],
    [{ q: undefined }, 'k.q (quoteVolume): expected a decimal string, got undefined (field missing)'],
    [{ n: -1 }, 'k.n (tradeCount) must be >= 0, got -1'],
    [{ n: '100' }, 'k.n (tradeCount): expected an integer count, got "100"'],
    [{ V: '-0.5' }, 'k.V (takerBuyBaseVolume) must be >= 0, got "-0.5"'],
    [{ Q: null }, 'k.Q (takerBuyQuoteVolume): expected a decimal string, got null'],
    [{ t: String(OPEN) }, `k.t (openTime): expected an integer ms time, got "${OPEN}"`],
    [{ T: OPEN }, `k.T (closeTime) ${OPEN} is not after k.t (openTime) ${OPEN}`],
    [{ T: CLOSE * 1000 }, `k.T (closeTime): ${CLOSE * 1000} is more than a day after the reference time ${CAPTURE}`],
    [{ i: '2m' }, 'k.i (interval): expected one of 1s|1m|3m|5m|15m|30m|1h|2h|4h|6h|8h|12h|1d|3d|1w|1M, got "2m"'],
    [{ s: 'ETHBTC' }, `k.s: expected "BADUSDT" (the event's s), got "ETHBTC"`],
    [{ x: 'true' }, 'k.x (closed): expected a boolean, got "true"'],
  ])('%j: %s', (patch, reason) => {
    const good = closed();
    const bad = withK({ ...good, s: 'BADUSDT' }, { s: 'BADUSDT', ...patch });
    const other = withK({ ...good, s: 'ETHBTC' }, { s: 'ETHBTC' });
    const mapped = mapSpotStreamKline([good, bad, other], ctx);
    expect(mapped.records.map((r) => r.symbol)).toEqual(['BNBBTC', 'ETHBTC']);
    expect(mapped.rejected).toEqual([{ endpoint: '<symbol>@kline_<interval>', symbol: 'BADUSDT', reason }]);
  });

  it('an open candle is not checked: malformed, it still gives neither a record nor a rejection', () => {
    expect(mapSpotStreamKline(withK(doc(), { v: '-1', i: '2m', s: 'ETHBTC' }), ctx)).toEqual({
      records: [],
      rejected: [],
    });
  });

  it('an event without k, of another kind, without s, or not an object: rejected, the rest maps', () => {
    const good = closed();
    const mapped = mapSpotStreamKline(
      [{ ...good, k: undefined }, { ...good, e: '24hrTicker' }, { e: 'kline', E: CLOSE }, 7, good],
      ctx,
    );
    expect(mapped.records).toEqual([EXPECTED]);
    expect(mapped.rejected).toEqual([
      {
        endpoint: '<symbol>@kline_<interval>',
        symbol: 'BNBBTC',
        reason: 'k: expected an object, got undefined (field missing)',
      },
      { endpoint: '<symbol>@kline_<interval>', symbol: 'BNBBTC', reason: '[1].e: expected "kline", got "24hrTicker"' },
      {
        endpoint: '<symbol>@kline_<interval>',
        symbol: null,
        reason: '[2].s: expected a non-empty string, got undefined (field missing)',
      },
      { endpoint: '<symbol>@kline_<interval>', symbol: null, reason: '[3]: expected an object, got 7 (a JSON number)' },
    ]);
  });

  it('a payload that is no event at all throws PayloadError (as a REST body would)', () => {
    expect(payloadErrorOf(() => mapSpotStreamKline('not json', ctx)).reason).toBe(
      'expected a JSON array or object, got "not json"',
    );
  });
});

/** The data of the stream's first frame, and of its first x-true frame once the held clock has moved to `to`. */
function openThenClosed(held: HeldSim, stream: string, to: number): Promise<{ open: unknown; closed: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${held.sim.wsUrl}/stream?streams=${stream}`);
    let open: unknown;
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`no closing ${stream} frame within 5 s`));
    }, 5000);
    ws.onerror = () => {
      clearTimeout(timer);
      reject(new Error(`WebSocket error on ${stream}`));
    };
    ws.onmessage = (msg: MessageEvent) => {
      const frame = JSON.parse(String(msg.data)) as { stream?: unknown; data?: { k?: { x?: unknown } } };
      if (frame.stream !== stream) return;
      if (open === undefined) {
        open = frame.data;
        held.clock.now = to;
      } else if (frame.data?.k?.x === true) {
        clearTimeout(timer);
        ws.close();
        resolve({ open, closed: frame.data });
      }
    };
  });
}

describe('REST == stream on the simulator: the closed BTCUSDT candle', () => {
  let held: HeldSim;
  beforeAll(async () => {
    held = await startHeldSim();
  });
  afterAll(() => held.sim.close());

  it.each<[SpotKlineInterval, number]>([
    ['1m', 60_000],
    ['1s', 1_000],
    ['1h', 3_600_000],
  ])(
    '%s: the x-true frame maps to the record mapSpotKlines makes of /api/v3/klines for that candle',
    async (interval, ms) => {
      // Into the next candle, a little past its start, as a live clock would be.
      const to = Math.floor(held.clock.now / ms) * ms + ms + 2_250;
      const frames = await openThenClosed(held, `btcusdt@kline_${interval}`, to);
      const captureTime = held.clock.now;
      // The open candle gives nothing, and nothing to reject.
      expect(mapSpotStreamKline(frames.open, { captureTime, source: SPOT_WS_SOURCE })).toEqual({
        records: [],
        rejected: [],
      });
      // A different captureTime on the stream side shows it is the only other field allowed to differ.
      const stream = mapSpotStreamKline(frames.closed, { captureTime: captureTime + 1, source: SPOT_WS_SOURCE });
      expect(stream.rejected).toEqual([]);
      expect(stream.records).toHaveLength(1);
      const openTime = stream.records[0]?.openTime;
      expect(openTime).toBe(Math.floor(to / ms) * ms - ms);
      const body = await held.rest(`/api/v3/klines?symbol=BTCUSDT&interval=${interval}&startTime=${openTime}&limit=1`);
      const rest = mapSpotKlines(body, {
        captureTime,
        source: 'binance.spot.rest',
        symbol: 'BTCUSDT',
        interval,
        closedBefore: captureTime,
      });
      expect(rest.rejected).toEqual([]);
      expect(rest.records).toHaveLength(1);
      const strip = ({ source: _s, captureTime: _c, ...rest }: { source: string; captureTime: number }): object => rest;
      expect(stream.records.map(strip)).toEqual(rest.records.map(strip));
      expect(stream.records[0]?.eventTime).toBe(Number(openTime) + ms - 1);
      expectContract(TOPICS.spotKline, stream.records);
    },
  );
});
