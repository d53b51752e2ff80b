import { BINANCE_CLIENT_CONFIG, BINANCE_STREAM_CONFIG } from '@marketpipe/binance';
import { defineConfig, int, list, str, url, type ConfigOf } from '@marketpipe/runtime';

export const CAPTURE_FUTURES_CONFIG = defineConfig({
  ...BINANCE_CLIENT_CONFIG,
  ...BINANCE_STREAM_CONFIG,
  BINANCE_FUTURES_URL: {
    doc: 'Binance USD-M futures REST base URL',
    parse: url(['http', 'https']),
    default: 'https://fapi.binance.com',
  },
  BINANCE_FUTURES_WS_URL: {
    doc: 'Binance USD-M WebSocket base URL (streams under /market)',
    parse: url(['ws', 'wss']),
    default: 'wss://fstream.binance.com',
  },
  FUTURES_SYMBOLS: {
    doc: 'USD-M contracts to capture, comma-separated, or ALL for every TRADING contract',
    parse: list(str({ pattern: /^([A-Z0-9_]{1,30}|ALL)$/, what: 'an upper-case Binance futures symbol or ALL' }), {
      min: 1,
    }),
    default: 'BTCUSDT,ETHUSDT,BNBUSDT,SOLUSDT,XRPUSDT,ADAUSDT',
  },
  FUTURES_TICKER_INTERVAL_MS: {
    doc: 'Cadence of the ticker + premiumIndex poll, ms (stretched if the weight budget needs it)',
    parse: int({ min: 100 }),
    default: '1000',
  },
  FUTURES_OPEN_INTEREST_INTERVAL_MS: {
    doc: 'Cadence of the per-symbol open interest poll, ms (stretched likewise)',
    parse: int({ min: 500 }),
    default: '10000',
  },
  FUTURES_EXCHANGE_INFO_REFRESH_MS: {
    doc: 'How often the contract table and rate limits are re-read, ms',
    parse: int({ min: 10_000 }),
    default: '600000',
  },
  FUTURES_FUNDING_INFO_REFRESH_MS: {
    doc: 'How often funding intervals (fundingInfo) and interest rates (premiumIndex) are re-read, ms',
    parse: int({ min: 60_000 }),
    default: '3600000',
  },
});

export type CaptureFuturesConfig = ConfigOf<typeof CAPTURE_FUTURES_CONFIG>;
