export {
  CANDLE_INTERVAL_MS,
  range,
  SRONA_CONFIG,
  sronaParams,
  type CandleInterval,
  type Range,
  type SronaConfig,
} from './config';
export * from './model';
export { SronaService, type SronaDeps } from './service';
