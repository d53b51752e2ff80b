/**
 * What the local clock knows of Binance's: an offset (exchange − local, ms) and a bound on its
 * error, from two kinds of evidence.
 *
 * - A round trip (a request sent at `sentAt`, answered at `receivedAt`, carrying `serverTime`):
 *   the server stamped it somewhere between the two, so the offset lies within
 *   `serverTime − receivedAt … serverTime − sentAt`. The narrowest trip (least queueing) is kept:
 *   NTP's min filter, since delay only ever widens the interval.
 * - A stream event (event time `E`, received at `receivedAt`): the exchange made it before it was
 *   received, so the offset is at least `E − receivedAt`. The largest is kept (least latency).
 *
 * Evidence is kept per bucket of `bucketMs` over `windowMs`, so a clock that steps or drifts is
 * followed within one window while a noisy minute cannot widen the estimate. Without evidence the
 * offset is 0 with an error of 0: the local clock taken at its word, which is what callers did
 * before there was a clock.
 */
export interface ClockEstimate {
  /** exchange − local, ms. */
  offsetMs: number;
  /** Half the width of the interval the offset lies in, ms. */
  errorMs: number;
  /** Whether any evidence stands behind it. */
  known: boolean;
}

interface Bucket {
  at: number;
  /** Narrowest round-trip interval of the bucket. */
  low: number;
  high: number;
  /** Largest lower bound from stream events. */
  eventLow: number;
}

export class ExchangeClock {
  private readonly buckets: Bucket[] = [];

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = 10 * 60_000,
    private readonly bucketMs = 60_000,
  ) {}

  /** A response that carried the server's time. Ignored unless all three are finite and in order. */
  observeRoundTrip(sentAt: number, receivedAt: number, serverTime: number): void {
    if (!Number.isFinite(sentAt) || !Number.isFinite(receivedAt) || !Number.isFinite(serverTime)) return;
    if (receivedAt < sentAt) return;
    const b = this.bucket();
    const low = serverTime - receivedAt;
    const high = serverTime - sentAt;
    if (high - low < b.high - b.low) {
      b.low = low;
      b.high = high;
    }
  }

  /** A stream event stamped `eventTime` by the exchange, received at `receivedAt`. */
  observeEvent(eventTime: number, receivedAt: number): void {
    if (!Number.isFinite(eventTime) || !Number.isFinite(receivedAt)) return;
    const b = this.bucket();
    const low = eventTime - receivedAt;
    if (low > b.eventLow) b.eventLow = low;
  }

  estimate(): ClockEstimate {
    this.expire();
    let low = -Infinity;
    let high = Infinity;
    let eventLow = -Infinity;
    for (const b of this.buckets) {
      if (b.high - b.low < high - low) {
        low = b.low;
        high = b.high;
      }
      if (b.eventLow > eventLow) eventLow = b.eventLow;
    }
    if (high === Infinity) {
      // Events alone bound the offset from below only: the least latency seen is the estimate.
      if (eventLow === -Infinity) return { offsetMs: 0, errorMs: 0, known: false };
      return { offsetMs: eventLow, errorMs: 0, known: true };
    }
    // An event bound inside the round trip's interval narrows it; one above it means the round trip
    // is older than a step of the clock, and the events, being newer and tighter, win.
    if (eventLow > high) return { offsetMs: eventLow, errorMs: 0, known: true };
    low = Math.max(low, eventLow);
    return { offsetMs: (low + high) / 2, errorMs: (high - low) / 2, known: true };
  }

  /** The exchange's time at local time `local`, by the estimate. */
  exchangeTime(local: number = this.now()): number {
    return local + this.estimate().offsetMs;
  }

  /**
   * The earliest the exchange's clock can have read at local time `local`: what "has this closed /
   * expired on the exchange?" is judged against, so that nothing is called closed early.
   */
  earliestExchangeTime(local: number = this.now()): number {
    const e = this.estimate();
    return local + e.offsetMs - e.errorMs;
  }

  private bucket(): Bucket {
    const now = this.now();
    const at = now - (now % this.bucketMs);
    let b = this.buckets.at(-1);
    if (b === undefined || b.at !== at) {
      b = { at, low: -Infinity, high: Infinity, eventLow: -Infinity };
      this.buckets.push(b);
      this.expire();
    }
    return b;
  }

  /** Drops buckets wholly outside the window. */
  private expire(): void {
    const oldest = this.now() - this.windowMs;
    while (this.buckets.length > 0 && (this.buckets[0] as Bucket).at + this.bucketMs <= oldest) this.buckets.shift();
  }
}
