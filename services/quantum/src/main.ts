// quantum: QBTC-compatible quantum scores for every symbol on market.spot.ticker, into analytics.quantum.
import { connectKafkaBus, KAFKA_CONFIG } from '@marketpipe/bus';
import { runService } from '@marketpipe/runtime';
import { QUANTUM_CONFIG } from './config';
import { QuantumService } from './service';

const NAME = 'quantum';

void runService({
  name: NAME,
  config: { ...KAFKA_CONFIG, ...QUANTUM_CONFIG },
  start: async (ctx) => {
    const bus = await connectKafkaBus(ctx, NAME);
    const service = new QuantumService({
      bus,
      logger: ctx.logger,
      metrics: ctx.ops.metrics,
      config: ctx.config,
      onReady: (ready, detail) => ctx.ops.setReady('pipeline', ready, detail),
    });
    ctx.ops.setReady('pipeline', false, 'subscribing');
    ctx.lifecycle.onStop('quantum', () => service.stop());
    await service.start(ctx.lifecycle.signal);
  },
});
