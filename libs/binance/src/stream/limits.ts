// Binance's stream connection rules per product (BINANCE_API.md §6), overridable per client.

export type StreamProduct = 'spot' | 'futures' | 'options';

export interface StreamLimits {
  /** Streams one connection may carry: spot/futures 1024, options 200. */
  maxStreamsPerConnection: number;
  /** Inbound messages per second the server allows (SUBSCRIBE etc. and pongs count): spot 5,
   * futures/options 10. The client stays strictly under it. */
  controlMessagesPerSecond: number;
  /** Connection attempts per IP and window (300 per 5 min), shared by every connection the
   * process opens to the same host. */
  connectAttempts: { limit: number; windowMs: number };
}

const CONNECT_ATTEMPTS = { limit: 300, windowMs: 5 * 60_000 };

export const DEFAULT_STREAM_LIMITS: Record<StreamProduct, StreamLimits> = {
  spot: { maxStreamsPerConnection: 1024, controlMessagesPerSecond: 5, connectAttempts: CONNECT_ATTEMPTS },
  futures: { maxStreamsPerConnection: 1024, controlMessagesPerSecond: 10, connectAttempts: CONNECT_ATTEMPTS },
  options: { maxStreamsPerConnection: 200, controlMessagesPerSecond: 10, connectAttempts: CONNECT_ATTEMPTS },
};

export function resolveStreamLimits(product: StreamProduct, overrides: Partial<StreamLimits> = {}): StreamLimits {
  const limits = { ...DEFAULT_STREAM_LIMITS[product], ...overrides };
  if (!(limits.maxStreamsPerConnection >= 1)) throw new Error('maxStreamsPerConnection must be at least 1');
  if (!(limits.controlMessagesPerSecond >= 2))
    throw new Error('controlMessagesPerSecond must be at least 2 (one is kept free for pongs)');
  return limits;
}
