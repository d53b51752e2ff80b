// Market-psychology states into analytics.psych (issue #5).
// Today only the distributed-mode wiring: config, ops endpoints, Kafka bus with the registered
// contracts, graceful shutdown. The pipeline (feed -> map/model -> publish) lands with its issue.
import { connectKafkaBus, KAFKA_CONFIG } from '@marketpipe/bus';
import { runService } from '@marketpipe/runtime';

const NAME = 'psych';

void runService({
  name: NAME,
  config: KAFKA_CONFIG,
  start: async (ctx) => {
    await connectKafkaBus(ctx, NAME);
    ctx.logger.warn('no pipeline yet: this service only holds its wiring');
  },
});
