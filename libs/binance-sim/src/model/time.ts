// Time constants and calendar helpers (all UTC, ms epoch).

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { floor } = Math;

export const SECOND = 1000;
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
export const YEAR = 365 * DAY;

/** The model's time resolution: prices change once per second, so every response built within the
 * same second is identical and cacheable. */
export function quantize(now: number): number {
  return floor(now / SECOND) * SECOND;
}

/** 08:00 UTC, when Binance options and quarterly futures expire. */
export const EXPIRY_HOUR = 8;

/** The first instant strictly after `t` that falls on 08:00 UTC. */
export function next0800(t: number): number {
  const d = floor(t / DAY) * DAY + EXPIRY_HOUR * HOUR;
  return d > t ? d : d + DAY;
}

/** Last Friday of a month (UTC) at 08:00. `month` is 0-based. */
export function lastFriday0800(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = (lastDay.getUTCDay() - 5 + 7) % 7;
  return Date.UTC(year, month, lastDay.getUTCDate() - back, EXPIRY_HOUR);
}

/** YYMMDD of a UTC instant, as used in option symbols and delivery contracts. */
export function yymmdd(t: number): string {
  const d = new Date(t);
  const p2 = (n: number): string => (n < 10 ? '0' : '') + n;
  return p2(d.getUTCFullYear() % 100) + p2(d.getUTCMonth() + 1) + p2(d.getUTCDate());
}
