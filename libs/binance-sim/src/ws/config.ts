// WebSocket stream settings: Binance's documented limits as defaults (BINANCE_API.md §6), every
// one overridable so tests can run a 24 h lifetime or a 3 min ping in milliseconds.

import { type Product } from '../http/route';

export interface WsProductLimits {
  /** Server ping period. */
  pingIntervalMs: number;
  /** A connection that has not answered a ping within this time is terminated. */
  pongTimeoutMs: number;
  /** Streams one connection may hold (URL streams plus SUBSCRIBEs). */
  maxStreams: number;
  /** Inbound messages (text, ping and pong frames) per second before the connection is dropped. */
  maxMessagesPerSecond: number;
}

export interface WsOptions {
  /** Real milliseconds that stand for Binance's 1000 ms cadence; every cadence scales with it
   * (a 3000 ms stream is sent every third tick). Tests use ~100 to get frames quickly. */
  tickMs?: number;
  /** Connection lifetime (Binance: 24 h); a serverShutdown event goes out shutdownGraceMs before. */
  lifetimeMs?: number;
  /** Time between the serverShutdown event and the close, at the lifetime cut-off and for the
   * `shutdown` fault. */
  shutdownGraceMs?: number;
  /** Cadence of the options open-interest streams (Binance: 60 s), in model milliseconds. */
  openInterestIntervalMs?: number;
  /** Connection attempts allowed per IP and window before upgrades are refused with HTTP 429. */
  connectionAttempts?: { limit: number; windowMs: number };
  /** Overrides the ping period of all three products. */
  pingIntervalMs?: number;
  /** Overrides the pong timeout of all three products. */
  pongTimeoutMs?: number;
  spot?: Partial<WsProductLimits>;
  futures?: Partial<WsProductLimits>;
  options?: Partial<WsProductLimits>;
}

export interface WsConfig {
  readonly tickMs: number;
  readonly lifetimeMs: number;
  readonly shutdownGraceMs: number;
  readonly openInterestTicks: number;
  readonly connectionAttempts: { readonly limit: number; readonly windowMs: number };
  readonly products: Readonly<Record<Product, WsProductLimits>>;
}

const MINUTE = 60_000;

export const DEFAULT_WS_LIMITS: Readonly<Record<Product, WsProductLimits>> = {
  spot: { pingIntervalMs: 20_000, pongTimeoutMs: MINUTE, maxStreams: 1024, maxMessagesPerSecond: 5 },
  futures: { pingIntervalMs: 3 * MINUTE, pongTimeoutMs: 10 * MINUTE, maxStreams: 1024, maxMessagesPerSecond: 10 },
  options: { pingIntervalMs: 5 * MINUTE, pongTimeoutMs: 15 * MINUTE, maxStreams: 200, maxMessagesPerSecond: 10 },
};

export function resolveWsConfig(o: WsOptions = {}): WsConfig {
  const product = (p: Product): WsProductLimits => ({
    ...DEFAULT_WS_LIMITS[p],
    ...(o.pingIntervalMs !== undefined ? { pingIntervalMs: o.pingIntervalMs } : {}),
    ...(o.pongTimeoutMs !== undefined ? { pongTimeoutMs: o.pongTimeoutMs } : {}),
    ...o[p],
  });
  return {
    tickMs: o.tickMs ?? 1000,
    lifetimeMs: o.lifetimeMs ?? 24 * 60 * MINUTE,
    shutdownGraceMs: o.shutdownGraceMs ?? 1000,
    openInterestTicks: Math.max(1, Math.round((o.openInterestIntervalMs ?? MINUTE) / 1000)),
    connectionAttempts: o.connectionAttempts ?? { limit: 300, windowMs: 5 * MINUTE },
    products: { spot: product('spot'), futures: product('futures'), options: product('options') },
  };
}
