import { TOPICS } from '@marketpipe/contracts';
import { SPOT_WS_SOURCE, mapSpotStreamTicker, mapSpotTickers } from '../../src/map';
import { expectContract, payloadErrorOf } from '../../../../libs/binance/test/fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HeldSim, startHeldSim } from '../../../../libs/binance-sim/test/held-sim';

const doc = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'ws', 'ticker_doc.json'), 'utf8')) as Record<
    string,
    unknown
  >;

/** 2024-01-05T21:12:10Z */
const CAPTURE = 1_704_489_130_000;
const ctx = { captureTime: CAPTURE, source: SPOT_WS_SOURCE };
// Real ms times for the doc example, whose own are placeholders (see fixtures/ws/SOURCES.md).
const CLOSE = CAPTURE - 130;
const OPEN = CLOSE - 86_400_000;
const withTimes = (ev: Record<string, unknown>): Record<string, unknown> => ({
  ...ev,
  E: CLOSE + 5,
  O: OPEN,
  C: CLOSE,
});

describe('mapSpotStreamTicker on the documented <symbol>@ticker payload', () => {
  it('rejects the example as it stands: its closeTime C is a placeholder (1970), named in the reason', () => {
    const mapped = mapSpotStreamTicker(doc(), ctx);
    expect(mapped.records).toEqual([]);
    expect(mapped.rejected).toEqual([
      {
        endpoint: '<symbol>@ticker',
        symbol: 'BNBBTC',
        reason: 'C (closeTime): 86400000 is before 2017-01-01, not a Binance ms time',
      },
    ]);
  });

  it('maps the example with real times to the numbers documented, eventTime = E, closeTime = C', () => {
    const mapped = mapSpotStreamTicker(withTimes(doc()), ctx);
    expect(mapped.rejected).toEqual([]);
    expect(mapped.records).toEqual([
      {
        symbol: 'BNBBTC',
        eventTime: CLOSE + 5,
        captureTime: CAPTURE,
        source: 'binance.spot.ws',
        lastPrice: 0.0025,
        openPrice: 0.001,
        highPrice: 0.0025,
        lowPrice: 0.001,
        priceChange: 0.0015,
        priceChangePercent: 250,
        weightedAvgPrice: 0.0018,
        volume: 10000,
        quoteVolume: 18,
        bidPrice: 0.0024,
        bidQty: 10,
        askPrice: 0.0026,
        askQty: 100,
        openTime: OPEN,
        tradeCount: 18151,
        closeTime: CLOSE,
      },
    ]);
    expectContract(TOPICS.spotTicker, mapped.records);
  });

  it('gives the record REST gives for the same values (REST keys, same numbers)', () => {
    const ev = withTimes(doc());
    const rest = {
      symbol: ev['s'],
      priceChange: ev['p'],
      priceChangePercent: ev['P'],
      weightedAvgPrice: ev['w'],
      prevClosePrice: ev['x'],
      lastPrice: ev['c'],
      lastQty: ev['Q'],
      bidPrice: ev['b'],
      bidQty: ev['B'],
      askPrice: ev['a'],
      askQty: ev['A'],
      openPrice: ev['o'],
      highPrice: ev['h'],
      lowPrice: ev['l'],
      volume: ev['v'],
      quoteVolume: ev['q'],
      openTime: ev['O'],
      closeTime: ev['C'],
      firstId: ev['F'],
      lastId: ev['L'],
      count: ev['n'],
    };
    // REST's observation time is when it was asked; here, the moment the push was made.
    const fromRest = mapSpotTickers(rest, {
      captureTime: CAPTURE,
      source: 'binance.spot.rest',
      observedAt: ev['E'] as number,
    }).records;
    const fromStream = mapSpotStreamTicker(ev, ctx).records;
    expect(fromStream).toEqual(fromRest.map((r) => ({ ...r, source: 'binance.spot.ws' })));
  });

  it('no bid / no ask ("0.00000000") -> null price and null qty, as REST', () => {
    const ev = { ...withTimes(doc()), b: '0.00000000', B: '0.00000000', a: '0.00000000', A: '0.00000000' };
    const [r] = mapSpotStreamTicker(ev, ctx).records;
    expect([r?.bidPrice, r?.bidQty, r?.askPrice, r?.askQty]).toEqual([null, null, null, null]);
  });
});

describe('mapSpotStreamTicker rejects malformed events one by one, naming the field', () => {
  const good = withTimes(doc());
  it.each([
    [{ c: '0.00000000' }, 'c (lastPrice) must be > 0, got "0.00000000"'],
    [{ c: 0.0025 }, 'c (lastPrice): expected a decimal string, got 0.0025 (a JSON number)'],
    [{ v: '-1' }, 'v (volume) must be >= 0, got "-1"'],
    [{ B: undefined }, 'B (bidQty): expected a decimal string, got undefined (field missing)'],
    [{ C: String(CLOSE) }, `C (closeTime): expected an integer ms time, got "${CLOSE}"`],
    [{ E: undefined }, 'E (event time): expected an integer ms time, got undefined (field missing)'],
    [{ O: CLOSE * 1000 }, `O (openTime): ${CLOSE * 1000} is more than a day after the reference time ${CAPTURE}`],
    [{ n: -1 }, 'n (count) must be >= 0, got -1'],
    [{ P: 'NaN' }, 'P (priceChangePercent): expected a decimal string, got "NaN"'],
  ])('%j', (patch, reason) => {
    const bad = { ...good, ...patch, s: 'BADUSDT' };
    const mapped = mapSpotStreamTicker([good, bad, { ...good, s: 'ETHBTC' }], ctx);
    expect(mapped.records.map((r) => r.symbol)).toEqual(['BNBBTC', 'ETHBTC']);
    expect(mapped.rejected).toEqual([{ endpoint: '<symbol>@ticker', symbol: 'BADUSDT', reason }]);
  });

  it('an event of another kind, an event without s, a non-object: rejected, the rest maps', () => {
    const mapped = mapSpotStreamTicker(
      [{ ...good, e: '24hrMiniTicker' }, { e: '24hrTicker', E: CLOSE }, 'x', good],
      ctx,
    );
    expect(mapped.records.map((r) => r.symbol)).toEqual(['BNBBTC']);
    expect(mapped.rejected).toEqual([
      { endpoint: '<symbol>@ticker', symbol: 'BNBBTC', reason: '[0].e: expected "24hrTicker", got "24hrMiniTicker"' },
      {
        endpoint: '<symbol>@ticker',
        symbol: null,
        reason: '[1].s: expected a non-empty string, got undefined (field missing)',
      },
      { endpoint: '<symbol>@ticker', symbol: null, reason: '[2]: expected an object, got "x"' },
    ]);
  });

  it('a payload that is no event at all throws PayloadError (as a REST body would)', () => {
    expect(payloadErrorOf(() => mapSpotStreamTicker('not json', ctx)).reason).toBe(
      'expected a JSON array or object, got "not json"',
    );
  });
});

describe('REST == stream on the simulator: BTCUSDT ticker at the same model second', () => {
  let held: HeldSim;
  beforeAll(async () => {
    held = await startHeldSim();
  });
  afterAll(() => held.sim.close());

  it.each([0, 7_000, 3_600_000])(
    'clock T0 + %i ms: every price, volume and time equal; only source and captureTime differ',
    async (dt) => {
      held.clock.now += dt;
      const captureTime = held.clock.now;
      const restBody = await held.rest('/api/v3/ticker/24hr?symbol=BTCUSDT');
      const data = await held.streamData('/stream', 'btcusdt@ticker');
      const rest = mapSpotTickers(restBody, { captureTime, source: 'binance.spot.rest' });
      // A different captureTime on the stream side shows it is the only other field allowed to differ.
      const stream = mapSpotStreamTicker(data, { captureTime: captureTime + 1, source: SPOT_WS_SOURCE });
      expect(rest.rejected).toEqual([]);
      expect(stream.rejected).toEqual([]);
      expect(stream.records).toHaveLength(1);
      const strip = ({ source: _s, captureTime: _c, ...rest }: { source: string; captureTime: number }): object => rest;
      expect(stream.records.map(strip)).toEqual(rest.records.map(strip));
      expect(stream.records[0]?.eventTime).toBe(Math.floor(captureTime / 1000) * 1000);
      expectContract(TOPICS.spotTicker, stream.records);
    },
  );
});
