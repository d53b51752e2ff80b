import { contractViolation } from '@marketpipe/contracts';
import {
  futuresTicker,
  optionsChain,
  optionContract,
  psychState,
  quantumScore,
  spotTicker,
  sronaReport,
} from '../../../libs/contracts/test/samples';
import { mergeGlobal, partialAggregate, regimeOf } from '../src/model/global';
import { nearMoney, SymbolState } from '../src/model/state';
import { buildUnified } from '../src/model/unified';

const T = spotTicker().eventTime;

function fullState(symbol = 'ETHUSDT'): SymbolState {
  const s = new SymbolState(symbol);
  s.applySpot(spotTicker(symbol), T + 10);
  s.applyFutures(futuresTicker(symbol), T + 11);
  s.applyOptions(optionsChain(symbol), T + 12);
  s.applyQuantum(quantumScore(symbol), T + 13);
  s.applyPsych(psychState(symbol), T + 14);
  s.applySrona(sronaReport(symbol), T + 15);
  return s;
}

describe('SymbolState: the join never moves backwards', () => {
  it('keeps the record with the newest eventTime', () => {
    const s = new SymbolState('BTCUSDT');
    expect(s.applySpot({ ...spotTicker(), lastPrice: 1, eventTime: T }, T)).toBe(true);
    expect(s.applySpot({ ...spotTicker(), lastPrice: 2, eventTime: T + 1000 }, T + 1000)).toBe(true);
    expect(s.spot?.record.lastPrice).toBe(2);
  });

  it('treats a duplicate and an out-of-order record as no-ops', () => {
    const s = new SymbolState('BTCUSDT');
    s.applySpot({ ...spotTicker(), lastPrice: 2, eventTime: T + 1000 }, T);
    const version = s.version;
    expect(s.applySpot({ ...spotTicker(), lastPrice: 9, eventTime: T + 1000 }, T)).toBe(false);
    expect(s.applySpot({ ...spotTicker(), lastPrice: 1, eventTime: T }, T)).toBe(false);
    expect(s.spot?.record.lastPrice).toBe(2);
    expect(s.version).toBe(version);
  });

  it('reports a change only until it is emitted', () => {
    const s = fullState();
    expect(s.changedSinceEmit(T, 10_000)).toBe(true);
    s.emittedVersion = s.version;
    expect(s.changedSinceEmit(T, 10_000)).toBe(false);
    s.applyQuantum(quantumScore('ETHUSDT'), T); // same eventTime: nothing new
    expect(s.changedSinceEmit(T, 10_000)).toBe(false);
  });

  it('reports a change when a source crosses the stale threshold, once', () => {
    const s = fullState(); // every source at eventTime T
    s.emittedVersion = s.version;
    s.emittedStaleMask = s.staleMask(T + 10_000, 10_000);
    expect(s.emittedStaleMask).toBe(0); // exactly at the threshold is still fresh
    expect(s.changedSinceEmit(T + 10_000, 10_000)).toBe(false);
    expect(s.changedSinceEmit(T + 10_001, 10_000)).toBe(true);
    s.emittedStaleMask = s.staleMask(T + 10_001, 10_000);
    expect(s.emittedStaleMask).toBe(0b111111);
    expect(s.changedSinceEmit(T + 60_000, 10_000)).toBe(false);
    s.applySpot({ ...spotTicker('ETHUSDT'), eventTime: T + 60_000 }, T + 60_000);
    expect(s.staleMask(T + 60_000, 10_000)).toBe(0b111110);
  });
});

describe('buildUnified', () => {
  it('holds every source, fresh, with confidence 1 right after the inputs', () => {
    const u = buildUnified(fullState(), T + 100, { staleMs: 10_000 });
    expect(contractViolation('unified-market', u)).toBeUndefined();
    expect(u.sourcesPresent).toEqual(['SPOT', 'FUTURES', 'OPTIONS', 'QUANTUM', 'PSYCH', 'SRONA']);
    expect(u.confidence).toBe(1);
    expect(u.freshness.find((f) => f.source === 'SPOT')).toEqual({
      source: 'SPOT',
      present: true,
      ageMs: 100,
      stale: false,
    });
    expect(u.processingTimeMs).toBe(100 - 15);
    expect(u.eventTime).toBe(T);
  });

  it('marks a source stale strictly after the threshold and counts absent ones as stale', () => {
    const s = new SymbolState('BTCUSDT');
    s.applySpot(spotTicker(), T);
    s.applyFutures({ ...futuresTicker(), eventTime: T - 1 }, T);
    const u = buildUnified(s, T + 10_000, { staleMs: 10_000 });
    expect(u.freshness.find((f) => f.source === 'SPOT')).toEqual({
      source: 'SPOT',
      present: true,
      ageMs: 10_000,
      stale: false,
    });
    expect(u.freshness.find((f) => f.source === 'FUTURES')).toEqual({
      source: 'FUTURES',
      present: true,
      ageMs: 10_001,
      stale: true,
    });
    expect(u.freshness.find((f) => f.source === 'OPTIONS')).toEqual({
      source: 'OPTIONS',
      present: false,
      ageMs: null,
      stale: true,
    });
    expect(u.confidence).toBeCloseTo(1 / 6, 15);
    expect(u.options).toBeNull();
  });
});

describe('derived records are as fresh as their oldest input', () => {
  it('ages a SRONA report by the spot price it used, not by its newer chain', () => {
    // The chain keeps coming (eventTime T) while the spot feed stopped 37 s before.
    const s = new SymbolState('ETHUSDT');
    s.applySrona({ ...sronaReport(), eventTime: T, oldestInputTime: T - 37_000 }, T);
    s.applyPsych({ ...psychState('ETHUSDT'), eventTime: T, oldestInputTime: T - 2_000 }, T);
    const u = buildUnified(s, T + 1_000, { staleMs: 10_000 });
    expect(u.freshness.find((f) => f.source === 'SRONA')).toEqual({
      source: 'SRONA',
      present: true,
      ageMs: 38_000,
      stale: true,
    });
    expect(u.freshness.find((f) => f.source === 'PSYCH')).toMatchObject({ ageMs: 3_000, stale: false });
    expect(u.eventTime).toBe(T); // the newest exchange time the record stands for is unchanged
    const srona = 1 << 5; // bit order of UnifiedSourceValues
    expect(s.staleMask(T + 1_000, 10_000) & srona).toBe(srona);
  });

  it('ages a record written before oldestInputTime was carried (null) by its eventTime', () => {
    const s = new SymbolState('ETHUSDT');
    s.applySrona({ ...sronaReport(), eventTime: T, oldestInputTime: null }, T);
    expect(buildUnified(s, T + 1_000, { staleMs: 10_000 }).freshness.find((f) => f.source === 'SRONA')).toMatchObject({
      ageMs: 1_000,
      stale: false,
    });
  });
});

describe('nearMoney', () => {
  it('keeps the nearest expiries and strikes within the band, nearest strikes first under the cap', () => {
    const base = optionContract();
    const chain = {
      ...optionsChain(),
      indexPrice: 100,
      contracts: [
        { ...base, symbol: 'a', strike: 100, expiryTime: 1 },
        { ...base, symbol: 'b', strike: 104, expiryTime: 1 },
        { ...base, symbol: 'c', strike: 110, expiryTime: 1 },
        { ...base, symbol: 'd', strike: 99, expiryTime: 2 },
        { ...base, symbol: 'e', strike: 100, expiryTime: 3 },
      ],
    };
    expect(nearMoney(chain, { expiries: 2, maxDistance: 0.05, maxContracts: 10 }).map((c) => c.symbol)).toEqual([
      'a',
      'b',
      'd',
    ]);
    expect(nearMoney(chain, { expiries: 2, maxDistance: 0.05, maxContracts: 2 }).map((c) => c.symbol)).toEqual([
      'a',
      'd',
    ]);
  });
});

describe('global metrics', () => {
  const states = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT'].map((sym, i) => {
    const s = new SymbolState(sym);
    s.applySpot({ ...spotTicker(sym), quoteVolume: 1000 * (i + 1), priceChangePercent: i - 1 }, T);
    s.applyQuantum({ ...quantumScore(sym), ensembleScore: 0.1 * (i + 1) }, T);
    s.applyPsych({ ...psychState(sym), state: i < 3 ? 'OPTIMISMO' : 'PANICO' }, T);
    return s;
  });

  it('averages volume, price change and quantum score over the symbols', () => {
    const g = partialAggregate(states, 'c0', [0, 1], T + 5);
    expect(contractViolation('unified-market.global', g)).toBeUndefined();
    expect(g.symbolCount).toBe(4);
    expect(g.averageQuoteVolume).toBe(2500);
    expect(g.averagePriceChangePercent).toBe(0.5);
    expect(g.averageQuantumScore).toBeCloseTo(0.25, 15);
    expect(g.psychStateCounts).toEqual({ euforia: 0, optimismo: 3, neutral: 0, pesimismo: 0, panico: 1 });
    expect(g.regime).toBe('RISK_ON');
  });

  it('merges two instances partials into exactly what one instance computes', () => {
    const whole = partialAggregate(states, 'one', [0, 1, 2, 3], T);
    const merged = mergeGlobal([
      partialAggregate(states.slice(0, 1), 'a', [0, 2], T),
      partialAggregate(states.slice(1), 'b', [1, 3], T),
    ]);
    expect({ ...merged, instanceId: 'one' }).toEqual(whole);
  });

  it('derives the regime from psych states and price drift', () => {
    const counts = { euforia: 0, optimismo: 0, neutral: 0, pesimismo: 2, panico: 1 };
    expect(regimeOf(counts, -1.2)).toBe('RISK_OFF');
    expect(regimeOf(counts, 2)).toBe('NEUTRAL');
    expect(regimeOf({ ...counts, pesimismo: 0, panico: 0 }, null)).toBe('UNKNOWN');
  });
});
