import { defineConfig, int, oneOf, type ConfigOf } from '@marketpipe/runtime';

export const CAPTURE_MODES = ['auto', 'ws', 'rest'] as const;
export type CaptureMode = (typeof CAPTURE_MODES)[number];

/** Variables of the WebSocket stream feed every capture service reads. */
export const BINANCE_STREAM_CONFIG = defineConfig({
  CAPTURE_MODE: {
    doc: 'ws: market data from WebSocket streams only; rest: REST polling only; auto: streams, with REST polling while they are down',
    parse: oneOf(CAPTURE_MODES),
    default: 'auto',
  },
  STREAM_CONFLATE_MS: {
    doc: 'At most one record per symbol per this many ms from the streams; 0 publishes every change',
    parse: int({ min: 0, max: 60_000 }),
    default: '1000',
  },
  STREAM_SILENCE_MS: {
    doc: 'A stream connection silent this long is declared stale and replaced, ms',
    parse: int({ min: 500 }),
    default: '10000',
  },
  STREAM_LIFETIME_MS: {
    doc: 'Hand a connection over to a fresh one this long after it opened (Binance cuts at 24 h), ms',
    parse: int({ min: 1_000, max: 86_400_000 }),
    default: '82800000',
  },
});

export type BinanceStreamConfig = ConfigOf<typeof BINANCE_STREAM_CONFIG>;
