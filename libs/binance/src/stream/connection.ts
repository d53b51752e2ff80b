// One combined-stream WebSocket: its SUBSCRIBEs (batched, paced, acknowledged), its data, and the
// signs that it is dying (close, error, silence, unanswered requests, serverShutdown, lifetime).
// What to do about them is the slot's business; a connection only reports, once.

import type { Logger } from '@marketpipe/runtime';
import WebSocket from 'ws';
import { classifyFrame } from './frames';
import { TokenBucket } from './token-bucket';

export interface ConnectionSettings {
  url: string;
  /** Outgoing control messages per second (already below the server's limit). */
  controlRate: number;
  /** Streams per SUBSCRIBE/UNSUBSCRIBE message. */
  batchSize: number;
  silenceMs: number;
  ackTimeoutMs: number;
  lifetimeMs: number;
  handshakeTimeoutMs: number;
}

export type LossReason = 'drop' | 'close' | 'error' | 'refused' | 'stale' | 'ack_timeout';
export type ExpiryReason = 'lifetime' | 'serverShutdown';

export interface ConnectionEvents {
  data(stream: string, data: unknown, receivedAt: number): void;
  /** Every wanted stream is acknowledged (again). */
  ready(conn: StreamConnection): void;
  /** The socket is going away on purpose soon: time to hand over. */
  expiring(conn: StreamConnection, reason: ExpiryReason): void;
  /** Gone without being asked to; reported once, never after close(). */
  lost(conn: StreamConnection, reason: LossReason, detail: string): void;
  malformed(reason: string): void;
  /** The server refused to subscribe these streams, each on its own. */
  rejected(conn: StreamConnection, streams: string[], detail: string): void;
  controlError(conn: StreamConnection, method: string, streams: readonly string[], detail: string): void;
  socket(open: boolean): void;
}

type Method = 'SUBSCRIBE' | 'UNSUBSCRIBE' | 'LIST_SUBSCRIPTIONS';

interface Request {
  method: Method;
  params: string[];
  sentAt: number;
  done?: (result: unknown, error?: Error) => void;
}

let serial = 0;

export class StreamConnection {
  readonly serial = ++serial;
  expiry: ExpiryReason | undefined;
  private ws: WebSocket | undefined;
  private readonly want = new Set<string>();
  /** Acknowledged and still wanted: always a subset of want, so ready is a size comparison. */
  private readonly acked = new Set<string>();
  private readonly queue: Request[] = [];
  private readonly inflight = new Map<number, Request>();
  private readonly bucket: TokenBucket;
  private nextId = 1;
  private open_ = false;
  private finished = false;
  private wasReady = false;
  private lastLifeAt = 0;
  /** Wall-clock time of the last data frame (0: none yet): where a gap after this connection starts. */
  lastDataAt = 0;
  private pumpTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private lifetimeTimer: NodeJS.Timeout | undefined;
  private failure: { reason: LossReason; detail: string } | undefined;
  private closed: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(
    private readonly settings: ConnectionSettings,
    streams: Iterable<string>,
    private readonly events: ConnectionEvents,
    private readonly logger: Logger,
  ) {
    this.bucket = new TokenBucket(settings.controlRate);
    this.add([...streams]);
  }

  get ready(): boolean {
    return this.open_ && !this.finished && this.acked.size === this.want.size;
  }

  get streamCount(): number {
    return this.want.size;
  }

  open(): void {
    if (this.ws !== undefined) return;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    // autoPong is ws's default and answers the server's pings with their payload; set anyway,
    // as a silent ping timeout is how Binance drops a connection.
    const ws = new WebSocket(this.settings.url, {
      autoPong: true,
      perMessageDeflate: false,
      handshakeTimeout: this.settings.handshakeTimeoutMs,
    });
    this.ws = ws;
    ws.on('open', () => this.onOpen());
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('error', (err) => {
      const status = /Unexpected server response: (\d+)/.exec(err.message)?.[1];
      this.failure ??= status
        ? { reason: 'refused', detail: `HTTP ${status}` }
        : { reason: 'error', detail: err.message };
    });
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
  }

  add(names: readonly string[]): void {
    const fresh = names.filter((n) => !this.want.has(n));
    if (fresh.length === 0) return;
    for (const n of fresh) this.want.add(n);
    this.enqueue('SUBSCRIBE', fresh);
  }

  remove(names: readonly string[]): void {
    const gone = new Set(names.filter((n) => this.want.has(n)));
    if (gone.size === 0) return;
    for (const n of gone) {
      this.want.delete(n);
      this.acked.delete(n);
    }
    // Streams whose SUBSCRIBE has not gone out yet need no UNSUBSCRIBE.
    const unsent = new Set<string>();
    for (const r of this.queue) {
      if (r.method !== 'SUBSCRIBE') continue;
      r.params = r.params.filter((p) => {
        if (!gone.has(p)) return true;
        unsent.add(p);
        return false;
      });
    }
    this.dropEmptyRequests();
    const sent = [...gone].filter((n) => !unsent.has(n));
    if (sent.length > 0) this.enqueue('UNSUBSCRIBE', sent);
    this.checkReady();
  }

  /** The streams the server says this connection holds. */
  list(): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({
        method: 'LIST_SUBSCRIPTIONS',
        params: [],
        sentAt: 0,
        done: (result, error) => {
          if (error) reject(error);
          else resolve(Array.isArray(result) ? result.filter((x): x is string => typeof x === 'string') : []);
        },
      });
      this.pump();
    });
  }

  /** Closes on purpose (no lost event); resolves once the socket is closed. */
  close(): Promise<void> {
    this.finish(new Error('connection closed'));
    const ws = this.ws;
    if (ws === undefined || this.closed === undefined) return Promise.resolve();
    if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.CLOSING) ws.terminate();
    else if (ws.readyState === WebSocket.OPEN) {
      ws.close(1000);
      // A peer that never answers the close frame must not hold stop() up.
      setTimeout(() => ws.terminate(), 2000).unref();
    }
    return this.closed;
  }

  // ---- socket events

  private onOpen(): void {
    if (this.finished) return;
    this.open_ = true;
    this.events.socket(true);
    this.lastLifeAt = performance.now();
    const tick = Math.max(50, Math.min(this.settings.silenceMs, this.settings.ackTimeoutMs) / 4);
    this.watchdog = setInterval(() => this.inspect(), tick);
    this.lifetimeTimer = setTimeout(() => this.expire('lifetime'), this.settings.lifetimeMs);
    this.pump();
    this.checkReady();
  }

  private onClose(code: number, reason: string): void {
    if (this.open_) this.events.socket(false);
    this.open_ = false;
    this.resolveClosed?.();
    if (this.finished) return;
    const f = this.failure ?? {
      reason: code === 1006 ? 'drop' : 'close',
      detail: `close ${code}${reason ? ` ${reason}` : ''}`,
    };
    this.fail(f.reason, f.detail);
  }

  private onMessage(raw: WebSocket.RawData, isBinary: boolean): void {
    if (this.finished) return;
    const receivedAt = Date.now();
    if (isBinary) return this.events.malformed('binary');
    const frame = classifyFrame(raw.toString());
    switch (frame.kind) {
      case 'data':
        this.lastLifeAt = performance.now();
        this.lastDataAt = receivedAt;
        this.events.data(frame.stream, frame.data, receivedAt);
        return;
      case 'result':
        return this.answered(frame.id, frame.result, undefined);
      case 'error':
        return this.answered(frame.id, undefined, `code ${frame.code ?? '?'}: ${frame.msg}`);
      case 'serverShutdown':
        return this.expire('serverShutdown');
      case 'malformed':
        return this.events.malformed(frame.reason);
    }
  }

  // ---- control messages

  private enqueue(method: Method, names: string[]): void {
    const tail = this.queue.at(-1);
    let rest = names;
    // Coalesce with a request of the same kind that has not gone out yet; only the tail, so a
    // SUBSCRIBE never overtakes an UNSUBSCRIBE of the same stream.
    if (tail !== undefined && tail.method === method) {
      const room = this.settings.batchSize - tail.params.length;
      tail.params.push(...rest.slice(0, Math.max(0, room)));
      rest = rest.slice(Math.max(0, room));
    }
    for (let i = 0; i < rest.length; i += this.settings.batchSize)
      this.queue.push({ method, params: rest.slice(i, i + this.settings.batchSize), sentAt: 0 });
    this.pump();
  }

  private dropEmptyRequests(): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const r = this.queue[i] as Request;
      if (r.method !== 'LIST_SUBSCRIPTIONS' && r.params.length === 0) this.queue.splice(i, 1);
    }
  }

  private pump(): void {
    if (!this.open_ || this.finished || this.pumpTimer !== undefined) return;
    while (this.queue.length > 0) {
      const wait = this.bucket.take();
      if (wait > 0) {
        this.pumpTimer = setTimeout(() => {
          this.pumpTimer = undefined;
          this.pump();
        }, wait);
        return;
      }
      const req = this.queue.shift() as Request;
      const id = this.nextId++;
      req.sentAt = performance.now();
      this.inflight.set(id, req);
      const msg =
        req.method === 'LIST_SUBSCRIPTIONS'
          ? { method: req.method, id }
          : { method: req.method, params: req.params, id };
      this.ws?.send(JSON.stringify(msg));
    }
  }

  private answered(id: number | null, result: unknown, error: string | undefined): void {
    this.lastLifeAt = performance.now();
    const req = id === null ? undefined : this.inflight.get(id);
    if (id !== null) this.inflight.delete(id);
    if (req === undefined) {
      if (error !== undefined) this.events.controlError(this, 'unknown', [], `id ${id}: ${error}`);
      return;
    }
    if (error === undefined) {
      if (req.method === 'SUBSCRIBE') for (const p of req.params) if (this.want.has(p)) this.acked.add(p);
      req.done?.(result);
      this.checkReady();
      return;
    }
    req.done?.(undefined, new Error(error));
    this.events.controlError(this, req.method, req.params, error);
    if (req.method === 'SUBSCRIBE') this.subscribeFailed(req.params, error);
  }

  /** Binance fails a whole SUBSCRIBE for one bad name: halve the batch until the bad ones stand
   * alone, give those up, keep the rest. Bounded: each name is retried at most log2(batch) times. */
  private subscribeFailed(params: readonly string[], error: string): void {
    const open = params.filter((p) => this.want.has(p) && !this.acked.has(p));
    if (open.length === 0) return;
    if (open.length === 1) {
      this.want.delete(open[0] as string);
      this.events.rejected(this, open, error);
      this.checkReady();
      return;
    }
    const half = Math.ceil(open.length / 2);
    this.queue.unshift(
      { method: 'SUBSCRIBE', params: open.slice(0, half), sentAt: 0 },
      { method: 'SUBSCRIBE', params: open.slice(half), sentAt: 0 },
    );
    this.pump();
  }

  private checkReady(): void {
    const ready = this.ready;
    if (ready && !this.wasReady) {
      this.wasReady = true;
      this.events.ready(this);
    } else if (!ready) this.wasReady = false;
  }

  // ---- liveness

  private inspect(): void {
    if (this.finished || !this.open_) return;
    const now = performance.now();
    // No stream, no data to expect: silence says nothing then.
    if (this.want.size > 0 && now - this.lastLifeAt > this.settings.silenceMs)
      return this.abandon('stale', `no data for ${Math.round(now - this.lastLifeAt)} ms`);
    for (const r of this.inflight.values())
      if (now - r.sentAt > this.settings.ackTimeoutMs)
        return this.abandon('ack_timeout', `${r.method} unanswered for ${Math.round(now - r.sentAt)} ms`);
  }

  private abandon(reason: LossReason, detail: string): void {
    this.ws?.terminate();
    this.fail(reason, detail);
  }

  private expire(reason: ExpiryReason): void {
    if (this.finished || this.expiry !== undefined) return;
    this.expiry = reason;
    this.logger.debug({ connection: this.serial, reason }, 'stream connection expiring');
    this.events.expiring(this, reason);
  }

  private fail(reason: LossReason, detail: string): void {
    if (this.finished) return;
    this.finish(new Error(`connection lost: ${reason}`));
    this.events.lost(this, reason, detail);
  }

  private finish(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.pumpTimer);
    clearInterval(this.watchdog);
    clearTimeout(this.lifetimeTimer);
    for (const r of [...this.inflight.values(), ...this.queue]) r.done?.(undefined, error);
    this.inflight.clear();
    this.queue.length = 0;
  }
}
