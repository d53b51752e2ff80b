import type { Product } from './products';

export type Params = Readonly<Record<string, string | number | readonly string[] | undefined>>;

function symbolsCount(params: Params): number | undefined {
  const symbols = params['symbols'];
  return Array.isArray(symbols) ? symbols.length : undefined;
}

function spotWeight(endpoint: string, params: Params): number {
  switch (endpoint) {
    case 'exchangeInfo':
      return 20;
    case 'ticker/24hr': {
      if (params['symbol'] !== undefined) return 2;
      const n = symbolsCount(params);
      if (n === undefined) return 80;
      return n <= 20 ? 2 : n <= 100 ? 40 : 80;
    }
    case 'ticker/price':
    case 'ticker/bookTicker':
      return params['symbol'] !== undefined ? 2 : 4;
    case 'klines':
    case 'uiKlines':
    case 'avgPrice':
      return 2;
    case 'depth': {
      const limit = Number(params['limit'] ?? 100);
      return limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    }
    default:
      return 1;
  }
}

function futuresWeight(endpoint: string, params: Params): number {
  const one = params['symbol'] !== undefined;
  switch (endpoint) {
    case 'ticker/24hr':
      return one ? 1 : 40;
    case 'premiumIndex':
      return one ? 1 : 10;
    case 'ticker/bookTicker':
      return one ? 2 : 5;
    case 'klines': {
      const limit = Number(params['limit'] ?? 500);
      return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
    }
    case 'fundingRate':
    case 'fundingInfo':
      // Not weight-based: its own 500 requests / 5 min cap, which marketpipe's cadence stays far below.
      return 0;
    default:
      return 1;
  }
}

function optionsWeight(endpoint: string): number {
  switch (endpoint) {
    case 'ticker':
    case 'mark':
      return 5;
    case 'openInterest':
      return 0;
    default:
      return 1;
  }
}

/**
 * The documented request weight of a market-data GET (BINANCE_API.md §1.2, §2.2, §3.2). Spent from
 * the budget before the request is sent, so a burst cannot overshoot the limit while responses
 * (and their used-weight headers) are still in flight.
 */
export function requestWeight(product: Product, endpoint: string, params: Params = {}): number {
  if (product === 'spot') return spotWeight(endpoint, params);
  if (product === 'futures') return futuresWeight(endpoint, params);
  return optionsWeight(endpoint);
}
