export {
  FUTURES_EXCHANGE_INFO,
  PERPETUAL_DELIVERY_DATE,
  isPerpetual,
  mapFuturesExchangeInfo,
  type FuturesExchangeInfo,
  type FuturesInstrument,
  type SkippedSymbol,
} from './exchangeInfo';
export {
  mapFuturesTickers,
  mergeFuturesTickers,
  type FuturesTickerContext,
  type FuturesTickerParts,
} from './futuresTicker';
export {
  FUTURES_OPEN_INTEREST,
  keepLatestOpenInterest,
  mapFuturesOpenInterest,
  type FuturesOpenInterest,
} from './openInterest';
export { FUTURES_PREMIUM_INDEX, mapFuturesPremiumIndex, type FuturesPremiumIndex } from './premiumIndex';
export { FUTURES_TICKER_24HR, mapFuturesTicker24hr, type FuturesTicker24h } from './ticker24hr';
