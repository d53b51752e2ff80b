export { BINANCE_CLIENT_CONFIG, type BinanceClientConfig } from './client-config';
export { binanceClientFromConfig } from './client-factory';
