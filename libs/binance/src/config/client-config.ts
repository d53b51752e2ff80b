import { defineConfig, int, num, type ConfigOf } from '@marketpipe/runtime';

/** Variables of the Binance REST client every capture service reads. */
export const BINANCE_CLIENT_CONFIG = defineConfig({
  BINANCE_TIMEOUT_MS: {
    doc: 'Timeout of one Binance request, ms',
    parse: int({ min: 100, max: 60_000 }),
    default: '5000',
  },
  BINANCE_RETRIES: {
    doc: 'Retries of a failed idempotent GET (timeouts, connection errors, 5xx)',
    parse: int({ min: 0, max: 10 }),
    default: '2',
  },
  BINANCE_WEIGHT_SHARE: {
    doc: 'Share of the REQUEST_WEIGHT limit the polling loops may use; cadences stretch to stay under it',
    parse: num({ min: 0.05, max: 0.95 }),
    default: '0.8',
  },
  BINANCE_BREAKER_RESET_MS: {
    doc: 'Open circuit breaker: wait before a half-open probe, ms',
    parse: int({ min: 100 }),
    default: '5000',
  },
});

export type BinanceClientConfig = ConfigOf<typeof BINANCE_CLIENT_CONFIG>;
