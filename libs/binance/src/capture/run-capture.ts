import { connectKafkaBus, type KAFKA_CONFIG, type Bus } from '@marketpipe/bus';
import { runService, type ConfigOf, type ConfigSpec, type Logger } from '@marketpipe/runtime';
import type { Registry } from 'prom-client';
import { type BINANCE_CLIENT_CONFIG } from '../config/client-config';
import { binanceClientFromConfig } from '../config/client-factory';
import type { BinanceRestClient } from '../rest/client';
import type { Product } from '../rest/products';

/** What every capture service runs: started once, stopped on shutdown. */
export interface Capture {
  start(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
}

export interface CaptureDeps<C> {
  client: BinanceRestClient;
  bus: Bus;
  logger: Logger;
  metrics: Registry;
  config: C;
  onReady: (ready: boolean, detail: string) => void;
}

type CaptureSpec = typeof KAFKA_CONFIG & typeof BINANCE_CLIENT_CONFIG & ConfigSpec;

/**
 * The `main` of a capture service in the distributed mode: config, ops endpoints, Kafka bus with
 * registered contracts, one Binance client, the capture, and shutdown in the right order (capture
 * loops, then the client, then the bus flush). Start-up may wait on Binance for long (an outage, a
 * ban): the service stays alive and reports not-ready meanwhile.
 */
export function runCaptureService<S extends CaptureSpec>(options: {
  name: string;
  product: Product;
  config: S;
  baseUrl: (config: ConfigOf<S>) => string;
  create: (deps: CaptureDeps<ConfigOf<S>>) => Capture;
}): void {
  void runService({
    name: options.name,
    config: options.config,
    start: async (ctx) => {
      const config = ctx.config as ConfigOf<S>;
      const bus = await connectKafkaBus(ctx, options.name);
      const client = binanceClientFromConfig(
        options.product,
        options.baseUrl(config),
        ctx.config,
        ctx.logger,
        ctx.ops.metrics,
      );
      ctx.lifecycle.onStop('binance-client', () => client.close());
      ctx.ops.setReady('binance', false, 'starting');
      const capture = options.create({
        client,
        bus,
        logger: ctx.logger,
        metrics: ctx.ops.metrics,
        config,
        onReady: (ready, detail) => ctx.ops.setReady('binance', ready, detail),
      });
      ctx.lifecycle.onStop('capture', () => capture.stop());
      capture.start(ctx.lifecycle.signal).catch((err: unknown) => {
        if (!ctx.lifecycle.signal.aborted) ctx.logger.fatal({ err }, `${options.name} stopped capturing`);
      });
    },
  });
}
