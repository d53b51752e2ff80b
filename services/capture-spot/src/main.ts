// capture-spot: Binance /api/v3 24h tickers (bid/ask included) into market.spot.ticker and closed
// candles (backfilled history, then each new one) into market.spot.kline.
import { runCaptureService } from '@marketpipe/binance';
import { KAFKA_CONFIG } from '@marketpipe/bus';
import { SpotCapture } from './capture';
import { CAPTURE_SPOT_CONFIG } from './config';

runCaptureService({
  name: 'capture-spot',
  product: 'spot',
  config: { ...KAFKA_CONFIG, ...CAPTURE_SPOT_CONFIG },
  baseUrl: (config) => config.BINANCE_SPOT_URL,
  create: (deps) => new SpotCapture(deps),
});
