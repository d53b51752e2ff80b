export { erfc, normCdf, normInv, normPdf } from './normal';
export {
  blackScholesGreeks,
  blackScholesPrice,
  DAYS_PER_YEAR,
  impliedVolatility,
  IV_PRICE_TOLERANCE,
  IV_RESOLUTION,
  IV_ROUNDING,
  type Greeks,
  type OptionInputs,
  type OptionSide,
} from './black-scholes';
export { logReturns, mean, realizedVolatility, stdev, variance } from './stats';
export {
  atmVolAt,
  contractIV,
  smileIVAtCallDelta,
  smileIVAtStrike,
  volSurface,
  type ChainContract,
  type ContractIV,
  type Smile,
  type SmilePoint,
  type SurfaceMarket,
  type TermPoint,
  type VolSurface,
} from './vol-surface';
