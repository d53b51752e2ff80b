// What an endpoint is: path, request weight (a function of the parameters, as Binance documents
// it) and a handler producing the body from the model. Handlers throw ApiError for bad requests;
// weights never throw, so a rejected request is still charged.

import { type ExchangeInfo } from '../api/exchange-info';
import { type FuturesApi } from '../api/futures';
import { type OptionsApi } from '../api/options';
import { type SpotApi } from '../api/spot';
import { type Market } from '../model/market';
import { type Params } from './params';

export type Product = 'spot' | 'futures' | 'options';

export const PREFIX: Record<Product, string> = { spot: '/api/v3', futures: '/fapi/v1', options: '/eapi/v1' };

export interface Ctx {
  readonly params: Params;
  /** Wall time of the request (ms), for serverTime. */
  readonly now: number;
  /** Model time: `now` floored to the second. */
  readonly t: number;
  /** Spot only: X-MBX-TIME-UNIT: MICROSECOND was sent. */
  readonly micros: boolean;
}

export type Body = string | Buffer;

export interface Route {
  readonly product: Product;
  readonly path: string;
  readonly weight: (p: Params) => number;
  /** A separate request-count limit (USD-M fundingRate: 500 per 5 minutes). */
  readonly cap?: 'fundingRate';
  readonly handle: (ctx: Ctx) => Body;
}

export interface Apis {
  readonly market: Market;
  readonly spot: SpotApi;
  readonly futures: FuturesApi;
  readonly options: OptionsApi;
  readonly exchangeInfo: ExchangeInfo;
}

/** Bodies of the all-symbol endpoints, rebuilt at most once per model second and kept encoded,
 * so a cached answer is a buffer write. */
export class SecondCache {
  private readonly entries = new Map<string, { t: number; body: Buffer }>();

  get(key: string, t: number, build: () => string): Buffer {
    const hit = this.entries.get(key);
    if (hit?.t === t) return hit.body;
    const body = Buffer.from(build());
    this.entries.set(key, { t, body });
    return body;
  }
}

/** A route that accepts only the parameters it reads (-1103 for others). */
export function route(
  product: Product,
  path: string,
  weight: (p: Params) => number,
  allowed: readonly string[],
  handle: (ctx: Ctx) => Body,
  cap?: 'fundingRate',
): Route {
  return {
    product,
    path: PREFIX[product] + path,
    weight,
    ...(cap ? { cap } : {}),
    handle: (ctx) => {
      ctx.params.only(allowed);
      return handle(ctx);
    },
  };
}

export const jsonArray = (items: readonly string[]): string => '[' + items.join(',') + ']';
