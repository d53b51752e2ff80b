// A share of the client's streams that one connection carries at a time. Replacing that connection
// is the slot's job: after a loss (backoff, then a gap to report) and before an expected end
// (overlapping hand-over: the new one subscribes first, then the old one closes, no gap).

import type { Logger } from '@marketpipe/runtime';
import {
  type ConnectionEvents,
  type ConnectionSettings,
  type ExpiryReason,
  type LossReason,
  StreamConnection,
} from './connection';

export interface SlotHost {
  readonly settings: ConnectionSettings;
  readonly logger: Logger;
  /** 0 when a connection attempt may start now, else ms to wait (the per-IP window is full). */
  acquireAttempt(): number;
  backoffMs(failures: number): number;
  data(stream: string, data: unknown, receivedAt: number): void;
  /** Readiness of a slot may have changed. */
  changed(): void;
  /** The streams are carried again after a loss; `since`: wall-clock time their data stopped. */
  gap(streams: readonly string[], reason: string, since: number): void;
  lost(reason: LossReason): void;
  handover(reason: ExpiryReason): void;
  rejected(streams: readonly string[]): void;
  malformed(reason: string): void;
  controlError(method: string, streams: readonly string[], detail: string): void;
  socket(open: boolean): void;
}

export class Slot {
  readonly streams = new Set<string>();
  private active: StreamConnection | undefined;
  private candidate: StreamConnection | undefined;
  /** Why data may be missing: set by a loss, reported when a connection carries the streams again. */
  private gapReason: string | undefined;
  /** When the data stopped: the last data frame of the connection lost first. */
  private gapSince = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private waitingForAttempt = false;
  private closed = false;
  private started = false;
  private readonly events: ConnectionEvents;

  constructor(private readonly host: SlotHost) {
    this.events = {
      data: (s, d, t) => host.data(s, d, t),
      ready: (c) => this.onReady(c),
      expiring: (c, r) => this.onExpiring(c, r),
      lost: (c, r, d) => this.onLost(c, r, d),
      malformed: (r) => host.malformed(r),
      rejected: (c, s, d) => this.onRejected(c, s, d),
      controlError: (_c, m, s, d) => host.controlError(m, s, d),
      socket: (open) => host.socket(open),
    };
  }

  get ready(): boolean {
    return this.active?.ready === true;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.connectIn(0);
  }

  add(names: readonly string[]): void {
    for (const n of names) this.streams.add(n);
    this.active?.add(names);
    this.candidate?.add(names);
  }

  remove(names: readonly string[]): void {
    for (const n of names) this.streams.delete(n);
    this.active?.remove(names);
    this.candidate?.remove(names);
  }

  async list(): Promise<string[]> {
    return this.active ? this.active.list() : [];
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const conns = [this.active, this.candidate];
    this.active = this.candidate = undefined;
    await Promise.all(conns.map((c) => c?.close()));
  }

  // ---- connecting

  private connectIn(delayMs: number): void {
    if (this.closed || this.timer !== undefined || this.candidate !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.connectNow();
    }, delayMs);
  }

  private connectNow(): void {
    if (this.closed || this.candidate !== undefined) return;
    const wait = this.host.acquireAttempt();
    if (wait > 0) {
      if (!this.waitingForAttempt)
        this.host.logger.warn({ waitMs: wait }, 'connection-attempt limit reached; waiting for a free slot');
      this.waitingForAttempt = true;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.connectNow();
      }, wait);
      return;
    }
    this.waitingForAttempt = false;
    const conn = new StreamConnection(this.host.settings, this.streams, this.events, this.host.logger);
    this.candidate = conn;
    conn.open();
  }

  // ---- connection events

  private onReady(conn: StreamConnection): void {
    if (conn === this.candidate) {
      const old = this.active;
      this.active = conn;
      this.candidate = undefined;
      this.failures = 0;
      // Only now, with the new one subscribed, may the old one go: the overlap is the hand-over.
      void old?.close();
      if (this.gapReason !== undefined) {
        const reason = this.gapReason;
        this.gapReason = undefined;
        this.host.gap([...this.streams], reason, this.gapSince);
      }
      if (conn.expiry !== undefined) this.onExpiring(conn, conn.expiry);
    }
    this.host.changed();
  }

  private onExpiring(conn: StreamConnection, reason: ExpiryReason): void {
    // A candidate told to go is dealt with once it is promoted.
    if (conn !== this.active || this.candidate !== undefined || this.closed) return;
    this.host.handover(reason);
    this.host.logger.info({ reason, streams: this.streams.size }, 'stream hand-over');
    clearTimeout(this.timer);
    this.timer = undefined;
    this.connectNow();
  }

  private onLost(conn: StreamConnection, reason: LossReason, detail: string): void {
    if (this.closed) return;
    this.host.lost(reason);
    if (conn === this.active) {
      this.active = undefined;
      if (this.gapReason === undefined) this.gapSince = conn.lastDataAt > 0 ? conn.lastDataAt : Date.now();
      this.gapReason ??= conn.expiry !== undefined ? `${conn.expiry} before hand-over (${reason})` : reason;
      this.host.logger.warn({ reason, detail, streams: this.streams.size }, 'stream connection lost');
      this.host.changed();
      // A hand-over under way becomes the reconnect.
      if (this.candidate === undefined) this.connectIn(this.host.backoffMs(this.failures++));
    } else if (conn === this.candidate) {
      this.candidate = undefined;
      this.host.logger.warn(
        { reason, detail, failures: this.failures + 1, handover: this.active !== undefined },
        'stream connection attempt failed',
      );
      this.connectIn(this.host.backoffMs(this.failures++));
    }
  }

  private onRejected(conn: StreamConnection, names: string[], detail: string): void {
    this.host.logger.error({ streams: names, detail }, 'server refused to subscribe; stream given up');
    for (const n of names) this.streams.delete(n);
    for (const c of [this.active, this.candidate]) if (c !== undefined && c !== conn) c.remove(names);
    this.host.rejected(names);
  }
}
