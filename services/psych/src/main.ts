// psych: market psychology from rates of change for every spot symbol, into analytics.psych.
import { connectKafkaBus, KAFKA_CONFIG } from '@marketpipe/bus';
import { runService } from '@marketpipe/runtime';
import { PSYCH_CONFIG } from './config';
import { PsychService } from './service';

const NAME = 'psych';

void runService({
  name: NAME,
  config: { ...KAFKA_CONFIG, ...PSYCH_CONFIG },
  start: async (ctx) => {
    const bus = await connectKafkaBus(ctx, NAME);
    const service = new PsychService({
      bus,
      logger: ctx.logger,
      metrics: ctx.ops.metrics,
      config: ctx.config,
      onReady: (ready, detail) => ctx.ops.setReady('pipeline', ready, detail),
    });
    ctx.ops.setReady('pipeline', false, 'subscribing');
    ctx.lifecycle.onStop('psych', () => service.stop());
    await service.start(ctx.lifecycle.signal);
  },
});
