// A broken feed can send thousands of bad frames a second; one log line per reason per period,
// with the count of the ones left out, says the same without flooding the log.

import type { Logger } from '@marketpipe/runtime';

export class ThrottledLog {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly periodMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  warn(reason: string, msg: string): void {
    const now = this.clock();
    const entry = this.last.get(reason);
    if (entry !== undefined && now - entry.at < this.periodMs) {
      entry.suppressed++;
      return;
    }
    this.logger.warn({ reason, suppressed: entry?.suppressed ?? 0 }, msg);
    this.last.set(reason, { at: now, suppressed: 0 });
  }
}
