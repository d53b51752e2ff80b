// /fapi/v1: one symbol or all (no `symbols`), weights by selection or by kline limit, and the
// separately capped fundingRate and fundingInfo.

import { type FuturesMarket } from '../model/universe';
import { invalidSymbol, invalidValue } from './errors';
import { klines } from './kline-params';
import { type Params } from './params';
import { type Apis, type Ctx, jsonArray, route, type Route, type SecondCache } from './route';

const bySymbol = (one: number, all: number) => (p: Params) => (p.has('symbol') ? one : all);

/** Kline weight by `limit`: [1,100) 1, [100,500) 2, [500,1000] 5, more 10 (default 500 → 5). */
function klineWeight(p: Params): number {
  const limit = Number(p.raw('limit') ?? 500);
  return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
}

export function futuresRoutes(a: Apis, cache: SecondCache): Route[] {
  const u = a.market.universe;
  const symbol = (ctx: Ctx, required: boolean): FuturesMarket | undefined => {
    const s = required ? ctx.params.required('symbol') : ctx.params.optional('symbol');
    if (s === undefined) return undefined;
    const f = u.futures(ctx.t).find((x) => x.symbol === s);
    if (!f) throw invalidSymbol();
    return f;
  };
  const all = (key: string, ctx: Ctx, row: (f: FuturesMarket) => string): Buffer =>
    cache.get(key, ctx.t, () => jsonArray(u.futures(ctx.t).map(row)));

  return [
    route(
      'futures',
      '/ping',
      () => 1,
      [],
      () => '{}',
    ),
    route(
      'futures',
      '/time',
      () => 1,
      [],
      (ctx) => `{"serverTime":${ctx.now}}`,
    ),
    route(
      'futures',
      '/exchangeInfo',
      () => 1,
      [],
      (ctx) => a.exchangeInfo.futures(ctx.now, u.futures(ctx.t)),
    ),
    route('futures', '/ticker/24hr', bySymbol(1, 40), ['symbol'], (ctx) => {
      const f = symbol(ctx, false);
      return f ? a.futures.ticker24hr(f, ctx.t) : all('fut24', ctx, (x) => a.futures.ticker24hr(x, ctx.t));
    }),
    route('futures', '/premiumIndex', bySymbol(1, 10), ['symbol'], (ctx) => {
      const f = symbol(ctx, false);
      return f ? a.futures.premiumIndex(f, ctx.t) : all('premium', ctx, (x) => a.futures.premiumIndex(x, ctx.t));
    }),
    route(
      'futures',
      '/openInterest',
      () => 1,
      ['symbol'],
      (ctx) => a.futures.openInterest(symbol(ctx, true) as FuturesMarket, ctx.t),
    ),
    route(
      'futures',
      '/fundingInfo',
      () => 0,
      [],
      (ctx) => a.futures.fundingInfo(u.futures(ctx.t)),
      // Binance: fundingInfo shares fundingRate's 500 requests / 5 min / IP.
      'fundingRate',
    ),
    route(
      'futures',
      '/fundingRate',
      () => 0,
      ['symbol', 'startTime', 'endTime', 'limit'],
      (ctx) => {
        const p = ctx.params;
        const f = symbol(ctx, false);
        const limit = Math.min(p.integer('limit') ?? 100, 1000);
        if (limit < 1) throw invalidValue('limit');
        const start = p.integer('startTime');
        const end = Math.min(p.integer('endTime') ?? ctx.t, ctx.t);
        return a.futures.fundingHistory(f ? [f] : u.futures(ctx.t), start ?? 0, end, limit, start !== undefined);
      },
      'fundingRate',
    ),
    route('futures', '/klines', klineWeight, ['symbol', 'interval', 'startTime', 'endTime', 'limit'], (ctx) => {
      const f = symbol(ctx, true) as FuturesMarket;
      return klines(a, ctx, f.inst, a.futures.formats(f.inst), 1500, false);
    }),
  ];
}
