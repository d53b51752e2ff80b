// Wiring: the seeded market, the APIs over it, the endpoint table, limits, faults, stats, and
// the HTTP server on one port for all three products.

import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { ExchangeInfo, type RateLimitInfo } from './api/exchange-info';
import { FuturesApi } from './api/futures';
import { OptionsApi } from './api/options';
import { SpotApi } from './api/spot';
import { Faults, type ActiveFault, type FaultRule } from './http/faults';
import { createHandler } from './http/handler';
import { DEFAULT_LIMITS, type LimitConfig, RateLimiter } from './http/limits';
import { Params } from './http/params';
import { Replay } from './http/replay';
import { type Apis, type Product, type Route } from './http/route';
import { buildRoutes } from './http/routes';
import { Stats, type SimStats } from './http/stats';
import { Market } from './model/market';
import { seedOf } from './model/random';
import { quantize } from './model/time';
import { type UniverseKind } from './model/universe';
import { resolveWsConfig, type WsOptions } from './ws/config';
import { type WsFault } from './ws/faults';
import { Payloads } from './ws/payloads';
import { WsServer } from './ws/server';
import { type WsStats } from './ws/stats';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  universe?: UniverseKind;
  seed?: number | string;
  /** The clock (ms epoch). Inject one to move time in tests without sleeping. */
  now?: () => number;
  /** Rate limits and ban policy; unset fields keep Binance's defaults (DEFAULT_LIMITS). */
  limits?: Partial<LimitConfig>;
  /** Serve recorded responses from this directory (fixtures layout) instead of the model. */
  replayDir?: string;
  /** Fault rules active from the start. */
  faults?: FaultRule[];
  /** Build the all-symbol responses once before listening, so the first request does not pay for
   * generating 24 h of candles of every symbol (a few seconds for the full universe). Default:
   * true for the full universe, false for the default one (~0.2 s either way). */
  warm?: boolean;
  /** WebSocket market streams: cadence, lifetime, pings and limits (defaults: Binance's). */
  ws?: WsOptions;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:40123 (all three products share it). */
  readonly url: string;
  readonly port: number;
  /** Requests counted per path and status since the start or the last resetStats(). */
  stats(): SimStats;
  resetStats(): void;
  /** Replaces all fault rules; returns their ids. */
  setFaults(rules: FaultRule[]): string[];
  addFault(rule: FaultRule): string;
  listFaults(): ActiveFault[];
  clearFaults(): void;
  /** Forgets rate-limit counters and bans. */
  resetLimits(): void;
  /**
   * Another client on `ip` (default 127.0.0.1, where in-process tests connect from) spent `weight`
   * of `product`'s REQUEST_WEIGHT in the current minute. Returns the IP's count after it.
   */
  addWeight(product: Product, weight: number, ip?: string): number;
  /** WebSocket base URL, e.g. ws://127.0.0.1:40123: spot streams at /ws and /stream, USD-M and
   * options at /market/... and /public/... */
  readonly wsUrl: string;
  /** Applies a WebSocket fault now (drop, malformed, burst, shutdown) or for a while (stall, refuse). */
  wsFault(f: WsFault): void;
  /** Ends the stall and refuse windows. */
  clearWsFaults(): void;
  wsStats(): WsStats;
  close(): Promise<void>;
}

function rateLimitsInfo(l: LimitConfig): Record<'spot' | 'futures' | 'options', RateLimitInfo[]> {
  const w = (limit: number): RateLimitInfo => ({
    rateLimitType: 'REQUEST_WEIGHT',
    interval: 'MINUTE',
    intervalNum: 1,
    limit,
  });
  return {
    spot: [
      w(l.spot),
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: l.spotRawRequests },
    ],
    futures: [
      w(l.futures),
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ],
    options: [
      w(l.options),
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
    ],
  };
}

/** The endpoint table over a market (exported for in-process benchmarks of the handlers). */
export function createRoutes(
  market: Market,
  limits: LimitConfig,
  apis?: Pick<Apis, 'spot' | 'futures' | 'options'>,
): Route[] {
  return buildRoutes({
    market,
    spot: apis?.spot ?? new SpotApi(market),
    futures: apis?.futures ?? new FuturesApi(market),
    options: apis?.options ?? new OptionsApi(market),
    exchangeInfo: new ExchangeInfo(market, rateLimitsInfo(limits)),
  });
}

const WARM_PATHS = [
  '/api/v3/ticker/24hr',
  '/api/v3/exchangeInfo',
  '/fapi/v1/ticker/24hr',
  '/fapi/v1/premiumIndex',
  '/eapi/v1/ticker',
  '/eapi/v1/mark',
];

function warmUp(routes: ReadonlyMap<string, Route>, now: number): void {
  for (const path of WARM_PATHS)
    routes.get(path)?.handle({ params: Params.parse(''), now, t: quantize(now), micros: false });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const now = options.now ?? Date.now;
  const seed = seedOf(options.seed ?? 1);
  const kind = options.universe ?? 'default';
  const limitsConfig: LimitConfig = { ...DEFAULT_LIMITS, ...options.limits };
  const replay = options.replayDir !== undefined ? new Replay(options.replayDir) : undefined;
  const market = new Market(kind, seed);
  // REST and streams share the API objects, so their per-second memos serve both.
  const apis = { spot: new SpotApi(market), futures: new FuturesApi(market), options: new OptionsApi(market) };
  const routes = new Map(createRoutes(market, limitsConfig, apis).map((r) => [r.path, r]));
  const ws = new WsServer(
    resolveWsConfig(options.ws),
    new Payloads(market, apis.spot, apis.futures, apis.options),
    now,
  );
  const limiter = new RateLimiter(limitsConfig, now);
  const faults = new Faults(now, seed);
  for (const f of options.faults ?? []) faults.add(f);
  const stats = new Stats();
  const info = (): object => {
    const t = quantize(now());
    return {
      universe: kind,
      seed: options.seed ?? 1,
      replayDir: options.replayDir ?? null,
      time: now(),
      symbols: {
        spot: market.universe.spot.length,
        futures: market.universe.futures(t).length,
        options: market.options.contracts(t).length,
      },
      limits: limitsConfig,
    };
  };

  if ((options.warm ?? kind === 'full') && !replay) warmUp(routes, now());

  const server: Server = createServer(createHandler({ routes, limiter, faults, stats, replay, now, info, ws }));
  ws.attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    setFaults: (rules) => {
      faults.clear();
      return rules.map((r) => faults.add(r));
    },
    addFault: (rule) => faults.add(rule),
    listFaults: () => faults.list(),
    clearFaults: () => faults.clear(),
    resetLimits: () => limiter.reset(),
    addWeight: (product, weight, ip = '127.0.0.1') => limiter.addWeight(product, ip, weight),
    wsUrl: `ws://${host}:${address.port}`,
    wsFault: (f) => ws.fault(f),
    clearWsFaults: () => ws.clearFaults(),
    wsStats: () => ws.stats(),
    close: async () => {
      await ws.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
