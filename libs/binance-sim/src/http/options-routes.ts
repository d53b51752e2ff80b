// /eapi/v1: ticker and mark always arrays, index by underlying pair, open interest by base asset
// and expiry date.

import { type OptionUnderlying } from '../model/options';
import { invalidSymbol, invalidValue } from './errors';
import { type Apis, type Ctx, jsonArray, route, type Route, type SecondCache } from './route';

export function optionsRoutes(a: Apis, cache: SecondCache): Route[] {
  const om = a.market.options;
  const weight = (w: number) => () => w;

  /** The contracts a ticker/mark request asks for: one (`symbol`) or all listed, rendered by `row`. */
  const rows = (key: string, ctx: Ctx, row: (symbol: string) => string): string | Buffer => {
    const s = ctx.params.optional('symbol');
    if (s !== undefined) {
      if (!om.contract(s, ctx.t)) throw invalidSymbol();
      return jsonArray([row(s)]);
    }
    return cache.get(key, ctx.t, () => jsonArray([...om.quotes(ctx.t).keys()].map(row)));
  };
  const quote = (ctx: Ctx, symbol: string) => {
    const q = om.quotes(ctx.t).get(symbol);
    if (!q) throw invalidSymbol();
    return q;
  };
  const underlying = (key: 'underlying' | 'base', name: string): OptionUnderlying => {
    const x = om.underlyings.find((v) => v[key] === name);
    if (!x) throw invalidSymbol();
    return x;
  };

  return [
    route('options', '/ping', weight(1), [], () => '{}'),
    route('options', '/time', weight(1), [], (ctx) => `{"serverTime":${ctx.now}}`),
    route('options', '/exchangeInfo', weight(1), [], (ctx) => a.exchangeInfo.options(ctx.now, om.contracts(ctx.t))),
    route('options', '/mark', weight(5), ['symbol'], (ctx) =>
      rows('optMark', ctx, (s) => a.options.mark(quote(ctx, s))),
    ),
    route('options', '/ticker', weight(5), ['symbol'], (ctx) =>
      rows('optTicker', ctx, (s) => {
        const q = quote(ctx, s);
        return a.options.ticker(q.c, q, ctx.t);
      }),
    ),
    route('options', '/index', weight(1), ['underlying'], (ctx) =>
      a.options.index(underlying('underlying', ctx.params.required('underlying')), ctx.t),
    ),
    route('options', '/openInterest', weight(0), ['underlyingAsset', 'expiration'], (ctx) => {
      const base = underlying('base', ctx.params.required('underlyingAsset')).base;
      const expiration = ctx.params.required('expiration');
      if (!/^\d{6}$/.test(expiration)) throw invalidValue('expiration');
      const contracts = om.contracts(ctx.t).filter((c) => c.u.base === base && c.symbol.split('-')[1] === expiration);
      return a.options.openInterest(contracts, ctx.t);
    }),
  ];
}
