export { atmImpliedVol, chainStats, type ChainStats, type ExpiryStats } from './chain';
export { confidence, freshnessFactor, historyFactor, liquidityFactor } from './confidence';
export {
  evaluateUnderlying,
  referencePrice,
  SRONA_SOURCE,
  type DetectorCounters,
  type UnderlyingInputs,
} from './detector';
export {
  blackScholesFair,
  blackScholesProbOtm,
  newEdge,
  newPricingInputs,
  shortOptionEdge,
  stressPnl3Sigma,
  type ShortOption,
} from './edge';
export { filterCandidate, FILTER_REJECTIONS, relativeSpread, type FilterRejection } from './filters';
export {
  BOOTSTRAP_MOVES,
  blockLength,
  MAX_BLOCKS,
  moveDistribution,
  MoveDistribution,
  MoveDistributionCache,
  movesFromReturns,
  ReturnSeries,
} from './frequency';
export { modelGreeks, newModelGreeks, type ModelGreeks } from './greeks';
export { chainSurface, SURFACE_TENOR_DAYS } from './surface';
export { CandleHistory } from './history';
export {
  clamp01,
  deltaFlowDivergence,
  GAMMA_DELTA_SCALE,
  gammaExposure,
  marketSentiment,
  METRIC_WEIGHTS,
  openInterestImbalance,
  opportunityScore,
  THETA_RATE_SCALE,
  thetaDecay,
  VEGA_POINTS_SCALE,
  vegaRiskReward,
  volatilityMispricing,
  volumeAnomaly,
} from './metrics';
export { DAY_MS, DEFAULT_PARAMS, type SronaParams } from './params';
export { dayReturnFromHistory, realizedVolatility, type RealizedVol } from './volatility';
