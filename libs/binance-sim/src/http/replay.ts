// Replay: answer from recorded response files instead of the model, byte for byte.
//
// Layout (the repository's fixtures/binance format): <dir>/<product>/<name>.json with product
// spot | futures | options. A request for <prefix>/<endpoint> looks for, in order:
//   <key>_<symbol>_<interval>.json   when symbol and interval are sent (klines)
//   <key>_<symbol>.json              when symbol is sent
//   <key>_<underlying>.json          options index (underlying=BTCUSDT)
//   <key>_<underlyingAsset>_<expiration>.json   options openInterest
//   <key>_symbols.json               when symbols=[…] is sent
//   <key>.json
// where <key> is the endpoint path with "/" as "_" (ticker/24hr → ticker_24hr), and each name is
// also tried with only the last path segment (ticker/bookTicker → bookTicker). So
// spot/ticker_24hr_BTCUSDT.json answers /api/v3/ticker/24hr?symbol=BTCUSDT and
// spot/klines_BTCUSDT_1m.json answers /api/v3/klines?symbol=BTCUSDT&interval=1m (any start/end/limit).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Params } from './params';
import { PREFIX, type Product } from './route';

export class Replay {
  private readonly files = new Map<string, Buffer>();

  constructor(readonly dir: string) {
    if (!existsSync(dir)) throw new Error(`replay directory ${dir} does not exist`);
    for (const product of Object.keys(PREFIX)) {
      const sub = join(dir, product);
      if (!existsSync(sub)) continue;
      for (const name of readdirSync(sub))
        if (name.endsWith('.json')) this.files.set(`${product}/${name.slice(0, -5)}`, readFileSync(join(sub, name)));
    }
  }

  get size(): number {
    return this.files.size;
  }

  /** The recorded body for a request, or undefined when none was recorded. */
  lookup(product: Product, path: string, p: Params): Buffer | undefined {
    const endpoint = path.slice(PREFIX[product].length + 1);
    const keys = [endpoint.replaceAll('/', '_')];
    const last = endpoint.split('/').pop() as string;
    if (last !== keys[0]) keys.push(last);
    const suffixes: string[] = [];
    const symbol = p.raw('symbol');
    const interval = p.raw('interval');
    if (symbol !== undefined && interval !== undefined) suffixes.push(`_${symbol}_${interval}`);
    if (symbol !== undefined) suffixes.push(`_${symbol}`);
    const underlying = p.raw('underlying');
    if (underlying !== undefined) suffixes.push(`_${underlying}`);
    const asset = p.raw('underlyingAsset');
    const expiration = p.raw('expiration');
    if (asset !== undefined && expiration !== undefined) suffixes.push(`_${asset}_${expiration}`);
    if (p.has('symbols')) suffixes.push('_symbols');
    suffixes.push('');
    for (const s of suffixes)
      for (const k of keys) {
        const hit = this.files.get(`${product}/${k}${s}`);
        if (hit) return hit;
      }
    return undefined;
  }
}
