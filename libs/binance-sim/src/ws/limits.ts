// The two rate limits of the stream protocol: connection attempts per IP (refused with HTTP 429)
// and inbound messages per connection per second (the connection is dropped).

/** Attempts per IP within a sliding window. */
export class ConnectionAttempts {
  private readonly log = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Records an attempt; false when it is over the limit (refused attempts count too, as Binance
   * counts attempts, not connections). */
  attempt(ip: string): boolean {
    const now = this.clock();
    const list = (this.log.get(ip) ?? []).filter((t) => t > now - this.windowMs);
    list.push(now);
    this.log.set(ip, list);
    return list.length <= this.limit;
  }
}

/** Inbound messages of one connection within the last second. */
export class MessageRate {
  private readonly times: number[] = [];

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Records a message; false when the last second holds more than the limit. */
  record(): boolean {
    const now = this.clock();
    this.times.push(now);
    while (this.times.length > 0 && (this.times[0] as number) <= now - 1000) this.times.shift();
    return this.times.length <= this.perSecond;
  }
}
