export { backoffDelay, type BackoffOptions } from './backoff';
export { BinanceRestClient, type BinanceClientOptions, type BreakerOptions } from './client';
export {
  BannedError,
  BinanceError,
  BinanceHttpError,
  BodyError,
  BreakerOpenError,
  RateLimitedError,
  TransportError,
} from './errors';
export { binanceMetrics, type BinanceMetrics } from './metrics';
export { API_PREFIX, DEFAULT_BASE_URL, DEFAULT_WEIGHT_LIMIT, PRODUCTS, type Product } from './products';
export { headerShowsRoom, SendGate, type GateTicket } from './send-gate';
export { WeightBudget, type BudgetSnapshot, type Permit, type Sleep, type WeightBudgetOptions } from './weight-budget';
export { requestWeight, type Params } from './weights';
