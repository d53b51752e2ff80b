// Which symbols exist. The default universe is the project's seed lists (6 spot pairs, their USDT
// perpetuals, options on 6 underlyings); the full universe adds a synthetic long tail to reach
// Binance's real sizes (~2,000 spot symbols, ~500 perpetuals, ~1,500 option contracts) for load
// tests. Symbol names and parameters do not depend on the seed: only prices do.

import { type Grid, type Instrument } from './candles';
import { deliveryPremium, perpPremium } from './derivatives';
import { type PathSpec } from './path';
import { hashString, uniform } from './random';
import { DAY, MINUTE, lastFriday0800, yymmdd } from './time';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { ceil, exp, floor, log, log10, log1p, max, min } = Math;

export type UniverseKind = 'default' | 'full';

interface Asset {
  readonly name: string;
  /** Long-run USD price. */
  readonly usd: number;
  readonly vol: number;
  readonly beta: number;
  /** Typical daily turnover of its USDT pair, USD. */
  readonly dailyUsd: number;
}

const MAJORS: readonly Asset[] = [
  { name: 'BTC', usd: 100_000, vol: 0.55, beta: 1, dailyUsd: 2.5e9 },
  { name: 'ETH', usd: 3_500, vol: 0.7, beta: 0.9, dailyUsd: 1.2e9 },
  { name: 'BNB', usd: 650, vol: 0.5, beta: 0.75, dailyUsd: 2e8 },
  { name: 'SOL', usd: 180, vol: 0.85, beta: 0.85, dailyUsd: 6e8 },
  { name: 'XRP', usd: 2.5, vol: 0.8, beta: 0.8, dailyUsd: 4e8 },
  { name: 'ADA', usd: 0.8, vol: 0.85, beta: 0.8, dailyUsd: 1.2e8 },
  { name: 'DOGE', usd: 0.2, vol: 0.95, beta: 0.8, dailyUsd: 3e8 },
];

/** The seed symbol lists (ORIGINAL_PLAN): spot and perpetuals on these bases, options on OPTION_BASES. */
export const DEFAULT_BASES = ['BTC', 'ETH', 'BNB', 'SOL', 'XRP', 'ADA'] as const;
export const OPTION_BASES = ['BTC', 'ETH', 'BNB', 'SOL', 'XRP', 'DOGE'] as const;
const DELIVERY_BASES = ['BTC', 'ETH'] as const;

/** Quote assets of the long tail, with their USD value and how common they are. */
const QUOTES: readonly { name: string; usd: number; share: number; reach: number }[] = [
  { name: 'FDUSD', usd: 1, share: 0.6, reach: 300 },
  { name: 'USDC', usd: 1, share: 0.5, reach: 300 },
  { name: 'BTC', usd: 100_000, share: 0.7, reach: 500 },
  { name: 'TRY', usd: 0.025, share: 0.35, reach: 400 },
  { name: 'ETH', usd: 3_500, share: 0.3, reach: 300 },
  { name: 'BNB', usd: 650, share: 0.25, reach: 300 },
  { name: 'EUR', usd: 1.1, share: 0.15, reach: 300 },
];

export const FULL_SPOT_COUNT = 2000;
export const FULL_PERP_COUNT = 500;
const SPOT_LISTED = Date.UTC(2019, 0, 1);
const PERP_LISTED = Date.UTC(2019, 8, 25);
const NAME_SEED = 0x5eed; // fixed: the full universe has the same names whatever the price seed

export type SymbolStatus = 'TRADING' | 'BREAK';

export interface SpotMarket {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** USD value of one unit of the quote asset. */
  readonly quoteUsd: number;
  readonly status: SymbolStatus;
  readonly inst: Instrument;
}

export type ContractType = 'PERPETUAL' | 'CURRENT_QUARTER' | 'NEXT_QUARTER';

export interface FuturesMarket {
  readonly symbol: string;
  readonly pair: string;
  readonly base: string;
  readonly contractType: ContractType;
  /** 4133404800000 (2100-12-25 08:00) for perpetuals, as Binance sends. */
  readonly deliveryDate: number;
  readonly onboardDate: number;
  readonly inst: Instrument;
  /** Typical open interest, contracts. */
  readonly openInterest: number;
  /** The spot market whose price is the index. */
  readonly index: SpotMarket;
  /** Hours between fundings (8, 4 or 1; 8 for delivery contracts, which never fund). */
  readonly fundingIntervalHours: number;
}

/**
 * A perpetual's funding interval: Binance funds most majors every 8 h and many newer listings every
 * 4 h or 1 h. The default universe's ADAUSDT (4 h) and XRPUSDT (1 h) stand in for those, so a
 * six-symbol run exercises every interval; the long tail draws 55 % 8 h, 40 % 4 h, 5 % 1 h by name.
 */
export function fundingIntervalOf(base: string): number {
  if (base === 'ADA') return 4;
  if (base === 'XRP') return 1;
  if ((DEFAULT_BASES as readonly string[]).includes(base) || MAJORS.some((a) => a.name === base)) return 8;
  const u = (hashString('funding:' + base) >>> 0) / 2 ** 32;
  return u < 0.55 ? 8 : u < 0.95 ? 4 : 1;
}

export const PERPETUAL_DELIVERY = 4133404800000;

const clamp = (x: number, lo: number, hi: number): number => min(hi, max(lo, x));

/** Decimal grids for a price level: ~5-7 significant digits of price, lot size by asset value. */
function gridFor(price: number, baseUsd: number, dailyQuote: number, outQuoteDecimals: number, tickUnits = 1): Grid {
  const priceDecimals = clamp(4 - floor(log10(price)), 2, 8);
  const qtyDecimals = clamp(ceil(log10(baseUsd)), 0, 8);
  // A month of quote volume, in quote units, must stay below 2^53 for exact sums: keep ~2e14.
  const quoteDecimals = clamp(floor(log10(2e14 / (dailyQuote * 93))), 0, outQuoteDecimals);
  return { priceDecimals, tickUnits, qtyDecimals, quoteDecimals };
}

const CONSONANTS = 'BCDFGHJKLMNPRSTVWXZ';
const VOWELS = 'AEIOUY';

function syntheticName(i: number, taken: Set<string>): string {
  for (let attempt = 0; ; attempt++) {
    const len = (3 + uniform(NAME_SEED, 1, i, attempt, 0) * 4) | 0;
    let s = '';
    for (let k = 0; k < len; k++) {
      const letters = k % 2 === 0 ? CONSONANTS : VOWELS;
      s += letters[(uniform(NAME_SEED, 2, i, attempt, k) * letters.length) | 0];
    }
    if (!taken.has(s)) {
      taken.add(s);
      return s;
    }
  }
}

function syntheticAssets(count: number): Asset[] {
  const taken = new Set<string>([...MAJORS.map((a) => a.name), ...QUOTES.map((q) => q.name), 'USDT']);
  const out: Asset[] = [];
  for (let i = 0; i < count; i++) {
    const u = (k: number): number => uniform(NAME_SEED, 3, i, k, 0);
    out.push({
      name: syntheticName(i, taken),
      usd: 10 ** (-4 + 7 * u(0)),
      vol: 0.6 + 0.9 * u(1),
      beta: 0.5 + 0.4 * u(2),
      dailyUsd: 4e8 * (i + 12) ** -1.1 * (0.5 + u(3)),
    });
  }
  return out;
}

export interface OptionCounts {
  dailies: number;
  weeklies: number;
  monthlies: number;
  quarterlies: number;
  /** Strikes on each side of the at-the-money one. */
  strikesEachSide: number;
}

export class Universe {
  readonly spot: SpotMarket[] = [];
  readonly perps: FuturesMarket[] = [];
  readonly optionCounts: OptionCounts;
  private readonly spotBySymbol = new Map<string, SpotMarket>();
  /** Index paths of option underlyings that are not spot symbols of this universe (DOGEUSDT by default). */
  private readonly hiddenIndex = new Map<string, SpotMarket>();
  private readonly deliveries = new Map<string, FuturesMarket>();
  private readonly futuresCache = new Map<number, FuturesMarket[]>();
  private nextIndex = 0;

  constructor(
    readonly kind: UniverseKind,
    private readonly seed: number,
  ) {
    this.optionCounts =
      kind === 'full'
        ? { dailies: 4, weeklies: 3, monthlies: 3, quarterlies: 2, strikesEachSide: 6 }
        : { dailies: 1, weeklies: 1, monthlies: 1, quarterlies: 1, strikesEachSide: 4 };
    const majors = new Map(MAJORS.map((a) => [a.name, a]));
    const usdt = (name: string): Asset => majors.get(name) as Asset;
    if (kind === 'default') {
      for (const b of DEFAULT_BASES) this.addSpot(usdt(b), 'USDT', 1, 'TRADING');
    } else {
      const assets = [...MAJORS, ...syntheticAssets(1500)];
      outer: for (let rank = 0; rank < assets.length; rank++) {
        const a = assets[rank] as Asset;
        this.addSpot(a, 'USDT', 1, 'TRADING');
        if (this.spot.length >= FULL_SPOT_COUNT) break;
        for (let k = 0; k < QUOTES.length; k++) {
          const q = QUOTES[k] as (typeof QUOTES)[number];
          if (q.name === a.name || a.usd / q.usd < 1e-5) continue;
          if (uniform(NAME_SEED, 4, rank, k, 0) >= q.share * exp(-rank / q.reach)) continue;
          const halted = uniform(NAME_SEED, 5, rank, k, 0) < 0.015;
          this.addSpot(a, q.name, q.usd, halted ? 'BREAK' : 'TRADING');
          if (this.spot.length >= FULL_SPOT_COUNT) break outer;
        }
      }
    }
    for (const b of OPTION_BASES)
      if (!this.spotBySymbol.has(b + 'USDT'))
        this.hiddenIndex.set(b + 'USDT', this.makeSpot(usdt(b), 'USDT', 1, 'TRADING'));
    const perpBases =
      kind === 'default'
        ? [...DEFAULT_BASES]
        : this.spot
            .filter((m) => m.quote === 'USDT')
            .slice(0, FULL_PERP_COUNT)
            .map((m) => m.base);
    for (const base of perpBases) this.perps.push(this.makeFutures(base, 'PERPETUAL', PERPETUAL_DELIVERY));
  }

  private makeSpot(a: Asset, quote: string, quoteUsd: number, status: SymbolStatus): SpotMarket {
    const symbol = a.name + quote;
    const price = a.usd / quoteUsd;
    const dailyQuote = a.dailyUsd / quoteUsd / (quote === 'USDT' ? 1 : 6);
    const grid = gridFor(price, a.usd, dailyQuote, 8);
    const id = hashString(symbol);
    const path: PathSpec = { index: this.nextIndex, id, logBase: log(price), annualVol: a.vol, beta: a.beta };
    return {
      symbol,
      base: a.name,
      quote,
      quoteUsd,
      status,
      inst: this.instrument(symbol, path, grid, price, dailyQuote, SPOT_LISTED),
    };
  }

  private addSpot(a: Asset, quote: string, quoteUsd: number, status: SymbolStatus): void {
    const m = this.makeSpot(a, quote, quoteUsd, status);
    this.spot.push(m);
    this.spotBySymbol.set(m.symbol, m);
  }

  private instrument(
    symbol: string,
    path: PathSpec,
    grid: Grid,
    price: number,
    dailyQuote: number,
    listedAt: number,
    shift?: (m: number) => number,
  ): Instrument {
    const tradesPerMinute = clamp(dailyQuote / 2e6, 0.5, 1500);
    const minuteVolume = dailyQuote / price / 1440 / 0.91; // 0.91: mean of the volume multipliers
    return {
      index: this.nextIndex++,
      id: hashString(symbol),
      symbol,
      path,
      grid,
      minuteVolume,
      tradeSize: minuteVolume / tradesPerMinute,
      maxTrades: ceil(tradesPerMinute * 4) + 4,
      listedAt,
      ...(shift ? { shift } : {}),
    };
  }

  private makeFutures(base: string, contractType: ContractType, deliveryDate: number): FuturesMarket {
    const index = this.indexMarket(base + 'USDT');
    if (index === undefined) throw new Error(`no index for ${base}`);
    const perpetual = contractType === 'PERPETUAL';
    const symbol = perpetual ? base + 'USDT' : `${base}USDT_${yymmdd(deliveryDate)}`;
    const key = hashString('futures:' + symbol);
    const seed = this.seed;
    const spotInst = index.inst;
    const price = exp(spotInst.path.logBase);
    const dailyQuote = spotInst.minuteVolume * price * 1440 * 0.91 * (perpetual ? 3 : 0.05);
    const sg = spotInst.grid;
    const grid: Grid = {
      priceDecimals: sg.priceDecimals,
      tickUnits: base === 'BTC' ? 10 : 1,
      qtyDecimals: clamp(sg.qtyDecimals - 2, 0, 3),
      quoteDecimals: clamp(floor(log10(2e14 / (dailyQuote * 93))), 0, sg.priceDecimals),
    };
    const fundingIntervalHours = perpetual ? fundingIntervalOf(base) : 8;
    const shift = perpetual
      ? (m: number): number => log1p(perpPremium(seed, key, m * MINUTE))
      : (m: number): number => log1p(deliveryPremium(seed, key, m * MINUTE, deliveryDate));
    const onboardDate = perpetual ? PERP_LISTED : floor((deliveryDate - 180 * DAY) / DAY) * DAY;
    const inst = this.instrument('futures:' + symbol, spotInst.path, grid, price, dailyQuote, onboardDate, shift);
    return {
      symbol,
      pair: base + 'USDT',
      base,
      contractType,
      deliveryDate,
      onboardDate,
      inst,
      openInterest: (dailyQuote / price) * (perpetual ? 0.8 : 0.3),
      index,
      fundingIntervalHours,
    };
  }

  spotMarket(symbol: string): SpotMarket | undefined {
    return this.spotBySymbol.get(symbol);
  }

  /** The spot market (listed or hidden) that serves as index for `pair`, e.g. BTCUSDT. */
  indexMarket(pair: string): SpotMarket | undefined {
    return this.spotBySymbol.get(pair) ?? this.hiddenIndex.get(pair);
  }

  /** Perpetuals plus the delivery contracts trading at t (current and next quarter), in that order. */
  futures(t: number): FuturesMarket[] {
    const [current, next] = quarterlyDeliveries(t);
    const hit = this.futuresCache.get(current);
    if (hit) return hit;
    const out = [...this.perps];
    for (const base of DELIVERY_BASES) {
      out.push(this.delivery(base, 'CURRENT_QUARTER', current));
      out.push(this.delivery(base, 'NEXT_QUARTER', next));
    }
    this.futuresCache.set(current, out);
    return out;
  }

  private delivery(base: string, type: ContractType, date: number): FuturesMarket {
    const key = `${base}:${type}:${date}`;
    let m = this.deliveries.get(key);
    if (!m) {
      m = this.makeFutures(base, type, date);
      this.deliveries.set(key, m);
    }
    return m;
  }
}

/** The next two quarterly delivery dates after t: last Friday of Mar/Jun/Sep/Dec, 08:00 UTC. */
export function quarterlyDeliveries(t: number): [number, number] {
  const out: number[] = [];
  const d = new Date(t);
  for (let y = d.getUTCFullYear(), m = d.getUTCMonth(); out.length < 2; m++) {
    if (m > 11) {
      m = 0;
      y++;
    }
    if (m % 3 !== 2) continue;
    const date = lastFriday0800(y, m);
    if (date > t) out.push(date);
  }
  return [out[0] as number, out[1] as number];
}
