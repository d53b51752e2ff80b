// Binance limits connection attempts per IP (300 per 5 min); every client of the process that
// talks to the same host draws from one window, or together they would exceed it.

/** Attempts within a sliding window. */
export class ConnectAttemptWindow {
  private readonly times: number[] = [];

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Records an attempt and returns 0 when the window has room; otherwise records nothing and
   * returns the ms until the oldest attempt leaves the window. */
  tryAcquire(): number {
    const now = this.clock();
    while (this.times.length > 0 && (this.times[0] as number) <= now - this.windowMs) this.times.shift();
    if (this.times.length < this.limit) {
      this.times.push(now);
      return 0;
    }
    return Math.max(1, Math.ceil((this.times[0] as number) + this.windowMs - now));
  }

  /** Attempts in the window now. */
  used(): number {
    const now = this.clock();
    return this.times.filter((t) => t > now - this.windowMs).length;
  }
}

const shared = new Map<string, ConnectAttemptWindow>();

/** The process-wide window for a host (host:port of the base URL). */
export function sharedConnectAttempts(baseUrl: string, limit: number, windowMs: number): ConnectAttemptWindow {
  const key = `${new URL(baseUrl).host}|${limit}|${windowMs}`;
  let w = shared.get(key);
  if (w === undefined) {
    w = new ConnectAttemptWindow(limit, windowMs);
    shared.set(key, w);
  }
  return w;
}
