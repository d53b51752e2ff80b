/**
 * When the requests of one weight budget may overlap. Binance answers 429 once the IP's weight is
 * used up and bans the IP (418) when requests keep coming after it (BINANCE_API.md §4.3): every
 * request already in flight when the weight runs out earns its own 429, so a round sent
 * concurrently into a full window turns into 429, 429, 418, 418. The gate therefore lets requests
 * overlap only while a recent answer showed room, and otherwise sends them one at a time, each
 * after the previous one's answer is in:
 *
 * - serial until an answer shows room: at the start of a window (nothing known yet), after a 429
 *   or 418, after an answer near the limit or one where the server counted much more than we sent;
 * - concurrent for `trustMs` after an answer that showed room (each such answer extends it), never
 *   past the end of the answer's window;
 * - an answer to a request sent before the last distrust proves nothing (it left before the news).
 *
 * Pure bookkeeping: no timers, the caller passes the time. WeightBudget waits on it.
 */
export class SendGate {
  private inFlight = 0;
  private issued = 0;
  /** Tickets up to this number were sent before the last distrust: their answers prove no room. */
  private staleUpTo = 0;
  private trustedUntil = 0;

  constructor(readonly trustMs: number) {}

  /** True while requests must go out one at a time. */
  serial(now: number): boolean {
    return now >= this.trustedUntil;
  }

  /** Whether a request may be sent now: always while concurrent, only with none in flight while serial. */
  mayStart(now: number): boolean {
    return this.inFlight === 0 || !this.serial(now);
  }

  /** A request is sent; `finish` it when it is over. */
  start(now: number): GateTicket {
    const ticket = { seq: ++this.issued, alone: this.serial(now) };
    this.inFlight++;
    return ticket;
  }

  finish(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** The answer to `ticket` showed room: overlap is fine until `now + trustMs` (at most `windowEnd`). */
  room(ticket: GateTicket, now: number, windowEnd: number): void {
    if (ticket.seq <= this.staleUpTo) return;
    this.trustedUntil = Math.max(this.trustedUntil, Math.min(now + this.trustMs, windowEnd));
  }

  /** 429, 418, or an answer near the limit: one at a time until a later request's answer shows room. */
  distrust(): void {
    this.trustedUntil = 0;
    this.staleUpTo = this.issued;
  }

  snapshot(now: number): { serial: boolean; inFlight: number } {
    return { serial: this.serial(now), inFlight: this.inFlight };
  }
}

export interface GateTicket {
  readonly seq: number;
  /** The gate was serial when it was sent: nothing else was in flight. */
  readonly alone: boolean;
}

/**
 * Whether a used-weight header leaves room for concurrent requests: the server's count is at least
 * `margin` below our ceiling, and it did not run more than `margin` ahead of our own count (someone
 * else on the IP is spending fast, and may spend the rest before our next answer).
 */
export function headerShowsRoom(serverUsed: number, ourUsed: number, capacity: number, margin: number): boolean {
  return serverUsed + margin <= capacity && serverUsed - ourUsed <= margin;
}
