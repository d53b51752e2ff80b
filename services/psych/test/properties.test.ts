import { contractViolation, type PsychComponents } from '@marketpipe/contracts';
import fc from 'fast-check';
import {
  fundingComponent,
  liquidityComponent,
  momentumComponent,
  PsychComputable,
  psychRecord,
  psychScore,
  priceComponent,
  realizedVolPerMinute,
  rsiWilder,
  volatilityComponent,
  volumeComponent,
  type PsychAssessment,
} from '../src/model';
import { futures, kline, MINUTE, NOW, spot, type PsychInput } from './series';

/** Any finite double, with zeros, the extremes and the smallest subnormal well represented. */
const finite = fc.oneof(
  fc.constantFrom(0, -0, 5e-324, -5e-324, 1e-300, 1, -1, 1e300, Number.MAX_VALUE, -Number.MAX_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const positive = fc.oneof(
  fc.constantFrom(5e-324, 1e-300, 1e-8, 1, 1e300, Number.MAX_VALUE),
  fc.double({ min: 5e-324, max: Number.MAX_VALUE, noNaN: true }),
);

function inUnit(x: number | null): boolean {
  return x === null || (Number.isFinite(x) && x >= -1 && x <= 1);
}

describe('every component stays in [−1, 1] and finite for any finite input', () => {
  it('price', () => {
    fc.assert(fc.property(finite, finite, (r1, r5) => inUnit(priceComponent(r1, r5))));
  });

  it('volume', () => {
    fc.assert(
      fc.property(finite, finite, positive, positive, positive, positive, (qv0, qv1, p0, p1, span, win) =>
        inUnit(volumeComponent(qv0, qv1, p0, p1, span, win)),
      ),
    );
  });

  it('funding', () => {
    fc.assert(fc.property(finite, fc.option(finite), (f, ref) => inUnit(fundingComponent(f, ref))));
  });

  it('volatility', () => {
    fc.assert(fc.property(finite, finite, (s, l) => inUnit(volatilityComponent(s, l))));
  });

  it('liquidity', () => {
    fc.assert(fc.property(finite, finite, (now, mean) => inUnit(liquidityComponent(now, mean))));
  });

  it('momentum', () => {
    fc.assert(fc.property(finite, (rsi) => inUnit(momentumComponent(rsi))));
  });
});

describe('indicators stay finite', () => {
  it('RSI is in [0, 100] for any positive closes', () => {
    fc.assert(
      fc.property(fc.array(positive, { minLength: 15, maxLength: 60 }), (closes) => {
        const rsi = rsiWilder(closes) as number;
        return Number.isFinite(rsi) && rsi >= 0 && rsi <= 100;
      }),
    );
  });

  it('realized vol is finite and non-negative for any positive path', () => {
    fc.assert(
      fc.property(fc.array(positive, { minLength: 2, maxLength: 60 }), (prices) => {
        const times = prices.map((_, i) => i * MINUTE);
        const vol = realizedVolPerMinute(times, prices, 0, prices.length, 1);
        return vol === null || (Number.isFinite(vol) && vol >= 0);
      }),
    );
  });

  it('the score is in [0, 1] for any components in [−1, 1], present or not', () => {
    const c = fc.option(fc.double({ min: -1, max: 1, noNaN: true }));
    fc.assert(
      fc.property(c, c, c, c, c, c, (price, volume, funding, volatility, liquidity, momentum) => {
        const s = psychScore({ price, volume, funding, volatility, liquidity, momentum });
        return s === null || (Number.isFinite(s) && s >= 0 && s <= 1);
      }),
    );
  });
});

const offset = fc.integer({ min: -70 * 60_000, max: 0 });
const input: fc.Arbitrary<PsychInput> = fc.oneof(
  fc
    .record({ dt: offset, price: finite, qv: finite, bid: fc.option(finite), ask: fc.option(finite) })
    .map(({ dt, price, qv, bid, ask }) => {
      const value = { ...spot('BTCUSDT', NOW + dt, price, qv, null), bidPrice: bid, askPrice: ask };
      return { topic: 'market.spot.ticker' as const, value };
    }),
  fc.record({ dt: offset, funding: fc.option(finite) }).map(({ dt, funding }) => ({
    topic: 'market.futures.ticker' as const,
    value: futures('BTCUSDT', NOW + dt, funding),
  })),
  fc.record({ minute: fc.integer({ min: -70, max: -1 }), close: finite }).map(({ minute, close }) => ({
    topic: 'market.spot.kline' as const,
    value: kline('BTCUSDT', NOW + minute * MINUTE, close),
  })),
);

function checkAssessment(a: PsychAssessment): void {
  for (const v of Object.values(a.components as PsychComponents)) expect(inUnit(v)).toBe(true);
  if (a.score !== null) expect(a.score >= 0 && a.score <= 1).toBe(true);
  expect(a.confidence >= 0 && a.confidence <= 1).toBe(true);
  if (a.transition !== null) {
    expect(Number.isFinite(a.transition.deltaScore)).toBe(true);
    expect(Number.isFinite(a.transition.velocity)).toBe(true);
  }
  expect(contractViolation('analytics.psych', psychRecord('BTCUSDT', a, NOW, 900_000))).toBeUndefined();
}

describe('no NaN or Infinity ever leaves the model', () => {
  it('for any sequence of finite records, including zeros, negatives and extreme values', () => {
    fc.assert(
      fc.property(
        fc.array(input, { minLength: 1, maxLength: 120 }),
        fc.array(input, { maxLength: 40 }),
        (first, then) => {
          const c = new PsychComputable();
          const feed = (inputs: PsychInput[]) => {
            for (const i of inputs) {
              if (i.topic === 'market.spot.ticker') c.addSpot(i.value);
              else if (i.topic === 'market.futures.ticker') c.addFutures(i.value);
              else c.addKline(i.value);
            }
          };
          feed(first);
          if (!Number.isFinite(c.eventTime)) return;
          const a = c.assess();
          checkAssessment(a);
          c.commit(a);
          feed(then);
          checkAssessment(c.assess());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('for a full hour of extreme but valid prices', () => {
    fc.assert(
      fc.property(
        fc.array(positive, { minLength: 61, maxLength: 61 }),
        fc.array(finite, { minLength: 61, maxLength: 61 }),
        (prices, volumes) => {
          const c = new PsychComputable();
          for (let m = 0; m < 60; m++) c.addKline(kline('BTCUSDT', NOW - (60 - m) * MINUTE, prices[m] as number));
          for (let s = 0; s <= 60; s++) {
            const t = NOW - (60 - s) * 15_000;
            const p = prices[s] as number;
            c.addSpot({
              ...spot('BTCUSDT', t, p, volumes[s] as number, null),
              bidPrice: p,
              askPrice: Math.min(Number.MAX_VALUE, p * 1.5),
            });
            c.addFutures(futures('BTCUSDT', t, volumes[s] as number));
          }
          const a = c.assess();
          expect(a.status).toBe('READY');
          checkAssessment(a);
          c.commit(a);
          const last = prices[60] as number;
          c.addSpot(spot('BTCUSDT', NOW + 1000, last === Number.MAX_VALUE ? 5e-324 : Number.MAX_VALUE, 0, 0));
          const b = c.assess();
          expect(b.transition).not.toBeNull();
          checkAssessment(b);
        },
      ),
      { numRuns: 200 },
    );
  });
});
