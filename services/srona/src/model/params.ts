/**
 * The parameters of the SRONA model: filter floors and ceilings, thresholds, estimator windows.
 * The service builds them once from its configuration (config.ts); the model only reads them.
 */

export const DAY_MS = 86_400_000;

export interface SronaParams {
  /** Length of one candle of the history (the kline interval the service keeps), ms. */
  candleIntervalMs: number;
  /** Realized-volatility window, ms (close-to-close returns of candles closing inside it). */
  rvWindowMs: number;
  /** Candle history kept per underlying, ms (>= rvWindowMs); the frequency analysis reads all of it. */
  historyMs: number;
  /** Liquidity: open interest must be strictly above this (contracts). */
  minOpenInterest: number;
  /** Liquidity: 24h volume must be strictly above this (contracts). */
  minVolume: number;
  /** Liquidity: (ask - bid) / mid must be strictly below this. */
  maxRelativeSpread: number;
  /** Days to expiry, inclusive bounds. */
  minDaysToExpiry: number;
  maxDaysToExpiry: number;
  /** strike / spot bands, inclusive: calls 5-20 % and puts 5-20 % out of the money by default. */
  callMinMoneyness: number;
  callMaxMoneyness: number;
  putMinMoneyness: number;
  putMaxMoneyness: number;
  /** An opportunity needs score >= minScore and confidence >= minConfidence (and positive edge under both models). */
  minScore: number;
  minConfidence: number;
  /** Opportunities kept per underlying, ranked by score x confidence. */
  topN: number;
  /** Continuously compounded risk-free rate per year used by Black-Scholes and discounting. */
  riskFreeRate: number;
  /** A horizon's move distribution is `extrapolated` (and costs confidence) when the history spans fewer than this many horizons. */
  frequencyMinSpans: number;
  /** Inputs older than this (ms) start losing confidence; at twice this age confidence is 0. */
  staleMs: number;
}

export const DEFAULT_PARAMS: SronaParams = {
  candleIntervalMs: 3_600_000,
  rvWindowMs: 14 * DAY_MS,
  historyMs: 30 * DAY_MS,
  minOpenInterest: 0,
  minVolume: 0,
  maxRelativeSpread: 0.3,
  minDaysToExpiry: 7,
  maxDaysToExpiry: 45,
  callMinMoneyness: 1.05,
  callMaxMoneyness: 1.2,
  putMinMoneyness: 0.8,
  putMaxMoneyness: 0.95,
  minScore: 0.6,
  minConfidence: 0.7,
  topN: 10,
  riskFreeRate: 0,
  frequencyMinSpans: 2,
  staleMs: 60_000,
};
