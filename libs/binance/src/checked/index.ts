// Checked parsing of Binance REST bodies: shape checks, field parsers by meaning, rejections.
// Pure: no I/O, no clock. The capture services' map/ modules are built on these.
export { PayloadError, FieldError } from './errors';
export { describeValue } from './describe';
export {
  type Mapped,
  type MapContext,
  type RawObject,
  type Rejection,
  expectArray,
  expectArrayAt,
  expectArrayOrObject,
  expectObject,
  isRawObject,
  mapElements,
  orThrow,
  rejectionOf,
} from './mapped';
export {
  MAX_DATE_MS,
  MAX_FUTURE_SKEW_MS,
  MIN_TIME_MS,
  count,
  dateMs,
  isDecimalText,
  parseDecimalText,
  oneOf,
  optionalAboveZero,
  optionalDateMs,
  optionalNumber,
  optionalPositive,
  positiveInteger,
  requiredNonNegative,
  requiredNumber,
  requiredPositive,
  requiredString,
  timeMs,
  timeMsFromText,
} from './numbers';
export { parseRateLimits, type RateLimit } from './rateLimits';
export { instrumentTable, type InstrumentEntry, type SkippedSymbol } from './instruments';
export { mapStreamEvents } from './stream-events';
