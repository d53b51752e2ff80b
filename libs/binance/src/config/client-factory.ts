import type { Logger } from '@marketpipe/runtime';
import type { Registry } from 'prom-client';
import { BinanceRestClient } from '../rest/client';
import type { Product } from '../rest/products';
import type { BinanceClientConfig } from './client-config';

/** The client of one product as the service's environment configures it. */
export function binanceClientFromConfig(
  product: Product,
  baseUrl: string,
  config: BinanceClientConfig,
  logger: Logger,
  metrics: Registry,
): BinanceRestClient {
  return new BinanceRestClient({
    product,
    baseUrl,
    logger,
    metrics,
    timeoutMs: config.BINANCE_TIMEOUT_MS,
    retries: config.BINANCE_RETRIES,
    breaker: { resetTimeoutMs: config.BINANCE_BREAKER_RESET_MS },
  });
}
