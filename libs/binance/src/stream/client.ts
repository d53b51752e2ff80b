// The stream client: spreads a stream set over as many connections (slots) as Binance's
// per-connection cap needs, keeps the set in step with setStreams, and turns the slots' reports
// into state, gaps, stats and metrics.

import type { Logger } from '@marketpipe/runtime';
import type { Registry } from 'prom-client';
import { backoffDelay } from '../rest/backoff';
import { type ConnectAttemptWindow, sharedConnectAttempts } from './connect-attempts';
import type { ConnectionSettings } from './connection';
import { resolveStreamLimits, type StreamLimits, type StreamProduct } from './limits';
import { type ClientMetrics, clientMetrics, streamMetrics } from './metrics';
import { Slot, type SlotHost } from './slot';
import { ThrottledLog } from './throttled-log';

export interface StreamClientOptions {
  product: StreamProduct;
  /** e.g. wss://stream.binance.com:9443 (spot), wss://fstream.binance.com (futures/options), ws://127.0.0.1:PORT (simulator) */
  baseUrl: string;
  /** '' for spot; '/market' or '/public' for USD-M futures and options (Binance's split since 2026) */
  path: '' | '/market' | '/public';
  streams: readonly string[];
  limits?: Partial<StreamLimits>;
  /** Proactive overlapping hand-over this long after a connection opened (Binance cuts at 24 h). Default 23 h. */
  lifetimeMs?: number;
  /** A connection with no data frame for this long is declared stale, counted, and replaced. Default 10_000.
   * Must exceed the slowest stream's period (options open interest: 60 s). */
  silenceMs?: number;
  backoff?: { initialMs: number; maxMs: number };
  logger: Logger;
  metrics: Registry;
  /** Label value for metrics, e.g. 'spot' or 'options-public' (default: product). */
  name?: string;
  /** One data frame: the combined-stream envelope unwrapped. receivedAt = Date.now() at receipt. */
  onMessage: (stream: string, data: unknown, receivedAt: number) => void;
  /** A connection carrying `streams` was (re)established after a loss (drop, stall, refused, error) — not after a
   * clean proactive hand-over or serverShutdown hand-over where the old connection overlapped. The caller repairs
   * the gap from REST. */
  onGap?: (streams: readonly string[], reason: string, since: number) => void;
  /** The server refused to subscribe `streams`; they are not retried until they leave the set and come back. */
  onRejected?: (streams: readonly string[], at: number) => void;
  /** up = every stream is carried by an open, subscribed connection. Called on every change. */
  onStateChange?: (up: boolean) => void;
  /** Streams per SUBSCRIBE/UNSUBSCRIBE message. Default 200. */
  subscribeBatchSize?: number;
  /** A control request unanswered this long means a dead connection. Default 10_000. */
  ackTimeoutMs?: number;
  /** Default 10_000. */
  handshakeTimeoutMs?: number;
  /** The connection-attempt window; default: the one shared by every client of this host. */
  connectAttempts?: ConnectAttemptWindow;
}

export interface StreamClientStats {
  connections: number;
  streams: number;
  messages: number;
  reconnects: number;
  stale: number;
  malformed: number;
  gaps: number;
  handovers: number;
  controlErrors: number;
  rejected: number;
}

const HOUR = 3_600_000;

export class StreamClient {
  private readonly limits: StreamLimits;
  private readonly logger: Logger;
  private readonly slots: Slot[] = [];
  private readonly owner = new Map<string, Slot>();
  private readonly rejected = new Set<string>();
  private readonly host: SlotHost;
  private readonly counts = {
    connections: 0,
    messages: 0,
    reconnects: 0,
    stale: 0,
    malformed: 0,
    gaps: 0,
    handovers: 0,
    controlErrors: 0,
  };
  private readonly m: ClientMetrics;
  private readonly closing = new Set<Promise<void>>();
  private readonly malformedLog: ThrottledLog;
  private started = false;
  private stopped = false;
  private up = false;

  constructor(private readonly options: StreamClientOptions) {
    this.limits = resolveStreamLimits(options.product, options.limits);
    const name = options.name ?? options.product;
    this.logger = options.logger.child({ stream_client: name });
    this.malformedLog = new ThrottledLog(this.logger, 60_000);
    this.m = clientMetrics(streamMetrics(options.metrics), name);
    this.m.up.set(0);
    this.m.connections.set(0);

    const attempts =
      options.connectAttempts ??
      sharedConnectAttempts(options.baseUrl, this.limits.connectAttempts.limit, this.limits.connectAttempts.windowMs);
    const settings: ConnectionSettings = {
      url: `${options.baseUrl.replace(/\/+$/, '')}${options.path}/stream`,
      // One message a second is left for the pongs the server's pings ask for.
      controlRate: this.limits.controlMessagesPerSecond - 1,
      batchSize: options.subscribeBatchSize ?? 200,
      silenceMs: options.silenceMs ?? 10_000,
      ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
      lifetimeMs: options.lifetimeMs ?? 23 * HOUR,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    };
    const backoff = { baseMs: options.backoff?.initialMs ?? 250, maxMs: options.backoff?.maxMs ?? 30_000 };
    this.host = {
      settings,
      logger: this.logger,
      acquireAttempt: () => attempts.tryAcquire(),
      backoffMs: (failures) => backoffDelay(failures, backoff),
      data: (stream, data, receivedAt) => this.onData(stream, data, receivedAt),
      changed: () => this.updateUp(),
      gap: (streams, reason, since) => {
        this.counts.gaps++;
        this.m.gaps.inc();
        this.logger.warn({ streams: streams.length, reason }, 'streams resumed after a gap');
        this.options.onGap?.(streams, reason, since);
      },
      lost: (reason) => {
        this.counts.reconnects++;
        this.m.reconnects(reason);
        if (reason === 'stale') {
          this.counts.stale++;
          this.m.stale.inc();
        }
      },
      handover: (reason) => {
        this.counts.handovers++;
        this.m.handovers(reason);
      },
      rejected: (streams) => {
        for (const s of streams) {
          this.rejected.add(s);
          this.owner.delete(s);
        }
        this.m.rejected.set(this.rejected.size);
        this.updateUp();
        this.options.onRejected?.(streams, Date.now());
      },
      malformed: (reason) => {
        this.counts.malformed++;
        this.m.malformed.inc();
        this.malformedLog.warn(reason, 'malformed stream frame');
      },
      controlError: (method, streams, detail) => {
        this.counts.controlErrors++;
        this.m.controlErrors.inc();
        this.logger.warn(
          { method, streams: streams.slice(0, 20), count: streams.length, detail },
          'stream control request failed',
        );
      },
      socket: (open) => {
        this.counts.connections += open ? 1 : -1;
        this.m.connections.set(this.counts.connections);
      },
    };
    this.assign([...new Set(options.streams)]);
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const s of this.slots) s.start();
    this.updateUp();
  }

  /** Replace the stream set (new symbols listed, old ones delisted): subscribe/unsubscribe the difference,
   * rate-limited, spreading over connections. */
  setStreams(streams: readonly string[]): void {
    if (this.stopped) return;
    const next = new Set(streams);
    // A stream the server refused is retried only once it has left the set and come back.
    for (const r of [...this.rejected]) if (!next.has(r)) this.rejected.delete(r);
    this.m.rejected.set(this.rejected.size);
    const removed = new Map<Slot, string[]>();
    for (const [stream, slot] of this.owner) {
      if (next.has(stream)) continue;
      this.owner.delete(stream);
      const list = removed.get(slot) ?? [];
      list.push(stream);
      removed.set(slot, list);
    }
    for (const [slot, names] of removed) slot.remove(names);
    for (const slot of [...this.slots]) {
      if (slot.streams.size > 0) continue;
      this.slots.splice(this.slots.indexOf(slot), 1);
      this.track(slot.close());
    }
    this.assign([...next].filter((s) => !this.owner.has(s) && !this.rejected.has(s)));
    if (this.started) for (const s of this.slots) s.start();
    this.updateUp();
  }

  isUp(): boolean {
    return this.up;
  }

  stats(): StreamClientStats {
    return { ...this.counts, streams: this.owner.size, rejected: this.rejected.size };
  }

  /** The streams the server reports for each connection (LIST_SUBSCRIPTIONS), merged. */
  async listSubscriptions(): Promise<string[]> {
    const lists = await Promise.all(this.slots.map((s) => s.list()));
    return lists.flat().sort();
  }

  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      for (const s of this.slots.splice(0)) this.track(s.close());
      this.setUp(false);
    }
    while (this.closing.size > 0) await Promise.all([...this.closing]);
  }

  // ---- internals

  /** New streams go to the least-loaded slots, with as many new slots as the cap requires, so a
   * fresh start spreads evenly (2,100 → 700 each on 3 connections) rather than 1024/1024/52. */
  private assign(names: string[]): void {
    if (names.length === 0) return;
    const max = this.limits.maxStreamsPerConnection;
    const total = this.owner.size + names.length;
    while (this.slots.length < Math.ceil(total / max)) this.slots.push(new Slot(this.host));
    const batches = new Map<Slot, string[]>();
    const load = new Map(this.slots.map((s) => [s, s.streams.size]));
    for (const name of names) {
      let best: Slot | undefined;
      for (const [s, n] of load) if (n < max && (best === undefined || n < (load.get(best) as number))) best = s;
      if (best === undefined) {
        best = new Slot(this.host);
        this.slots.push(best);
      }
      load.set(best, (load.get(best) ?? 0) + 1);
      const batch = batches.get(best) ?? [];
      batch.push(name);
      batches.set(best, batch);
      this.owner.set(name, best);
    }
    for (const [slot, batch] of batches) slot.add(batch);
  }

  private onData(stream: string, data: unknown, receivedAt: number): void {
    this.counts.messages++;
    this.m.messages.inc();
    this.m.lastMessage.set(receivedAt / 1000);
    this.options.onMessage(stream, data, receivedAt);
  }

  private updateUp(): void {
    this.setUp(this.started && !this.stopped && this.slots.every((s) => s.ready));
  }

  private setUp(up: boolean): void {
    if (up === this.up) return;
    this.up = up;
    this.m.up.set(up ? 1 : 0);
    this.options.onStateChange?.(up);
  }

  private track(p: Promise<void>): void {
    this.closing.add(p);
    void p.finally(() => this.closing.delete(p));
  }
}
