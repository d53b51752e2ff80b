import { BINANCE_CLIENT_CONFIG, BINANCE_STREAM_CONFIG } from '@marketpipe/binance';
import { isKlineInterval, KLINE_INTERVAL_MS, type KlineInterval } from '@marketpipe/contracts';
import { defineConfig, int, list, str, url, type ConfigOf } from '@marketpipe/runtime';

export interface KlineSeries {
  interval: KlineInterval;
  intervalMs: number;
  /** Closed candles fetched at start-up, so analytics have history at once. */
  backfill: number;
}

/** `1m:1440,1h:720` → the kline series to keep, each with its backfill depth. */
function klineSeries(raw: string): KlineSeries[] {
  return raw.split(',').map((part) => {
    const [interval = '', count = ''] = part.trim().split(':');
    if (!isKlineInterval(interval)) {
      throw new Error(`unknown interval "${interval}" (use ${Object.keys(KLINE_INTERVAL_MS).join(', ')})`);
    }
    const intervalMs = KLINE_INTERVAL_MS[interval];
    const backfill = Number(count);
    if (!Number.isInteger(backfill) || backfill < 0 || backfill > 50_000)
      throw new Error(`backfill of ${interval} must be an integer 0..50000`);
    return { interval, intervalMs, backfill };
  });
}

export const CAPTURE_SPOT_CONFIG = defineConfig({
  ...BINANCE_CLIENT_CONFIG,
  ...BINANCE_STREAM_CONFIG,
  BINANCE_SPOT_URL: {
    doc: 'Binance spot REST base URL (the simulator in tests and --sim)',
    parse: url(['http', 'https']),
    default: 'https://api.binance.com',
  },
  BINANCE_SPOT_WS_URL: {
    doc: 'Binance spot WebSocket stream base URL',
    parse: url(['ws', 'wss']),
    default: 'wss://stream.binance.com:9443',
  },
  SPOT_SYMBOLS: {
    doc: 'Spot symbols to capture, comma-separated, or ALL for every TRADING symbol',
    parse: list(str({ pattern: /^([A-Z0-9-_.]{1,20}|ALL)$/, what: 'an upper-case Binance symbol or ALL' }), { min: 1 }),
    default: 'BTCUSDT,ETHUSDT,BNBUSDT,SOLUSDT,XRPUSDT,ADAUSDT',
  },
  SPOT_TICKER_INTERVAL_MS: {
    doc: 'Cadence of the 24h ticker poll, ms (stretched if the weight budget needs it)',
    parse: int({ min: 100 }),
    default: '1000',
  },
  SPOT_KLINES: {
    doc: 'Kline series and start-up backfill depth, interval:count,…',
    parse: klineSeries,
    default: '1m:1440,1h:720',
  },
  SPOT_EXCHANGE_INFO_REFRESH_MS: {
    doc: 'How often the symbol table and rate limits are re-read, ms',
    parse: int({ min: 10_000 }),
    default: '600000',
  },
});

export type CaptureSpotConfig = ConfigOf<typeof CAPTURE_SPOT_CONFIG>;
