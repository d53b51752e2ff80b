// quantum, psych and srona on real Kafka, fed by the capture services running against the
// simulator: each publishes valid records at its cadence.
import { randomUUID } from 'node:crypto';
import { BinanceRestClient, type Product } from '@marketpipe/binance';
import { startSimulator, type Simulator } from '@marketpipe/binance-sim';
import { KafkaBus, KAFKA_CONFIG, type BusMessage } from '@marketpipe/bus';
import { CAPTURE_FUTURES_CONFIG, FuturesCapture } from '@marketpipe/capture-futures';
import { CAPTURE_OPTIONS_CONFIG, OptionsCapture } from '@marketpipe/capture-options';
import { CAPTURE_SPOT_CONFIG, SpotCapture } from '@marketpipe/capture-spot';
import { contractViolation } from '@marketpipe/contracts';
import { PSYCH_CONFIG, PsychService } from '@marketpipe/psych';
import { QUANTUM_CONFIG, QuantumService } from '@marketpipe/quantum';
import { createLogger, parseConfig } from '@marketpipe/runtime';
import { SRONA_CONFIG, SronaService } from '@marketpipe/srona';
import { Registry } from 'prom-client';
import { sleep } from './wait';

const logger = createLogger('analytics-itest', 'silent');

it('quantum, psych and srona publish valid records at their cadence from simulator-driven captures on Kafka', async () => {
  const sim: Simulator = await startSimulator({ port: 0, universe: 'default', seed: 11 });
  const bus = new KafkaBus({
    config: parseConfig(KAFKA_CONFIG, { ...process.env, KAFKA_TOPIC_PARTITIONS: '3' }),
    clientId: 'analytics-itest',
    logger,
  });
  await bus.start();
  const metrics = new Registry();
  const controller = new AbortController();
  const run = randomUUID();
  const out: BusMessage[] = [];
  const watch = await bus.subscribe({
    groupId: `watch-${run}`,
    topics: ['analytics.quantum', 'analytics.psych', 'analytics.srona'],
    handler: (m) => void out.push(m),
  });
  const client = (product: Product) =>
    new BinanceRestClient({ product, baseUrl: sim.url, logger, metrics, timeoutMs: 2_000 });
  const clients = [client('spot'), client('futures'), client('options')];
  // Each service rebuilds its state from the topics before it publishes; the cadence is measured
  // from the moment all three are ready, however much earlier runs left on the topics.
  const readiness = new Map<string, boolean>();
  const ready = (name: string) => (isReady: boolean) => void readiness.set(name, isReady);
  const services = [
    new QuantumService({
      bus,
      logger,
      metrics,
      config: parseConfig(QUANTUM_CONFIG, {}),
      groupId: `quantum-${run}`,
      onReady: ready('quantum'),
    }),
    new PsychService({
      bus,
      logger,
      metrics,
      config: parseConfig(PSYCH_CONFIG, {}),
      groupId: `psych-${run}`,
      onReady: ready('psych'),
    }),
    new SronaService({
      bus,
      logger,
      metrics,
      config: parseConfig(SRONA_CONFIG, {}),
      groupId: `srona-${run}`,
      onReady: ready('srona'),
    }),
  ];
  for (const s of services) await s.start(controller.signal);
  for (let i = 0; i < 1200 && !['quantum', 'psych', 'srona'].every((n) => readiness.get(n) === true); i++)
    await sleep(100);
  expect(Object.fromEntries(readiness)).toEqual({ quantum: true, psych: true, srona: true });
  const captures = [
    new SpotCapture({
      client: clients[0] as BinanceRestClient,
      bus,
      logger,
      metrics,
      config: parseConfig(CAPTURE_SPOT_CONFIG, { CAPTURE_MODE: 'rest', SPOT_KLINES: '1m:120,1h:400' }),
    }),
    new FuturesCapture({
      client: clients[1] as BinanceRestClient,
      bus,
      logger,
      metrics,
      config: parseConfig(CAPTURE_FUTURES_CONFIG, { CAPTURE_MODE: 'rest' }),
    }),
    new OptionsCapture({
      client: clients[2] as BinanceRestClient,
      bus,
      logger,
      metrics,
      config: parseConfig(CAPTURE_OPTIONS_CONFIG, { CAPTURE_MODE: 'rest' }),
    }),
  ];
  const started = Date.now();
  for (const c of captures) await c.start(controller.signal);
  await sleep(16_000);
  controller.abort();
  for (const c of captures) await c.stop();
  for (const s of services) await s.stop();
  await watch.stop();
  await bus.stop();
  for (const c of clients) await c.close();
  await sim.close();

  const mine = out.filter((m) => m.timestamp >= started);
  for (const m of mine) expect(contractViolation(m.topic, m.value)).toBeUndefined();
  const emits = (topic: string, key: string) =>
    mine.filter((m) => m.topic === topic && m.key === key).map((m) => ('emitTime' in m.value ? m.value.emitTime : 0));
  // quantum scores each new spot input (1 s cadence) on its 500 ms tick; psych every 1 s; srona every 2 s.
  const gaps = (times: number[]) => times.slice(1).map((t, i) => t - (times[i] as number));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const quantum = emits('analytics.quantum', 'BTCUSDT');
  const psych = emits('analytics.psych', 'BTCUSDT');
  const srona = emits('analytics.srona', 'BTCUSDT');
  expect(quantum.length).toBeGreaterThanOrEqual(6);
  expect(psych.length).toBeGreaterThanOrEqual(6);
  expect(srona.length).toBeGreaterThanOrEqual(3);
  expect(median(gaps(quantum))).toBeGreaterThanOrEqual(400);
  expect(median(gaps(quantum))).toBeLessThanOrEqual(1600);
  expect(median(gaps(psych))).toBeGreaterThanOrEqual(900);
  expect(median(gaps(psych))).toBeLessThanOrEqual(2100);
  expect(median(gaps(srona))).toBeGreaterThanOrEqual(1900);
  expect(median(gaps(srona))).toBeLessThanOrEqual(4100);
  const lastPsych = mine.filter((m) => m.topic === 'analytics.psych' && m.key === 'BTCUSDT').at(-1);
  if (lastPsych?.topic !== 'analytics.psych') throw new Error('no psych record');
  expect(lastPsych.value.status).toBe('READY');
  const lastSrona = mine.filter((m) => m.topic === 'analytics.srona' && m.key === 'BTCUSDT').at(-1);
  if (lastSrona?.topic !== 'analytics.srona') throw new Error('no srona record');
  expect(lastSrona.value.chain.realizedVol).not.toBeNull();
  expect(lastSrona.value.candidatesEvaluated).toBeGreaterThan(0);
}, 240_000);
