// Paces outgoing control messages of one connection.

/**
 * A token bucket of capacity 1: at most one message per 1/ratePerSecond, never a burst. Binance
 * counts messages over a sliding second, so a bigger bucket could put capacity + rate messages
 * into one second and get the connection closed.
 */
export class TokenBucket {
  private nextAt = -Infinity;
  private readonly spacingMs: number;

  constructor(
    ratePerSecond: number,
    private readonly clock: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0)) throw new Error('ratePerSecond must be positive');
    this.spacingMs = 1000 / ratePerSecond;
  }

  /** Takes the token if available (returns 0), otherwise returns the ms until it is. */
  take(): number {
    const now = this.clock();
    if (now < this.nextAt) return Math.ceil(this.nextAt - now);
    this.nextAt = now + this.spacingMs;
    return 0;
  }
}
