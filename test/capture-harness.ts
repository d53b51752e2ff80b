// What the capture integration tests share: a Binance simulator over real HTTP and WebSockets, a
// Kafka bus that reads every capture topic into `received`, and REST clients against the
// simulator. Call it inside a describe block: it registers that block's beforeAll/afterAll.
import { randomUUID } from 'node:crypto';
import { BinanceRestClient, type Product } from '@marketpipe/binance';
import { startSimulator, type Simulator } from '@marketpipe/binance-sim';
import { KafkaBus, KAFKA_CONFIG, type BusMessage } from '@marketpipe/bus';
import { createLogger, parseConfig, type Logger } from '@marketpipe/runtime';
import type { TopicName } from '@marketpipe/contracts';
import type { Registry } from 'prom-client';

const CAPTURE_TOPICS: readonly TopicName[] = [
  'market.spot.ticker',
  'market.spot.kline',
  'market.spot.kline.long',
  'market.futures.ticker',
  'market.options.chain',
  'market.gaps',
];

export interface CaptureHarness {
  readonly sim: Simulator;
  readonly bus: KafkaBus;
  /** Every record of the capture topics read since the block started, in arrival order. */
  readonly received: BusMessage[];
  readonly logger: Logger;
  client(
    product: Product,
    metrics: Registry,
    extra?: Partial<ConstructorParameters<typeof BinanceRestClient>[0]>,
  ): BinanceRestClient;
}

export function captureHarness(name: string, options: { seed: number; kafkaEnv?: NodeJS.ProcessEnv }): CaptureHarness {
  const logger = createLogger(name, 'silent');
  const received: BusMessage[] = [];
  let sim: Simulator | undefined;
  let bus: KafkaBus | undefined;
  let stopConsumer: (() => Promise<void>) | undefined;
  const started = <T>(x: T | undefined): T => {
    if (x === undefined) throw new Error(`${name}: the capture harness is used before its beforeAll ran`);
    return x;
  };

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, universe: 'default', seed: options.seed });
    bus = new KafkaBus({
      config: parseConfig(KAFKA_CONFIG, options.kafkaEnv ?? process.env),
      clientId: name,
      logger,
    });
    await bus.start();
    const sub = await bus.subscribe({
      groupId: `${name}-${randomUUID()}`,
      topics: CAPTURE_TOPICS,
      handler: (m) => void received.push(m),
    });
    stopConsumer = () => sub.stop();
  });

  afterAll(async () => {
    await stopConsumer?.();
    await bus?.stop();
    await sim?.close();
  });

  return {
    get sim() {
      return started(sim);
    },
    get bus() {
      return started(bus);
    },
    received,
    logger,
    client: (product, metrics, extra = {}) =>
      new BinanceRestClient({
        product,
        baseUrl: started(sim).url,
        logger,
        metrics,
        timeoutMs: 1_000,
        retries: 1,
        ...extra,
      }),
  };
}
