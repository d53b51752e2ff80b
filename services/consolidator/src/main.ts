// consolidator: the latest state per symbol from the six input topics, joined and emitted every
// tick into unified-market, unified-market.global and Redis snapshots.
import { connectKafkaBus, KAFKA_CONFIG } from '@marketpipe/bus';
import { runService } from '@marketpipe/runtime';
import { CONSOLIDATOR_CONFIG, REDIS_CONFIG } from './config';
import { ConsolidatorService } from './service';
import { RedisSnapshotStore } from './store/redis';

const NAME = 'consolidator';

void runService({
  name: NAME,
  config: { ...KAFKA_CONFIG, ...CONSOLIDATOR_CONFIG, ...REDIS_CONFIG },
  start: async (ctx) => {
    const { config } = ctx;
    const store = new RedisSnapshotStore({
      url: config.REDIS_URL,
      prefix: config.REDIS_PREFIX,
      ttlSeconds: config.REDIS_TTL_SECONDS,
      username: config.REDIS_USERNAME,
      password: config.REDIS_PASSWORD,
      tls: config.REDIS_TLS,
      logger: ctx.logger,
    });
    ctx.ops.setReady('snapshot-store', false, 'connecting to Redis');
    // Redis down at start is an outage like any other: the service starts and reports not-ready.
    await store
      .connect()
      .catch((err: unknown) => ctx.logger.warn({ err: (err as Error).message }, 'Redis not reachable yet'));
    ctx.lifecycle.onStop('redis', () => store.close());
    const bus = await connectKafkaBus(ctx, NAME);
    const service = new ConsolidatorService({
      bus,
      store,
      logger: ctx.logger,
      metrics: ctx.ops.metrics,
      config,
      onReady: (check, ready, detail) => ctx.ops.setReady(check, ready, detail),
    });
    ctx.lifecycle.onStop('consolidator', () => service.stop());
    await service.start(ctx.lifecycle.signal);
  },
});
