/** The three Binance REST products marketpipe reads, each its own host and its own weight budget. */
export type Product = 'spot' | 'futures' | 'options';

export const PRODUCTS: readonly Product[] = ['spot', 'futures', 'options'];

export const DEFAULT_BASE_URL: Record<Product, string> = {
  spot: 'https://api.binance.com',
  futures: 'https://fapi.binance.com',
  options: 'https://eapi.binance.com',
};

/** Path prefix of each product's market-data API. */
export const API_PREFIX: Record<Product, string> = {
  spot: '/api/v3',
  futures: '/fapi/v1',
  options: '/eapi/v1',
};

/**
 * Documented REQUEST_WEIGHT per minute (BINANCE_API.md §4.1), used only until the live
 * exchangeInfo `rateLimits` are read: the budget always prefers what the server publishes.
 */
export const DEFAULT_WEIGHT_LIMIT: Record<Product, number> = {
  spot: 6000,
  futures: 2400,
  options: 2400,
};
