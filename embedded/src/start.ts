import {
  BINANCE_CLIENT_CONFIG,
  BinanceRestClient,
  DEFAULT_BASE_URL,
  binanceClientFromConfig,
  type Product,
} from '@marketpipe/binance';
import { startSimulator, type Simulator } from '@marketpipe/binance-sim';
import { MemoryBus } from '@marketpipe/bus';
import { CAPTURE_FUTURES_CONFIG, FuturesCapture } from '@marketpipe/capture-futures';
import { CAPTURE_OPTIONS_CONFIG, OptionsCapture } from '@marketpipe/capture-options';
import { CAPTURE_SPOT_CONFIG, SpotCapture } from '@marketpipe/capture-spot';
import { CONSOLIDATOR_CONFIG, ConsolidatorService, MemorySnapshotStore } from '@marketpipe/consolidator';
import { PSYCH_CONFIG, PsychService } from '@marketpipe/psych';
import { QUANTUM_CONFIG, QuantumService } from '@marketpipe/quantum';
import { parseConfig, type Logger } from '@marketpipe/runtime';
import { SRONA_CONFIG, SronaService } from '@marketpipe/srona';
import { Registry } from 'prom-client';
import type { StartArgs } from './args';
import { serveSnapshots, serverUrl } from './http';

interface Stoppable {
  stop(): Promise<void>;
}

export interface Embedded {
  store: MemorySnapshotStore;
  httpUrl: string;
  simulatorUrl: string | null;
  stop(): Promise<void>;
}

/** Answers quickly whether the product's host is reachable at all (a ping weighs 1). */
async function reachable(product: Product, baseUrl: string, logger: Logger): Promise<string | null> {
  const client = new BinanceRestClient({
    product,
    baseUrl,
    logger,
    metrics: new Registry(),
    timeoutMs: 5_000,
    retries: 0,
  });
  try {
    await client.get('ping');
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    await client.close();
  }
}

/**
 * The embedded default: the simulator (with --sim), the three captures, the three analytics and the
 * consolidator in one process over the in-memory bus (the same contracts, validated on every
 * publish), the snapshots in memory behind an HTTP API. Every stage is the same class the
 * distributed services run.
 */
export async function startEmbedded(
  args: StartArgs,
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Embedded> {
  const controller = new AbortController();
  const signal = controller.signal;
  const metrics = new Registry();
  const stoppables: Stoppable[] = [];
  let simulator: Simulator | null = null;
  const base: Record<Product, string> = { ...DEFAULT_BASE_URL };
  let captureEnv = env;
  if (args.sim) {
    simulator = await startSimulator({ port: 0, host: '127.0.0.1', universe: args.universe, seed: args.seed });
    base.spot = base.futures = base.options = simulator.url;
    const ws = simulator.wsUrl;
    captureEnv = { ...env, BINANCE_SPOT_WS_URL: ws, BINANCE_FUTURES_WS_URL: ws, BINANCE_OPTIONS_WS_URL: ws };
  } else {
    base.spot = env['BINANCE_SPOT_URL'] ?? base.spot;
    base.futures = env['BINANCE_FUTURES_URL'] ?? base.futures;
    base.options = env['BINANCE_OPTIONS_URL'] ?? base.options;
    const problem = await reachable('spot', base.spot, logger);
    if (problem !== null) throw new Error(`Binance is unreachable from here (${problem}). Try: pnpm start --sim`);
  }
  const bus = new MemoryBus({
    onHandlerError: (topic, key, err) => logger.error({ topic, key, err }, 'handler failed'),
    onSkipped: (group, topic, count) =>
      logger.error(
        { group, topic, count },
        'a stage fell behind the in-process log: records it never read were dropped',
      ),
  });
  await bus.start();
  const store = new MemorySnapshotStore();
  const clientConfig = parseConfig(BINANCE_CLIENT_CONFIG, env);
  const client = (product: Product): BinanceRestClient => {
    const c = binanceClientFromConfig(product, base[product], clientConfig, logger, metrics);
    stoppables.push({ stop: () => c.close() });
    return c;
  };
  const common = { bus, logger, metrics };

  // Consumers first, so the first captured records already find their readers.
  const consolidator = new ConsolidatorService({ ...common, store, config: parseConfig(CONSOLIDATOR_CONFIG, env) });
  const quantum = new QuantumService({ ...common, config: parseConfig(QUANTUM_CONFIG, env) });
  // Checkpoints outlive a process only on Kafka; on the in-memory bus they would only hold memory.
  const psych = new PsychService({ ...common, config: { ...parseConfig(PSYCH_CONFIG, env), PSYCH_CHECKPOINT_MS: 0 } });
  const srona = new SronaService({ ...common, config: parseConfig(SRONA_CONFIG, env) });
  for (const s of [consolidator, quantum, psych, srona]) {
    await s.start(signal);
    stoppables.push(s);
  }
  const captures = [
    new SpotCapture({ ...common, client: client('spot'), config: parseConfig(CAPTURE_SPOT_CONFIG, captureEnv) }),
    new FuturesCapture({
      ...common,
      client: client('futures'),
      config: parseConfig(CAPTURE_FUTURES_CONFIG, captureEnv),
    }),
    new OptionsCapture({
      ...common,
      client: client('options'),
      config: parseConfig(CAPTURE_OPTIONS_CONFIG, captureEnv),
    }),
  ];
  for (const c of captures) {
    stoppables.push(c);
    c.start(signal).catch((err: unknown) => {
      if (!signal.aborted) logger.error({ err }, 'capture stopped');
    });
  }
  const server = await serveSnapshots(store, metrics, args.port, args.host);
  let stopping: Promise<void> | undefined;
  return {
    store,
    httpUrl: serverUrl(server),
    simulatorUrl: simulator?.url ?? null,
    stop: () => {
      stopping ??= (async () => {
        controller.abort();
        server.closeAllConnections();
        await new Promise<void>((r) => server.close(() => r()));
        for (const s of stoppables.reverse())
          await s.stop().catch((err: unknown) => logger.warn({ err }, 'stop failed'));
        await bus.stop();
        await simulator?.close();
      })();
      return stopping;
    },
  };
}
