export {
  SPOT_EXCHANGE_INFO,
  mapSpotExchangeInfo,
  type SkippedSymbol,
  type SpotExchangeInfo,
  type SpotInstrument,
} from './exchangeInfo';
export {
  SPOT_KLINES,
  SPOT_KLINE_INTERVALS,
  mapSpotKlines,
  type SpotKlineContext,
  type SpotKlineInterval,
} from './klines';
export { SPOT_TICKER_24HR, mapSpotTickers } from './ticker24hr';
export { SPOT_STREAM_TICKER, SPOT_STREAM_TICKER_EVENT, SPOT_WS_SOURCE, mapSpotStreamTicker } from './streamTicker';
export { SPOT_STREAM_KLINE, SPOT_STREAM_KLINE_EVENT, mapSpotStreamKline } from './streamKline';
