export { BINANCE_CLIENT_CONFIG, type BinanceClientConfig } from './client-config';
export { binanceClientFromConfig } from './client-factory';
export { BINANCE_STREAM_CONFIG, CAPTURE_MODES, type BinanceStreamConfig, type CaptureMode } from './stream-config';
