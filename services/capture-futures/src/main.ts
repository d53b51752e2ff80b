// capture-futures: Binance /fapi/v1 24h tickers, mark/index/funding and open interest, merged per
// contract into market.futures.ticker.
import { runCaptureService } from '@marketpipe/binance';
import { KAFKA_CONFIG } from '@marketpipe/bus';
import { FuturesCapture } from './capture';
import { CAPTURE_FUTURES_CONFIG } from './config';

runCaptureService({
  name: 'capture-futures',
  product: 'futures',
  config: { ...KAFKA_CONFIG, ...CAPTURE_FUTURES_CONFIG },
  baseUrl: (config) => config.BINANCE_FUTURES_URL,
  create: (deps) => new FuturesCapture(deps),
});
