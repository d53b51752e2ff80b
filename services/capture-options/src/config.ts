import { BINANCE_CLIENT_CONFIG, BINANCE_STREAM_CONFIG } from '@marketpipe/binance';
import { defineConfig, int, list, str, url, type ConfigOf } from '@marketpipe/runtime';

export const CAPTURE_OPTIONS_CONFIG = defineConfig({
  ...BINANCE_CLIENT_CONFIG,
  ...BINANCE_STREAM_CONFIG,
  BINANCE_OPTIONS_URL: {
    doc: 'Binance European options REST base URL',
    parse: url(['http', 'https']),
    default: 'https://eapi.binance.com',
  },
  BINANCE_OPTIONS_WS_URL: {
    doc: 'Binance options WebSocket base URL (streams under /market and /public)',
    parse: url(['ws', 'wss']),
    default: 'wss://fstream.binance.com',
  },
  OPTIONS_UNDERLYINGS: {
    doc: 'Underlyings whose chains to capture (Binance names them like spot pairs), or ALL',
    parse: list(str({ pattern: /^([A-Z0-9]{2,20}|ALL)$/, what: 'an underlying such as BTCUSDT, or ALL' }), { min: 1 }),
    default: 'BTCUSDT,ETHUSDT,BNBUSDT,SOLUSDT,XRPUSDT,DOGEUSDT',
  },
  OPTIONS_CHAIN_INTERVAL_MS: {
    doc: 'Cadence of the ticker + mark + index poll that assembles the chains, ms',
    parse: int({ min: 200 }),
    default: '2000',
  },
  OPTIONS_OPEN_INTEREST_INTERVAL_MS: {
    doc: 'Cadence of the open interest poll (one request per underlying and expiry), ms',
    parse: int({ min: 1000 }),
    default: '30000',
  },
  OPTIONS_EXCHANGE_INFO_REFRESH_MS: {
    doc: 'How often the contract list is re-read (new strikes and expiries), ms',
    parse: int({ min: 10_000 }),
    default: '300000',
  },
});

export type CaptureOptionsConfig = ConfigOf<typeof CAPTURE_OPTIONS_CONFIG>;
