// /api/v3: symbol validation with Binance's regexes, symbol | symbols | all selections, weights
// that depend on the number of symbols.

import { type SpotMarket } from '../model/universe';
import {
  ApiError,
  badCombination,
  duplicateSymbols,
  illegalChars,
  invalidSymbol,
  invalidTickerType,
  mandatory,
} from './errors';
import { klines } from './kline-params';
import { type Params } from './params';
import { type Apis, type Ctx, jsonArray, route, type Route, type SecondCache } from './route';

const SYMBOL = /^[A-Z0-9-_.]{1,20}$/;
const SYMBOL_TEXT = '^[A-Z0-9-_.]{1,20}$';
const SYMBOLS = /^\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\]$/;
const SYMBOLS_TEXT = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';
const SYMBOL_STATUSES = ['TRADING', 'HALT', 'BREAK', 'END_OF_DAY', 'CANCEL_ONLY'];

/** How many symbols a `symbols=[…]` value names, without validating it (weights must not throw). */
function countSymbols(raw: string | undefined): number {
  if (raw === undefined || !raw.includes('"')) return 0;
  return raw.split(',').length;
}

/** Weight by selection: one symbol, `symbols` (by count), or all. */
const tickerWeight = (one: number, many: (n: number) => number) => (p: Params) =>
  p.has('symbol') ? one : p.has('symbols') ? many(countSymbols(p.raw('symbols'))) : many(Infinity);

interface Selection {
  /** Set when `symbol` was given: the response is one object. */
  single?: SpotMarket;
  /** The markets of an array response. */
  list: readonly SpotMarket[];
}

export function spotRoutes(a: Apis, cache: SecondCache): Route[] {
  const u = a.market.universe;

  /** `symbol`: mandatory (klines: -1102 when empty) or optional (-1105 when empty). */
  const symbol = (p: Params, required = true): SpotMarket => {
    const s = required ? p.required('symbol') : (p.optional('symbol') as string);
    if (!SYMBOL.test(s)) throw illegalChars('symbol', SYMBOL_TEXT);
    const m = u.spotMarket(s);
    if (!m) throw invalidSymbol();
    return m;
  };

  /** symbol | symbols | all, filtered by symbolStatus. */
  const selection = (p: Params): Selection => {
    const status = p.optional('symbolStatus');
    if (status !== undefined && !SYMBOL_STATUSES.includes(status))
      throw new ApiError(400, -1122, 'Invalid symbolStatus.');
    if (p.has('symbol') && p.has('symbols')) throw badCombination();
    if (p.has('symbol')) {
      const m = symbol(p, false);
      if (status !== undefined && m.status !== status)
        throw new ApiError(400, -1220, "The symbol's status does not match the requested symbolStatus.");
      return { single: m, list: [m] };
    }
    let list: readonly SpotMarket[] = u.spot;
    const raw = p.optional('symbols');
    if (raw !== undefined) {
      if (!SYMBOLS.test(raw)) throw illegalChars('symbols', SYMBOLS_TEXT);
      const names = JSON.parse(raw) as string[];
      if (names.length === 0) throw mandatory('symbols');
      if (new Set(names).size !== names.length) throw duplicateSymbols();
      list = names.map((n) => {
        const m = u.spotMarket(n);
        if (!m) throw invalidSymbol();
        return m;
      });
    }
    return { list: status === undefined ? list : list.filter((m) => m.status === status) };
  };

  /** One object for `symbol`, an array otherwise; the all-symbol array cached per second. */
  const tickers = (key: string, row: (m: SpotMarket, t: number) => string) => (ctx: Ctx) => {
    const sel = selection(ctx.params);
    if (sel.single) return row(sel.single, ctx.t);
    const build = (): string => jsonArray(sel.list.map((m) => row(m, ctx.t)));
    return ctx.params.has('symbols') ? build() : cache.get(`${key}:${ctx.params.raw('symbolStatus')}`, ctx.t, build);
  };

  const selectors = ['symbol', 'symbols', 'symbolStatus'];

  return [
    route(
      'spot',
      '/ping',
      () => 1,
      [],
      () => '{}',
    ),
    route(
      'spot',
      '/time',
      () => 1,
      [],
      (ctx) => `{"serverTime":${ctx.micros ? ctx.now * 1000 : ctx.now}}`,
    ),
    route(
      'spot',
      '/exchangeInfo',
      () => 20,
      [...selectors, 'permissions', 'showPermissionSets'],
      (ctx) => {
        const p = ctx.params;
        const now = ctx.micros ? ctx.now * 1000 : ctx.now;
        if (!p.has('symbol') && !p.has('symbols') && !p.has('symbolStatus')) return a.exchangeInfo.spot(now);
        return a.exchangeInfo.spot(now, selection(p).list);
      },
    ),
    route(
      'spot',
      '/ticker/24hr',
      tickerWeight(2, (n) => (n <= 20 ? 2 : n <= 100 ? 40 : 80)),
      [...selectors, 'type'],
      (ctx) => {
        const type = ctx.params.optional('type') ?? 'FULL';
        if (type !== 'FULL' && type !== 'MINI') throw invalidTickerType();
        const mini = type === 'MINI';
        return tickers(`spot24:${type}:${ctx.micros}`, (m, t) => a.spot.ticker24hr(m, t, mini, ctx.micros))(ctx);
      },
    ),
    route(
      'spot',
      '/ticker/price',
      tickerWeight(2, () => 4),
      selectors,
      tickers('spotPrice', (m, t) => a.spot.price(m, t)),
    ),
    route(
      'spot',
      '/ticker/bookTicker',
      tickerWeight(2, () => 4),
      selectors,
      tickers('spotBook', (m, t) => a.spot.bookTicker(m, t)),
    ),
    ...['/klines', '/uiKlines'].map((path) =>
      route(
        'spot',
        path,
        () => 2,
        ['symbol', 'interval', 'startTime', 'endTime', 'limit', 'timeZone'],
        (ctx) => {
          const m = symbol(ctx.params);
          return klines(a, ctx, m.status === 'TRADING' ? m.inst : undefined, a.spot.formats(m.inst), 1000, true);
        },
      ),
    ),
  ];
}
