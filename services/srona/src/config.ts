import { KLINE_INTERVAL_MS, klineTopic, TOPIC_POLICY, type KlineInterval } from '@marketpipe/contracts';
import { ConfigError, defineConfig, int, num, oneOf, type ConfigOf, type Parser } from '@marketpipe/runtime';
import { DAY_MS, type SronaParams } from './model/params';

/** Binance kline intervals the history may be kept in, with their length (the contracts' table). */
export const CANDLE_INTERVAL_MS = KLINE_INTERVAL_MS;

export type CandleInterval = KlineInterval;
const CANDLE_INTERVALS = Object.keys(CANDLE_INTERVAL_MS) as CandleInterval[];

export interface Range {
  min: number;
  max: number;
}

/** `min:max`, both finite numbers within the bounds, min <= max. */
export function range(bounds: { min?: number; max?: number } = {}): Parser<Range> {
  const number = num(bounds);
  return (raw) => {
    const parts = raw.split(':');
    if (parts.length !== 2) throw new Error('expected min:max');
    const min = number((parts[0] as string).trim());
    const max = number((parts[1] as string).trim());
    if (min > max) throw new Error(`min ${min} is above max ${max}`);
    return { min, max };
  };
}

export const SRONA_CONFIG = defineConfig({
  SRONA_INTERVAL_MS: { doc: 'Evaluation and publish cadence, ms', parse: int({ min: 100 }), default: '2000' },
  SRONA_CANDLE_INTERVAL: {
    doc: 'Kline interval of the spot history used for realized vol and move frequencies (market.spot.kline must carry it)',
    parse: oneOf(CANDLE_INTERVALS),
    default: '1h',
  },
  SRONA_RV_WINDOW_DAYS: {
    doc: 'Realized-volatility window, days (close-to-close log returns, annualized over 365 days)',
    parse: num({ min: 0.01, max: 3650 }),
    default: '14',
  },
  SRONA_HISTORY_DAYS: {
    doc: 'Candle history kept per underlying for the frequency analysis, days (at least the RV window)',
    parse: num({ min: 0.01, max: 3650 }),
    default: '30',
  },
  SRONA_MIN_OPEN_INTEREST: {
    doc: 'Candidate filter: open interest must be above this (contracts)',
    parse: num({ min: 0 }),
    default: '0',
  },
  SRONA_MIN_VOLUME: {
    doc: 'Candidate filter: 24h volume must be above this (contracts)',
    parse: num({ min: 0 }),
    default: '0',
  },
  SRONA_MAX_SPREAD: {
    doc: 'Candidate filter: (ask - bid) / mid must be below this',
    parse: num({ min: 0, max: 2 }),
    default: '0.3',
  },
  SRONA_DAYS_TO_EXPIRY: {
    doc: 'Candidate filter: days to expiry, min:max inclusive',
    parse: range({ min: 0, max: 3650 }),
    default: '7:45',
  },
  SRONA_CALL_MONEYNESS: {
    doc: 'Candidate filter: call strike / spot, min:max inclusive (5-20 % out of the money)',
    parse: range({ min: 0 }),
    default: '1.05:1.20',
  },
  SRONA_PUT_MONEYNESS: {
    doc: 'Candidate filter: put strike / spot, min:max inclusive (5-20 % out of the money)',
    parse: range({ min: 0 }),
    default: '0.80:0.95',
  },
  SRONA_MIN_SCORE: {
    doc: 'An opportunity needs at least this score (0..1)',
    parse: num({ min: 0, max: 1 }),
    default: '0.6',
  },
  SRONA_MIN_CONFIDENCE: {
    doc: 'An opportunity needs at least this confidence (0..1)',
    parse: num({ min: 0, max: 1 }),
    default: '0.7',
  },
  SRONA_TOP_N: {
    doc: 'Opportunities published per underlying, best score x confidence first',
    parse: int({ min: 1, max: 1000 }),
    default: '10',
  },
  SRONA_RISK_FREE_RATE: {
    doc: 'Continuously compounded rate per year for Black-Scholes and discounting (0.05 = 5 %)',
    parse: num({ min: -1, max: 1 }),
    default: '0',
  },
  SRONA_FREQUENCY_MIN_SPANS: {
    doc: 'A move distribution is marked extrapolated (and loses up to 20 % confidence) when the history spans fewer than this many horizons',
    parse: num({ min: 1, max: 100 }),
    default: '2',
  },
  SRONA_STALE_MS: {
    doc: 'Inputs older than this lose confidence (0 at twice this age; candles get one interval more), ms',
    parse: int({ min: 1 }),
    default: '60000',
  },
});

export type SronaConfig = ConfigOf<typeof SRONA_CONFIG>;

/** The model parameters of a parsed configuration. */
export function sronaParams(c: SronaConfig): SronaParams {
  const candleIntervalMs = CANDLE_INTERVAL_MS[c.SRONA_CANDLE_INTERVAL];
  const rvWindowMs = Math.max(2 * candleIntervalMs, Math.round(c.SRONA_RV_WINDOW_DAYS * DAY_MS));
  const historyMs = Math.max(rvWindowMs, Math.round(c.SRONA_HISTORY_DAYS * DAY_MS));
  // A history longer than its topic keeps would be complete only until the first restart.
  const topic = klineTopic(candleIntervalMs);
  const retentionMs = TOPIC_POLICY[topic].retentionMs;
  if (historyMs > retentionMs) {
    throw new ConfigError([
      `SRONA_HISTORY_DAYS=${c.SRONA_HISTORY_DAYS} (with SRONA_RV_WINDOW_DAYS=${c.SRONA_RV_WINDOW_DAYS}): ${c.SRONA_CANDLE_INTERVAL} candles are kept ${retentionMs / DAY_MS} days on ${topic}; use at most that, or an interval of 1h or longer`,
    ]);
  }
  return {
    candleIntervalMs,
    rvWindowMs,
    historyMs,
    minOpenInterest: c.SRONA_MIN_OPEN_INTEREST,
    minVolume: c.SRONA_MIN_VOLUME,
    maxRelativeSpread: c.SRONA_MAX_SPREAD,
    minDaysToExpiry: c.SRONA_DAYS_TO_EXPIRY.min,
    maxDaysToExpiry: c.SRONA_DAYS_TO_EXPIRY.max,
    callMinMoneyness: c.SRONA_CALL_MONEYNESS.min,
    callMaxMoneyness: c.SRONA_CALL_MONEYNESS.max,
    putMinMoneyness: c.SRONA_PUT_MONEYNESS.min,
    putMaxMoneyness: c.SRONA_PUT_MONEYNESS.max,
    minScore: c.SRONA_MIN_SCORE,
    minConfidence: c.SRONA_MIN_CONFIDENCE,
    topN: c.SRONA_TOP_N,
    riskFreeRate: c.SRONA_RISK_FREE_RATE,
    frequencyMinSpans: c.SRONA_FREQUENCY_MIN_SPANS,
    staleMs: c.SRONA_STALE_MS,
  };
}
