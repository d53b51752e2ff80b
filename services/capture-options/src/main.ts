// capture-options: Binance /eapi/v1 contract list, tickers, marks (IV, greeks), index and open
// interest, assembled into one chain per underlying on market.options.chain.
import { runCaptureService } from '@marketpipe/binance';
import { KAFKA_CONFIG } from '@marketpipe/bus';
import { OptionsCapture } from './capture';
import { CAPTURE_OPTIONS_CONFIG } from './config';

runCaptureService({
  name: 'capture-options',
  product: 'options',
  config: { ...KAFKA_CONFIG, ...CAPTURE_OPTIONS_CONFIG },
  baseUrl: (config) => config.BINANCE_OPTIONS_URL,
  create: (deps) => new OptionsCapture(deps),
});
