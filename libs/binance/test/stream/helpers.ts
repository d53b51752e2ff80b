// Stream-client test helpers: a simulator whose model clock runs one second per tick (so every
// tick carries a new E), and a client whose callbacks are recorded.

import { createLogger, type Logger } from '@marketpipe/runtime';
import { startSimulator, type Simulator, type SimulatorOptions } from '@marketpipe/binance-sim';
import { Registry } from 'prom-client';
import { StreamClient, type StreamClientOptions } from '../../src/stream';

export const T0 = Date.UTC(2026, 10, 25, 8, 30, 15, 250);
export const logger: Logger = createLogger('stream-test', (process.env.STREAM_LOG as 'debug' | undefined) ?? 'silent');

/** Model time advances 1000 ms per tickMs of real time. */
export async function startSim(options: SimulatorOptions = {}): Promise<Simulator> {
  const tickMs = options.ws?.tickMs ?? 1000;
  const start = performance.now();
  return startSimulator({ seed: 7, now: () => T0 + ((performance.now() - start) * 1000) / tickMs, ...options });
}

export interface Frame {
  stream: string;
  data: unknown;
  at: number;
}

export interface Recorded {
  client: StreamClient;
  frames: Frame[];
  gaps: { streams: readonly string[]; reason: string; at: number }[];
  states: { up: boolean; at: number }[];
  registry: Registry;
}

const live = new Set<StreamClient>();

/** Stops every client a test made, passed or failed, so none keeps reconnecting to a closed simulator. */
export async function stopClients(): Promise<void> {
  const clients = [...live];
  live.clear();
  await Promise.all(clients.map((c) => c.stop()));
}

export function recordedClient(
  options: Partial<StreamClientOptions> & Pick<StreamClientOptions, 'product' | 'baseUrl' | 'streams'>,
): Recorded {
  const frames: Frame[] = [];
  const gaps: Recorded['gaps'] = [];
  const states: Recorded['states'] = [];
  const registry = options.metrics ?? new Registry();
  const client = new StreamClient({
    path: '',
    logger,
    metrics: registry,
    backoff: { initialMs: 100, maxMs: 1000 },
    onMessage: (stream, data, at) => frames.push({ stream, data, at }),
    onGap: (streams, reason) => gaps.push({ streams, reason, at: Date.now() }),
    onStateChange: (up) => states.push({ up, at: Date.now() }),
    ...options,
  });
  live.add(client);
  return { client, frames, gaps, states, registry };
}

export async function waitFor(pred: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<number> {
  const start = Date.now();
  while (!pred()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
  return Date.now() - start;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The E of a payload, or of the first element of an array payload. */
export function eventTime(data: unknown): number | undefined {
  const first: unknown = Array.isArray(data) ? data[0] : data;
  if (typeof first !== 'object' || first === null) return undefined;
  const e = (first as Record<string, unknown>).E;
  return typeof e === 'number' ? e : undefined;
}

/** Longest time between two consecutive frames of a stream, from the first frame on. */
export function longestSilence(frames: readonly Frame[], stream: string, from = 0): number {
  const times = frames.filter((f) => f.stream === stream && f.at >= from).map((f) => f.at);
  let worst = 0;
  for (let i = 1; i < times.length; i++) worst = Math.max(worst, (times[i] as number) - (times[i - 1] as number));
  return worst;
}

export const streamsOf = (frames: readonly Frame[]): Set<string> => new Set(frames.map((f) => f.stream));
