// Stream names as Binance spells them, parsed into what the simulator serves. Names are
// case-sensitive: symbols lowercase, suffixes camelCase, as in the docs.

import { type Interval, parseInterval } from '../api/klines';
import { type Product } from '../http/route';

/** Where a connection was opened: the spot host's root, or fstream's /market or /public. */
export type Family = 'root' | 'market' | 'public';

export type StreamKind =
  | { readonly type: 'spotTicker'; readonly symbol: string }
  | { readonly type: 'spotMiniTicker'; readonly symbol: string }
  | { readonly type: 'spotMiniTickerArr' }
  | { readonly type: 'spotKline'; readonly symbol: string; readonly interval: Interval }
  | { readonly type: 'futTicker'; readonly symbol: string }
  | { readonly type: 'futTickerArr' }
  | { readonly type: 'futMarkPrice'; readonly symbol: string }
  | { readonly type: 'futMarkPriceArr' }
  | { readonly type: 'optMarkPrice'; readonly underlying: string }
  | { readonly type: 'optTicker'; readonly symbol: string }
  | { readonly type: 'optTickerExpiry'; readonly underlying: string; readonly expiry: string }
  | { readonly type: 'optIndexArr' }
  | { readonly type: 'optOpenInterest'; readonly underlying: string; readonly expiry: string };

export interface StreamSpec {
  readonly name: string;
  /** The path Binance serves it on; elsewhere it is accepted and silent. */
  readonly family: Family;
  readonly product: Product;
  /** Period in ticks of 1000 ms. */
  readonly cadence: number;
  /** All-market arrays carry only the symbols whose state changed since the previous frame. */
  readonly changedOnly: boolean;
  /** The `e` of its payload, for the malformed-frame fault. */
  readonly event: string;
  readonly kind: StreamKind;
}

const SYMBOL = /^[a-z0-9]{2,20}$/;
const OPTION_SYMBOL = /^[a-z0-9]{2,10}-\d{6}-[0-9.]+-[cp]$/;
const YYMMDD = /^\d{6}$/;

function spec(
  name: string,
  family: Family,
  product: Product,
  cadence: number,
  event: string,
  kind: StreamKind,
  changedOnly = false,
): StreamSpec {
  return { name, family, product, cadence, changedOnly, event, kind };
}

/** A spot stream (served at the root of the spot host), or undefined for a name Binance rejects. */
export function parseSpotStream(name: string): StreamSpec | undefined {
  if (name === '!miniTicker@arr')
    return spec(name, 'root', 'spot', 1, '24hrMiniTicker', { type: 'spotMiniTickerArr' }, true);
  const [symbol = '', suffix, ...rest] = name.split('@');
  if (rest.length > 0 || !SYMBOL.test(symbol)) return undefined;
  if (suffix === 'ticker') return spec(name, 'root', 'spot', 1, '24hrTicker', { type: 'spotTicker', symbol });
  if (suffix === 'miniTicker')
    return spec(name, 'root', 'spot', 1, '24hrMiniTicker', { type: 'spotMiniTicker', symbol });
  if (suffix?.startsWith('kline_')) {
    const interval = parseInterval(suffix.slice('kline_'.length), true);
    // Update speed as documented: 1000 ms for 1s candles, 2000 ms for the others.
    if (interval)
      return spec(name, 'root', 'spot', interval.name === '1s' ? 1 : 2, 'kline', {
        type: 'spotKline',
        symbol,
        interval,
      });
  }
  return undefined;
}

/** A USD-M or options stream (fstream host); `family` is where Binance serves it. */
export function parseFstreamStream(name: string, openInterestTicks: number): StreamSpec | undefined {
  switch (name) {
    case '!ticker@arr':
      return spec(name, 'market', 'futures', 1, '24hrTicker', { type: 'futTickerArr' }, true);
    case '!markPrice@arr':
      return spec(name, 'market', 'futures', 3, 'markPriceUpdate', { type: 'futMarkPriceArr' });
    case '!markPrice@arr@1s':
      return spec(name, 'market', 'futures', 1, 'markPriceUpdate', { type: 'futMarkPriceArr' });
    case '!index@arr':
      return spec(name, 'market', 'options', 1, 'indexPrice', { type: 'optIndexArr' });
  }
  const [head = '', suffix, arg, ...rest] = name.split('@');
  if (rest.length > 0) return undefined;
  if (OPTION_SYMBOL.test(head))
    return suffix === 'optionTicker' && arg === undefined
      ? spec(name, 'public', 'options', 1, '24hrTicker', { type: 'optTicker', symbol: head })
      : undefined;
  if (!SYMBOL.test(head)) return undefined;
  switch (suffix) {
    case 'ticker':
      return arg === undefined
        ? spec(name, 'market', 'futures', 2, '24hrTicker', { type: 'futTicker', symbol: head })
        : undefined;
    case 'markPrice':
      if (arg !== undefined && arg !== '1s') return undefined;
      return spec(name, 'market', 'futures', arg ? 1 : 3, 'markPriceUpdate', { type: 'futMarkPrice', symbol: head });
    case 'optionMarkPrice':
      return arg === undefined
        ? spec(name, 'market', 'options', 1, 'markPrice', { type: 'optMarkPrice', underlying: head })
        : undefined;
    case 'optionTicker':
      return arg !== undefined && YYMMDD.test(arg)
        ? spec(name, 'public', 'options', 1, '24hrTicker', { type: 'optTickerExpiry', underlying: head, expiry: arg })
        : undefined;
    // The docs name it optionOpenInterest, their own example and the SDK openInterest: accept both.
    case 'openInterest':
    case 'optionOpenInterest':
      return arg !== undefined && YYMMDD.test(arg)
        ? spec(name, 'market', 'options', openInterestTicks, 'openInterest', {
            type: 'optOpenInterest',
            underlying: head,
            expiry: arg,
          })
        : undefined;
  }
  return undefined;
}

export function parseStream(family: Family, name: string, openInterestTicks: number): StreamSpec | undefined {
  return family === 'root' ? parseSpotStream(name) : parseFstreamStream(name, openInterestTicks);
}

/** Whether the payload is an array of per-symbol objects. */
export function isArrayPayload(kind: StreamKind): boolean {
  switch (kind.type) {
    case 'spotTicker':
    case 'spotMiniTicker':
    case 'spotKline':
    case 'futTicker':
    case 'futMarkPrice':
    case 'optTicker':
      return false;
    default:
      return true;
  }
}
