// One client connection: its streams, raw/combined mode, heartbeat (ping, pong timeout),
// lifetime cut-off and inbound message rate. What to send is decided by the server.

import { type WebSocket } from 'ws';
import { type Product } from '../http/route';
import { type WsConfig } from './config';
import { type Frame, serverShutdownFrame } from './frame';
import { MessageRate } from './limits';
import { type WsCloseReason, type WsCounters } from './stats';
import { type Family } from './streams';

export interface ConnectionHost {
  readonly config: WsConfig;
  readonly counters: WsCounters;
  stalled(product: Product): boolean;
  /** Model time for event times. */
  modelTime(): number;
}

export class Connection {
  readonly streams = new Set<string>();
  closeReason: WsCloseReason | undefined;
  private product_: Product;
  private rate: MessageRate;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Payloads of pings sent and not yet answered: only an echo of one of them counts as a pong
   * ("unsolicited pong frames ... will not prevent disconnection"). */
  private readonly unanswered = new Set<string>();
  private pingSeq = 0;
  private shuttingDown = false;

  constructor(
    readonly ws: WebSocket,
    readonly family: Family,
    public combined: boolean,
    product: Product,
    private readonly host: ConnectionHost,
  ) {
    this.product_ = product;
    this.rate = new MessageRate(host.config.products[product].maxMessagesPerSecond);
    const { lifetimeMs, shutdownGraceMs } = host.config;
    this.later(Math.max(0, lifetimeMs - shutdownGraceMs), () => this.shutdown('lifetime'));
    this.startHeartbeat();
  }

  get product(): Product {
    return this.product_;
  }

  /** USD-M and options share the fstream paths: a connection opened without streams takes the
   * limits of the product of its first stream. */
  classify(product: Product): void {
    if (product === this.product_) return;
    this.product_ = product;
    this.rate = new MessageRate(this.host.config.products[product].maxMessagesPerSecond);
    this.startHeartbeat();
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  /** Sends unless the connection is stalled by a fault or closing; counts what went out. */
  send(data: Buffer | string): boolean {
    if (!this.open || this.host.stalled(this.product_)) return false;
    this.ws.send(data, { binary: false });
    this.host.counters.messagesSent[this.product_]++;
    return true;
  }

  sendFrame(frame: Frame): boolean {
    return this.send(this.combined ? frame.combined : frame.raw);
  }

  /** Counts an inbound message (text, ping or pong); over the limit the connection is closed. */
  inbound(): boolean {
    if (this.rate.record()) return true;
    this.closeReason ??= 'messageRate';
    this.ws.close(1008, 'Too many requests');
    // A client that ignores the close frame is cut off anyway.
    this.later(1000, () => this.ws.terminate());
    return false;
  }

  pong(data: Buffer): void {
    this.host.counters.pongsReceived++;
    if (!this.unanswered.has(data.toString())) return;
    this.unanswered.clear();
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  /** serverShutdown now, the close after the grace period. */
  shutdown(reason: 'lifetime' | 'shutdown'): void {
    if (this.shuttingDown || !this.open) return;
    this.shuttingDown = true;
    this.sendFrame(serverShutdownFrame(this.host.modelTime()));
    this.later(this.host.config.shutdownGraceMs, () => {
      this.closeReason ??= reason;
      this.ws.close(1001, 'serverShutdown');
      this.later(1000, () => this.ws.terminate());
    });
  }

  terminate(reason: WsCloseReason): void {
    this.closeReason ??= reason;
    this.ws.terminate();
  }

  dispose(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private startHeartbeat(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    const { pingIntervalMs, pongTimeoutMs } = this.host.config.products[this.product_];
    this.pingTimer = setInterval(() => {
      if (!this.open || this.host.stalled(this.product_)) return;
      const payload = String(++this.pingSeq);
      this.ws.ping(payload);
      this.host.counters.pingsSent++;
      this.unanswered.add(payload);
      this.pongTimer ??= setTimeout(() => this.terminate('pongTimeout'), pongTimeoutMs);
    }, pingIntervalMs);
  }

  private later(ms: number, f: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      f();
    }, ms);
    this.timers.add(t);
  }
}
