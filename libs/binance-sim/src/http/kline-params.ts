// The kline query parameters of spot and futures: interval, times (spot also in µs), limit, timeZone.

import { type KlineFormat, type KlineQuery, klinesJson, parseInterval } from '../api/klines';
import { type Instrument } from '../model/candles';
import { HOUR, MINUTE } from '../model/time';
import { invalidInterval, invalidValue } from './errors';
import { type Params } from './params';
import { type Apis, type Ctx } from './route';

/** Times may be sent in ms or µs on spot; anything above 1e14 is taken as µs. */
function spotTime(p: Params, name: string): number | undefined {
  const v = p.integer(name);
  return v !== undefined && v > 1e14 ? Math.floor(v / 1000) : v;
}

/** `timeZone` of spot klines: hours or hours:minutes in [-12:00, +14:00]. */
function timeZone(raw: string | undefined): number {
  if (raw === undefined || raw === '0') return 0;
  const m = /^([+-]?)(\d{1,2})(?::(\d{2}))?$/.exec(raw);
  if (!m) throw invalidValue('timeZone');
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  const offset = (m[1] === '-' ? -minutes : minutes) * MINUTE;
  if (offset < -12 * HOUR || offset > 14 * HOUR || Number(m[3] ?? 0) >= 60) throw invalidValue('timeZone');
  return offset;
}

function klineQuery(p: Params, max: number, spot: boolean): KlineQuery {
  const interval = parseInterval(p.required('interval'), spot);
  if (!interval) throw invalidInterval();
  const limit = p.integer('limit') ?? 500;
  if (limit < 1) throw invalidValue('limit');
  const startTime = spot ? spotTime(p, 'startTime') : p.integer('startTime');
  const endTime = spot ? spotTime(p, 'endTime') : p.integer('endTime');
  return {
    interval,
    limit: Math.min(limit, max),
    tz: spot ? timeZone(p.optional('timeZone')) : 0,
    ...(startTime !== undefined ? { startTime } : {}),
    ...(endTime !== undefined ? { endTime } : {}),
  };
}

/** Klines of an instrument (none for a halted one) after validating the query; `limit` above
 * `max` is clamped. */
export function klines(
  a: Apis,
  ctx: Ctx,
  inst: Instrument | undefined,
  f: KlineFormat,
  max: number,
  spot: boolean,
): string {
  const q = klineQuery(ctx.params, max, spot);
  if (!inst) return '[]';
  return klinesJson(a.market, inst, q, ctx.t, f, ctx.micros);
}
