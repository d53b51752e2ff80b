export {
  assembleOptionsChains,
  mapOptionsChains,
  summarizeChain,
  type OptionsChainContext,
  type OptionsChainParts,
  type RawOptionsChainBodies,
} from './chain';
export {
  OPTIONS_EXCHANGE_INFO,
  expirationOf,
  mapOptionsExchangeInfo,
  openInterestQueries,
  parseOptionSymbol,
  type OptionInstrument,
  type OptionsExchangeInfo,
  type ParsedOptionSymbol,
  type SkippedSymbol,
} from './exchangeInfo';
export { OPTIONS_INDEX, mapOptionsIndex, type OptionsIndex } from './indexPrice';
export { OPTIONS_MARK, mapOptionsMark, type OptionMark } from './mark';
export {
  OPTIONS_OPEN_INTEREST,
  keepLatestOptionOpenInterest,
  mapOptionsOpenInterest,
  type OptionOpenInterest,
} from './openInterest';
export { OPTIONS_TICKER, mapOptionsTicker, type OptionTicker } from './ticker';
export {
  OPTIONS_STREAM_INDEX,
  OPTIONS_STREAM_MARK,
  OPTIONS_STREAM_OPEN_INTEREST,
  OPTIONS_STREAM_TICKER,
  OPTIONS_WS_SOURCE,
  mapOptionsStreamIndex,
  mapOptionsStreamMark,
  mapOptionsStreamOpenInterest,
  mapOptionsStreamTicker,
  type OptionStreamMark,
  type OptionStreamTicker,
} from './streamPayloads';
export { OptionsChainState } from './streamState';
