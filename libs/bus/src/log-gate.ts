import type { Logger } from '@marketpipe/runtime';
import { logLevel } from 'kafkajs';

/** A kafkajs line that says a broker cannot be reached (as opposed to a protocol or data problem). */
const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|ETIMEDOUT|EPIPE|socket hang up|Connection error|Connection timeout|Closed connection|KafkaJSConnection|NoBrokerAvailable|Failed to connect|timed out/i;
/** What follows a broker's return while clients rejoin and leaders settle; retried by kafkajs. */
const SETTLING =
  /not the leader|no leader|leadership election|coordinator is (loading|not available)|not the correct coordinator|Restarting the consumer|Crash: |rebalancing|not aware of this member|Failed to send messages|unreachable|ECONNREFUSED|Connection error/i;
/** How long after an outage the lines of clients settling are held back too. */
export const SETTLING_MS = 10_000;
const HOST_PORT = /\b([\w.-]+:\d{2,5})\b/;

/** How often, at most, an outage that goes on says so. */
export const STILL_DOWN_EVERY_MS = 30_000;

/**
 * Routes kafkajs's own logging into pino, and keeps a broker outage to a few lines: kafkajs logs
 * every failed connect, retry, crash and restart of every client (100–180 lines a minute while a
 * broker is away). The first line that says a broker is unreachable becomes one warning; while
 * any broker is unreachable every other kafkajs warning and error is counted, not printed, with
 * one "still unreachable" warning at most every 30 s; `reachable()` (the bus calls it when a
 * fetch or a publish succeeds) ends the outage with one line, and for 10 s after it the lines of
 * clients settling (coordinator loading, leaders moving, consumers restarting) are debug too.
 * Everything else passes through (kafkajs INFO as debug).
 */
export class KafkaLogGate {
  private readonly log: Logger;
  /** Unreachable brokers and since when, in this outage. */
  private readonly down = new Map<string, number>();
  private since = 0;
  private lastReport = 0;
  private held = 0;
  private lastHeld = '';
  private settledAt = -Infinity;

  constructor(
    logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.log = logger.child({ component: 'kafkajs' });
  }

  entry(level: logLevel, entry: { readonly message: string; readonly [key: string]: unknown }): void {
    const { message, ...extra } = entry;
    if (level !== logLevel.ERROR && level !== logLevel.WARN) {
      if (level === logLevel.INFO) this.log.debug(extra, message);
      return;
    }
    const text = `${message} ${typeof extra['error'] === 'string' ? extra['error'] : ''}`;
    const t = this.now();
    if (this.down.size === 0 && t - this.settledAt < SETTLING_MS && SETTLING.test(text)) {
      this.log.debug(extra, message);
      return;
    }
    if (UNREACHABLE.test(text)) {
      const named = typeof extra['broker'] === 'string' ? extra['broker'] : HOST_PORT.exec(text)?.[1];
      // A line naming no broker opens an outage but adds none to one going on.
      const broker = named ?? (this.down.size === 0 ? 'the cluster' : undefined);
      if (broker !== undefined && !this.down.has(broker)) {
        if (this.down.size === 0) {
          this.since = t;
          this.lastReport = t;
          this.held = 0;
        }
        this.down.set(broker, t);
        this.log.warn(
          { broker, error: message },
          `Kafka broker ${broker} unreachable; kafkajs errors are held back until it answers`,
        );
        return;
      }
    }
    if (this.down.size === 0) {
      if (level === logLevel.ERROR) this.log.error(extra, message);
      else this.log.warn(extra, message);
      return;
    }
    this.held++;
    this.lastHeld = message;
    if (t - this.lastReport >= STILL_DOWN_EVERY_MS) {
      this.lastReport = t;
      const seconds = Math.round((t - this.since) / 1000);
      this.log.warn(
        { brokers: [...this.down.keys()], seconds, held: this.held, last: this.lastHeld },
        `Kafka still unreachable after ${seconds} s (${this.held} kafkajs lines held back)`,
      );
    }
  }

  /** The brokers answered (a fetch or a publish succeeded): ends an outage with one line. */
  reachable(): void {
    if (this.down.size === 0) return;
    const seconds = Math.round((this.now() - this.since) / 1000);
    this.log.info(
      { brokers: [...this.down.keys()], seconds, held: this.held },
      `Kafka reachable again after ${seconds} s (${this.held} kafkajs lines held back)`,
    );
    this.down.clear();
    this.held = 0;
    this.settledAt = this.now();
  }

  /** Whether an outage is going on (for tests and health). */
  get outage(): boolean {
    return this.down.size > 0;
  }
}
