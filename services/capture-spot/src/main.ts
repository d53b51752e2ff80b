// Spot tickers and 1m candles from Binance /api/v3 into market.spot.ticker and market.spot.kline (issue #4).
// Today only the distributed-mode wiring: config, ops endpoints, Kafka bus with the registered
// contracts, graceful shutdown. The pipeline (feed -> map/model -> publish) lands with its issue.
import { connectKafkaBus, KAFKA_CONFIG } from '@marketpipe/bus';
import { runService } from '@marketpipe/runtime';

const NAME = 'capture-spot';

void runService({
  name: NAME,
  config: KAFKA_CONFIG,
  start: async (ctx) => {
    await connectKafkaBus(ctx, NAME);
    ctx.logger.warn('no pipeline yet: this service only holds its wiring');
  },
});
