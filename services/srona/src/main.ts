// srona: naked-option selling opportunities (NakedOptionsDetector, AnalizadorFrecuencias,
// DetectorConEdge) from market.options.chain, market.spot.ticker and market.spot.kline, into
// analytics.srona (one SronaReport per underlying per tick).
import { connectKafkaBus, KAFKA_CONFIG } from '@marketpipe/bus';
import { runService } from '@marketpipe/runtime';
import { SRONA_CONFIG } from './config';
import { SronaService } from './service';

const NAME = 'srona';

void runService({
  name: NAME,
  config: { ...KAFKA_CONFIG, ...SRONA_CONFIG },
  start: async (ctx) => {
    const bus = await connectKafkaBus(ctx, NAME);
    const service = new SronaService({
      bus,
      logger: ctx.logger,
      metrics: ctx.ops.metrics,
      config: ctx.config,
      onReady: (ready, detail) => ctx.ops.setReady('pipeline', ready, detail),
    });
    ctx.ops.setReady('pipeline', false, 'subscribing');
    ctx.lifecycle.onStop('srona', () => service.stop());
    await service.start(ctx.lifecycle.signal);
  },
});
