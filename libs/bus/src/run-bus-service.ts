import { runService, type ConfigOf, type ConfigSpec, type Logger } from '@marketpipe/runtime';
import type { Registry } from 'prom-client';
import { connectKafkaBus } from './connect';
import { KAFKA_CONFIG } from './kafka-config';
import type { Bus } from './port';

/** A stage that lives on the bus: subscribes and publishes, started once, stopped on shutdown. */
export interface BusStage {
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

export interface BusStageDeps<C> {
  bus: Bus;
  logger: Logger;
  metrics: Registry;
  config: C;
  onReady: (ready: boolean, detail: string) => void;
}

/**
 * The `main` of an analytics service in the distributed mode: config (Kafka variables plus the
 * service's own), ops endpoints, the Kafka bus with registered contracts, the stage, readiness
 * under the `pipeline` check, and shutdown.
 */
export function runBusService<S extends ConfigSpec>(options: {
  name: string;
  config: S;
  create: (deps: BusStageDeps<ConfigOf<S> & ConfigOf<typeof KAFKA_CONFIG>>) => BusStage;
}): void {
  void runService({
    name: options.name,
    config: { ...KAFKA_CONFIG, ...options.config },
    start: async (ctx) => {
      const bus = await connectKafkaBus(ctx, options.name);
      ctx.ops.setReady('pipeline', false, 'subscribing');
      const stage = options.create({
        bus,
        logger: ctx.logger,
        metrics: ctx.ops.metrics,
        config: ctx.config as ConfigOf<S> & ConfigOf<typeof KAFKA_CONFIG>,
        onReady: (ready, detail) => ctx.ops.setReady('pipeline', ready, detail),
      });
      ctx.lifecycle.onStop(options.name, () => stage.stop());
      await stage.start(ctx.lifecycle.signal);
    },
  });
}
