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
  DEFAULT_FUNDING_INTERVAL_HOURS,
  FUTURES_FUNDING_INFO,
  NO_FUNDING_TERMS,
  fundingIntervalTable,
  mapFuturesFundingInfo,
  type FundingTerms,
  type FuturesFundingInterval,
} from './fundingInfo';
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
export { FUTURES_STREAM_MARK, FUTURES_STREAM_MARK_EVENT, mapFuturesStreamMark } from './streamMark';
export { FuturesStreamState } from './streamState';
export {
  FUTURES_STREAM_TICKER,
  FUTURES_STREAM_TICKER_EVENT,
  FUTURES_WS_SOURCE,
  mapFuturesStreamTicker,
} from './streamTicker';
