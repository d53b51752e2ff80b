import { contractViolation } from '@marketpipe/contracts';
import fc from 'fast-check';
import {
  classifyState,
  DEFAULT_PSYCH_PARAMS,
  PsychComputable,
  psychRecord,
  psychScore,
  PSYCH_SCALES,
  rawState,
  transitionOf,
  type PsychAssessment,
} from '../src/model';
import { CRASH, FLAT, feed, futures, kline, MINUTE, NOW, series, spot, STEADY_RISE, type PsychInput } from './series';

function assessed(inputs: readonly PsychInput[], params = DEFAULT_PSYCH_PARAMS): PsychAssessment {
  return feed(new PsychComputable(params), inputs).assess();
}

describe('psych states on constructed series', () => {
  it('reads a steady rise on growing volume as OPTIMISMO, with every component present', () => {
    const a = assessed(series('BTCUSDT', STEADY_RISE));
    expect(a.status).toBe('READY');
    expect(a.state).toBe('OPTIMISMO');
    expect(a.score).toBeGreaterThan(0.7);
    expect(a.fearGreedIndex).toBe(Math.round(100 * (a.score as number)));
    expect(a.components.price).toBeCloseTo(0.4 * Math.tanh(1) + 0.4 * Math.tanh(2), 6);
    expect(a.components.momentum).toBe(1);
    expect(a.components.volatility).toBeCloseTo(0, 9);
    expect(a.confidence).toBe(1);
    expect(a.eventTime).toBe(NOW);
  });

  it('reads a steeper rise with euphoric funding as EUFORIA', () => {
    const a = assessed(
      series('BTCUSDT', {
        ...STEADY_RISE,
        price: (m) => 100 * Math.exp(0.004 * m),
        quoteVolume: (m) => 5e8 * (1 + 0.006 * (m + 60)),
        spreadBps: () => 0.1,
        funding: (m) => 0.0006 + 0.00002 * (m + 15),
      }),
    );
    expect(a.state).toBe('EUFORIA');
    expect(a.score).toBeGreaterThanOrEqual(0.8);
  });

  it('reads a crash with a volume spike, widening spread and falling funding as PANICO, every component fearful', () => {
    const a = assessed(series('ETHUSDT', CRASH));
    expect(a.status).toBe('READY');
    expect(a.state).toBe('PANICO');
    expect(a.score).toBeLessThan(0.2);
    for (const v of Object.values(a.components)) expect(v).toBeLessThan(-0.5);
  });

  it('reads a flat market as NEUTRAL with every component at zero', () => {
    const a = assessed(series('BTCUSDT', FLAT));
    expect(a.state).toBe('NEUTRAL');
    expect(a.score).toBeCloseTo(0.5, 12);
    expect(a.fearGreedIndex).toBe(50);
    for (const v of Object.values(a.components)) expect(v).toBeCloseTo(0, 12);
  });

  it('drops funding for a spot-only symbol and renormalizes the other weights', () => {
    const a = assessed(series('BTCUSDT', { ...STEADY_RISE, funding: null }));
    const c = a.components;
    expect(c.funding).toBeNull();
    const expected =
      0.5 +
      (0.5 *
        (0.25 * (c.price as number) +
          0.2 * (c.volume as number) +
          0.15 * (c.volatility as number) +
          0.15 * (c.liquidity as number) +
          0.1 * (c.momentum as number))) /
        0.85;
    expect(a.score).toBeCloseTo(expected, 12);
    expect(a.confidence).toBeCloseTo(0.85, 12);
  });

  it('measures volatility on the 1m closes of the short window against the long one (closed form)', () => {
    // Log closes alternate 0, a, 0, a … for candles 0..45, then 0, 2a, 0, 2a … for 46..59. The short
    // window (candles 45..59) holds one return of a and 13 of 2a: σs² = 53a²/14. The long window
    // (all 60) holds 46 returns of a and 13 of 2a: σl² = 98a²/59.
    const a = 0.001;
    const start = NOW - 60 * MINUTE;
    const inputs: PsychInput[] = [];
    for (let k = 0; k < 60; k++) {
      const x = k <= 45 ? a * (k % 2) : 2 * a * (k % 2);
      inputs.push({ topic: 'market.spot.kline', value: kline('BTCUSDT', start + k * MINUTE, 100 * Math.exp(x)) });
    }
    const got = assessed(inputs).components.volatility;
    const volShort = a * Math.sqrt(53 / 14);
    const volLong = a * Math.sqrt(98 / 59);
    const eps = PSYCH_SCALES.volatilityFloor;
    expect(got).toBeCloseTo(-Math.tanh(Math.log((volShort + eps) / (volLong + eps)) / Math.LN2), 12);
  });

  it('reads momentum as (RSI − 50) / 50 of the 1m closes', () => {
    const start = NOW - 16 * MINUTE;
    const changes = [1, 1, -1, 1, 1, -1, 1, 1, -1, 1, 1, -1, 1, 1];
    const closes = [100];
    for (const d of changes) closes.push((closes.at(-1) as number) + d);
    const inputs: PsychInput[] = closes.map((close, k) => ({
      topic: 'market.spot.kline',
      value: kline('BTCUSDT', start + k * MINUTE, close),
    }));
    expect(assessed(inputs).components.momentum).toBeCloseTo((100 - 100 / 3.5 - 50) / 50, 12);
  });

  it('ignores candles of other intervals', () => {
    const c = new PsychComputable();
    expect(c.addKline(kline('BTCUSDT', NOW - 3_600_000, 100, '1h'))).toBe(false);
    expect(c.candles.size).toBe(0);
    expect(c.eventTime).toBe(-Infinity);
  });
});

describe('oldestInputTime: as fresh as the least recent live input', () => {
  it('is the newest spot ticker when the futures feed runs ahead of a stopped spot feed', () => {
    const inputs = series('BTCUSDT', FLAT, { end: NOW - 20_000 }); // spot and futures to NOW − 20 s
    const c = feed(new PsychComputable(), inputs);
    c.addFutures(futures('BTCUSDT', NOW, 0.0001)); // futures carries on
    const a = c.assess();
    expect(a.eventTime).toBe(NOW);
    expect(a.oldestInputTime).toBe(NOW - 20_000);
    expect(psychRecord('BTCUSDT', a, NOW + 5, DEFAULT_PSYCH_PARAMS.windowMs).oldestInputTime).toBe(NOW - 20_000);
  });

  it('is the newest funding rate when it is older than the spot ticker and funding counts', () => {
    const c = feed(new PsychComputable(), series('BTCUSDT', FLAT, { end: NOW - 30_000 }));
    c.addSpot(spot('BTCUSDT', NOW, 100, FLAT.quoteVolume(0), FLAT.spreadBps(0)));
    const a = c.assess();
    expect(a.components.funding).not.toBeNull();
    expect(a.oldestInputTime).toBe(NOW - 30_000);
  });

  it('is the newest spot ticker for a spot-only symbol', () => {
    const a = assessed(series('BTCUSDT', { ...FLAT, funding: null }));
    expect(a.components.funding).toBeNull();
    expect(a.oldestInputTime).toBe(NOW);
  });
});

describe("funding per 8 h against the symbol's own neutral rate", () => {
  /** FLAT with a constant funding rate, every futures ticker carrying the given interval and interest. */
  const withTerms = (rate: number, hours: number | null, interest: number | null): PsychInput[] =>
    series('BTCUSDT', { ...FLAT, funding: () => rate }).map((i) =>
      i.topic === 'market.futures.ticker'
        ? { ...i, value: { ...i.value, fundingIntervalHours: hours, interestRate: interest } }
        : i,
    );
  const fundingOf = (inputs: readonly PsychInput[]): number | null => assessed(inputs).components.funding;

  it.each([
    ['8 h at 0.01 %', 0.0001, 8, 0.0001],
    ['4 h at 0.005 % (the held-out recording: interestRate 0.00005)', 0.00005, 4, 0.00005],
    ['1 h at 0.00125 %', 0.0000125, 1, 0.0000125],
    ['4 h at 0.005 % with the interest rate not yet known', 0.00005, 4, null],
  ])('reads a %s perpetual at its neutral rate as exactly 0', (_name, rate, hours, interest) => {
    expect(fundingOf(withTerms(rate, hours, interest))).toBe(0);
  });

  it('reads 0.005 % as fear on an 8 h perpetual (it is half its neutral) and greed scales with the interval', () => {
    // A constant rate: the change term is 0 and the level weighs 0.6.
    const level = (excess8h: number): number => 0.6 * Math.tanh(excess8h / PSYCH_SCALES.fundingLevel);
    expect(fundingOf(withTerms(0.00005, 8, 0.0001))).toBeCloseTo(level(-0.00005), 12);
    // 0.03 % every 4 h is 0.06 % per 8 h: 0.05 % above neutral, 0.6·tanh(1).
    expect(fundingOf(withTerms(0.0003, 4, 0.00005))).toBeCloseTo(level(0.0005), 12);
    expect(fundingOf(withTerms(0.0003, 8, 0.0001))).toBeCloseTo(level(0.0002), 12);
  });

  it('takes a record without an interval (written before intervals were read) as 8-hourly', () => {
    expect(fundingOf(withTerms(0.0001, null, null))).toBe(0);
    expect(fundingOf(withTerms(0.0003, null, null))).toBeCloseTo(fundingOf(withTerms(0.0003, 8, 0.0001)) as number, 15);
  });
});

describe('warm-up', () => {
  it('says WARMING_UP with null state, score and index until the windows hold enough data', () => {
    const a = assessed(series('BTCUSDT', STEADY_RISE, { candleMinutes: 0, tickerMinutes: 2 }));
    expect(a).toMatchObject({ status: 'WARMING_UP', state: null, score: null, fearGreedIndex: null, transition: null });
    expect(a.components.price).toBeNull();
    expect(a.confidence).toBeLessThan(DEFAULT_PSYCH_PARAMS.minConfidence);
  });

  it('is READY from tickers alone once they fill most of the window', () => {
    const a = assessed(series('BTCUSDT', STEADY_RISE, { candleMinutes: 0, tickerMinutes: 15 }));
    expect(a.status).toBe('READY');
    expect(a.components.momentum).toBeNull();
    expect(a.components.volatility).toBeNull();
    expect(a.confidence).toBeCloseTo(0.5 * 0.75, 12);
  });

  it('is READY from the candle history and a single ticker (a compacted ticker topic after a restart)', () => {
    const all = series('BTCUSDT', STEADY_RISE, { tickerMinutes: 0 });
    const a = assessed(all);
    expect(a.status).toBe('READY');
    expect(a.state).toBe('OPTIMISMO');
    expect(a.components.volume).toBeNull();
    expect(a.components.price).toBeCloseTo(0.4 * Math.tanh(1) + 0.4 * Math.tanh(2), 6);
  });
});

describe('order tolerance', () => {
  const ordered = series('BTCUSDT', CRASH);
  const expected = assessed(ordered);

  it('gives the same assessment for any arrival order with any duplicates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: ordered.length, maxLength: ordered.length }),
        fc.array(fc.tuple(fc.nat({ max: ordered.length - 1 }), fc.double({ min: 0, max: 1, noNaN: true })), {
          maxLength: 60,
        }),
        (keys, dupes) => {
          const shuffled = ordered.map((input, i) => ({ input, key: keys[i] as number }));
          for (const [d, key] of dupes) shuffled.push({ input: ordered[d] as PsychInput, key });
          shuffled.sort((x, y) => x.key - y.key);
          expect(assessed(shuffled.map((s) => s.input))).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('gives the same assessment when every record arrives newest first', () => {
    expect(assessed([...ordered].reverse())).toEqual(expected);
  });

  it('reports whether a record changed the windows', () => {
    const c = new PsychComputable();
    expect(c.addSpot(spot('BTCUSDT', NOW, 100, 1e9, 1))).toBe(true);
    expect(c.addSpot(spot('BTCUSDT', NOW, 100, 1e9, 1))).toBe(false);
    expect(c.addSpot(spot('BTCUSDT', NOW - 20 * MINUTE, 100, 1e9, 1))).toBe(false);
    expect(c.addSpot(spot('BTCUSDT', NOW + 1000, 0, 1e9, 1))).toBe(false);
    expect(c.addFutures(futures('BTCUSDT', NOW, 0.0001))).toBe(true);
    expect(c.addFutures(futures('BTCUSDT', NOW, 0.0001))).toBe(false);
    expect(c.addKline(kline('BTCUSDT', NOW - MINUTE, 100))).toBe(true);
    expect(c.addKline(kline('BTCUSDT', NOW - MINUTE, 101))).toBe(false);
    expect(c.eventTime).toBe(NOW);
  });
});

describe('hysteresis', () => {
  it('does not flap while the score oscillates around 0.6 ± 0.005', () => {
    let state = classifyState(0.63, undefined, 0.02);
    const seen = [state];
    for (let i = 0; i < 20; i++) {
      state = classifyState(i % 2 === 0 ? 0.595 : 0.605, state, 0.02);
      seen.push(state);
    }
    expect(new Set(seen)).toEqual(new Set(['OPTIMISMO']));

    state = classifyState(0.55, undefined, 0.02);
    for (let i = 0; i < 20; i++) state = classifyState(i % 2 === 0 ? 0.605 : 0.595, state, 0.02);
    expect(state).toBe('NEUTRAL');
  });

  it('leaves the state once the score passes the band edge by more than the hysteresis', () => {
    expect(classifyState(0.579, 'OPTIMISMO', 0.02)).toBe('NEUTRAL');
    expect(classifyState(0.58, 'OPTIMISMO', 0.02)).toBe('OPTIMISMO');
    expect(classifyState(0.62, 'NEUTRAL', 0.02)).toBe('OPTIMISMO');
    expect(classifyState(0.15, 'OPTIMISMO', 0.02)).toBe('PANICO');
  });

  it('classifies without memory by the plain thresholds', () => {
    expect([0.8, 0.79, 0.6, 0.4, 0.2, 0.19].map(rawState)).toEqual([
      'EUFORIA',
      'OPTIMISMO',
      'OPTIMISMO',
      'NEUTRAL',
      'PESIMISMO',
      'PANICO',
    ]);
  });

  it('holds the previous READY state inside the hysteresis band', () => {
    const c = feed(new PsychComputable({ ...DEFAULT_PSYCH_PARAMS, hysteresis: 0.1 }), series('BTCUSDT', STEADY_RISE));
    c.commit({ status: 'READY', state: 'EUFORIA', score: 0.82, eventTime: NOW - 1000 });
    const a = c.assess();
    expect(a.score).toBeLessThan(0.8);
    expect(a.state).toBe('EUFORIA');
  });
});

describe('transitions', () => {
  it('calls a jump from NEUTRAL to PANICO REVOLUCIONARIA NEGATIVA, with |Δscore| per second', () => {
    const c = feed(new PsychComputable(), series('ETHUSDT', CRASH));
    c.commit({ status: 'READY', state: 'NEUTRAL', score: 0.5, eventTime: NOW - 60_000 });
    const a = c.assess();
    const delta = (a.score as number) - 0.5;
    expect(a.transition).toEqual({
      kind: 'REVOLUCIONARIA',
      direction: 'NEGATIVA',
      previousState: 'NEUTRAL',
      deltaScore: delta,
      velocity: Math.abs(delta) / 60,
    });
  });

  it('grades by |Δscore| first, then by how many states the move crossed', () => {
    const prev = { state: 'NEUTRAL' as const, score: 0.5, eventTime: 0 };
    expect(transitionOf(prev, 'OPTIMISMO', 0.59, 2000)).toMatchObject({ kind: 'ESTABLE', direction: 'POSITIVA' });
    expect(transitionOf(prev, 'NEUTRAL', 0.39, 2000)).toMatchObject({ kind: 'MODERADA', direction: 'NEGATIVA' });
    const significant = transitionOf(prev, 'OPTIMISMO', 0.65, 2000);
    expect(significant.kind).toBe('SIGNIFICATIVA');
    expect(significant.velocity).toBeCloseTo(0.15 / 2, 12);
    expect(transitionOf(prev, 'EUFORIA', 0.85, 2000)).toMatchObject({ kind: 'REVOLUCIONARIA' });
    expect(transitionOf(prev, 'NEUTRAL', 0.5, 0)).toMatchObject({ kind: 'ESTABLE', velocity: 0 });
  });

  it('ignores WARMING_UP assessments as a reference', () => {
    const c = new PsychComputable();
    c.commit({ status: 'WARMING_UP', state: null, score: null, eventTime: NOW });
    expect(c.previous).toBeUndefined();
  });
});

describe('psychRecord', () => {
  it('builds a record that satisfies the analytics.psych contract, READY or WARMING_UP', () => {
    const ready = psychRecord('BTCUSDT', assessed(series('BTCUSDT', CRASH)), NOW + 5, 900_000);
    const warming = psychRecord(
      'BTCUSDT',
      assessed(series('BTCUSDT', FLAT, { candleMinutes: 0, tickerMinutes: 1 })),
      NOW + 5,
      900_000,
    );
    expect(contractViolation('analytics.psych', ready)).toBeUndefined();
    expect(contractViolation('analytics.psych', warming)).toBeUndefined();
    expect(ready).toMatchObject({
      symbol: 'BTCUSDT',
      eventTime: NOW,
      emitTime: NOW + 5,
      source: 'psych',
      windowMs: 900_000,
    });
    expect(warming.status).toBe('WARMING_UP');
  });

  it('scores null when no component is present', () => {
    const none = { price: null, volume: null, funding: null, volatility: null, liquidity: null, momentum: null };
    expect(psychScore(none)).toBeNull();
  });
});
