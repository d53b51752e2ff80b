// The pure parts of bench/restart.ts's topic fill: time slots, stream order, candle placement, and
// that every record it builds satisfies its contract.
import { contractViolation, type OptionContract } from '@marketpipe/contracts';
import {
  DAY,
  HOUR,
  MINUTE,
  candleStream,
  futuresTicker,
  keyedStream,
  mergeByTimestamp,
  optionsChain,
  parseDuration,
  psychState,
  quantumScore,
  slotCount,
  slotTimes,
  spotKline,
  spotTicker,
  sronaReport,
  type ChainTemplate,
  type FillRecord,
} from '../bench/lib/fill/fill';

const END = Date.UTC(2025, 5, 1, 12, 0, 0, 0);

const ascending = (xs: readonly number[]): boolean => xs.every((x, i) => i === 0 || (xs[i - 1] as number) <= x);

describe('bench restart fill', () => {
  it('parses spans', () => {
    expect(parseDuration('1h')).toBe(HOUR);
    expect(parseDuration('24h')).toBe(DAY);
    expect(parseDuration('30d')).toBe(30 * DAY);
    expect(parseDuration('90s')).toBe(90_000);
    expect(() => parseDuration('1 hour')).toThrow(/not a duration/);
  });

  it('places slots at full rate in the newest window and reduced before it', () => {
    const slots = slotTimes(END, 6 * HOUR, 30 * MINUTE, 1000, MINUTE);
    expect(ascending(slots)).toBe(true);
    expect(slots[0]).toBeGreaterThanOrEqual(END - 6 * HOUR);
    expect(slots[slots.length - 1]).toBeLessThan(END);
    expect(slots.filter((t) => t >= END - 30 * MINUTE)).toHaveLength(1800);
    expect(slots.filter((t) => t < END - 30 * MINUTE)).toHaveLength(330);
    expect(slots).toHaveLength(slotCount(6 * HOUR, 30 * MINUTE, 1000, MINUTE));
    // A span shorter than the full-rate window is all full rate.
    expect(slotTimes(END, 10 * MINUTE, 30 * MINUTE, 1000, MINUTE)).toHaveLength(600);
  });

  it('keeps keyed streams in time order across keys and slots', () => {
    const keys = ['A', 'B', 'C', 'D'];
    const slots = slotTimes(END, HOUR, 30 * MINUTE, 1000, MINUTE);
    const out = [...keyedStream(keys, slots, 900, (j, t) => ({ j, t }))];
    expect(out).toHaveLength(keys.length * slots.length);
    expect(ascending(out.map((r) => r.timestamp))).toBe(true);
    expect(out.every((r) => r.value.t === r.timestamp && keys[r.value.j] === r.key)).toBe(true);
  });

  it('writes closed candles only, over the history, with the keys chosen per open time', () => {
    const keys = ['X', 'Y', 'U'];
    const span = 2 * HOUR;
    const out = [
      ...candleStream(
        END,
        10 * HOUR,
        HOUR,
        500,
        3000,
        (open) => (open + HOUR >= END - span ? [0, 1, 2] : [2]),
        keys,
        (j, open, at) => ({ j, open, at }),
      ),
    ];
    expect(ascending(out.map((r) => r.timestamp))).toBe(true);
    expect(out.every((r) => r.value.open + HOUR <= r.timestamp && r.timestamp < END)).toBe(true);
    expect(out.every((r) => r.value.open + HOUR >= END - 10 * HOUR)).toBe(true);
    expect(out.filter((r) => r.key === 'U')).toHaveLength(10);
    expect(out.filter((r) => r.key === 'X')).toHaveLength(2);
  });

  it('merges ascending streams into one ascending stream', () => {
    const s = (ts: number[]): FillRecord<number>[] => ts.map((t) => ({ key: 'k', value: t, timestamp: t }));
    const merged = [...mergeByTimestamp([s([1, 4, 9]), s([2, 3, 10]), s([])])].map((r) => r.timestamp);
    expect(merged).toEqual([1, 2, 3, 4, 9, 10]);
  });

  it('builds records that satisfy their contracts', () => {
    const t = END - 1234;
    const contract: OptionContract = {
      symbol: 'BTC-250627-100000-C',
      side: 'CALL',
      strike: 100_000,
      expiryTime: END + 20 * DAY,
      unit: 1,
      bidPrice: null,
      askPrice: 2100,
      bidQty: null,
      askQty: 10,
      markPrice: 2000,
      lastPrice: null,
      volume: 0,
      openInterest: 12,
      openInterestUsd: 12 * 99_000,
      markIV: 0.55,
      bidIV: null,
      askIV: 0.56,
      delta: 0.45,
      gamma: 0.0001,
      theta: -50,
      vega: 120,
    };
    const tpl: ChainTemplate = {
      underlying: 'BTCUSDT',
      indexPrice: 99_000,
      contracts: [contract, { ...contract, symbol: 'BTC-250627-100000-P', side: 'PUT', delta: -0.55 }],
    };
    const chain = optionsChain(tpl, 0, t);
    expect(chain.summary.contractCount).toBe(2);
    expect(chain.summary.atmStrike).toBe(100_000);
    const cases: [Parameters<typeof contractViolation>[0], unknown][] = [
      ['market.spot.ticker', spotTicker('BTCUSDT', 99_000, 0, t)],
      ['market.futures.ticker', futuresTicker('BTCUSDT', 99_000, 0, t)],
      ['market.spot.kline', spotKline('BTCUSDT', 99_000, 0, '1m', MINUTE, END - 2 * MINUTE, END - MINUTE + 600)],
      ['market.options.chain', chain],
      ['analytics.quantum', quantumScore('BTCUSDT', 3, t)],
      ['analytics.psych', psychState('BTCUSDT', 3, t)],
      ['analytics.srona', sronaReport(tpl, 0, t)],
    ];
    for (const [topic, value] of cases) expect([topic, contractViolation(topic, value)]).toEqual([topic, undefined]);
  });
});
