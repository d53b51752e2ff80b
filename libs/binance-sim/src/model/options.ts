// European options on the six underlyings: which contracts are listed at a time (daily, weekly,
// monthly and quarterly expiries at 08:00 UTC, strikes around the index at listing), their marks
// (Black-Scholes from a volatility smile, via @marketpipe/quant), bid/ask around the mark, greeks,
// a sparse synthetic trade tape for the 24 h ticker, and open interest.

import { blackScholesGreeks, blackScholesPrice, impliedVolatility, type OptionInputs } from '@marketpipe/quant';
import { type PathEngine } from './path';
import { Lru, key2 } from './lru';
import { hashString, smoothNoise, uniform } from './random';
import { DAY, HOUR, MINUTE, YEAR, lastFriday0800, next0800, yymmdd } from './time';
import { OPTION_BASES, type OptionCounts, type SpotMarket, type Universe } from './universe';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { abs, ceil, exp, floor, log, log10, max, min, round, sqrt } = Math;

export type OptionSide = 'CALL' | 'PUT';

export interface OptionUnderlying {
  readonly base: string;
  /** Index pair, e.g. BTCUSDT. */
  readonly underlying: string;
  readonly index: SpotMarket;
  readonly id: number;
  /** priceScale: option prices are in units of 10^-priceDecimals, ticks of tickUnits. */
  readonly priceDecimals: number;
  readonly tickUnits: number;
  readonly rate: number;
  /** Trades per hour of an at-the-money contract. */
  readonly tradesPerHour: number;
  /** Open interest of an at-the-money contract, contracts. */
  readonly openInterest: number;
  readonly maxQty: number;
}

const UNDERLYINGS: Record<
  (typeof OPTION_BASES)[number],
  Omit<OptionUnderlying, 'base' | 'underlying' | 'index' | 'id'>
> = {
  BTC: { priceDecimals: 0, tickUnits: 5, rate: 0.05, tradesPerHour: 1.2, openInterest: 60, maxQty: 100 },
  ETH: { priceDecimals: 1, tickUnits: 1, rate: 0.05, tradesPerHour: 0.9, openInterest: 600, maxQty: 1000 },
  BNB: { priceDecimals: 1, tickUnits: 1, rate: 0.05, tradesPerHour: 0.25, openInterest: 500, maxQty: 5000 },
  SOL: { priceDecimals: 2, tickUnits: 1, rate: 0.05, tradesPerHour: 0.3, openInterest: 2000, maxQty: 10000 },
  XRP: { priceDecimals: 4, tickUnits: 1, rate: 0.05, tradesPerHour: 0.25, openInterest: 80000, maxQty: 500000 },
  DOGE: { priceDecimals: 5, tickUnits: 1, rate: 0.05, tradesPerHour: 0.2, openInterest: 300000, maxQty: 2000000 },
};

export interface OptionContract {
  readonly index: number;
  readonly id: number;
  readonly symbol: string;
  readonly u: OptionUnderlying;
  readonly side: OptionSide;
  readonly strike: number;
  /** As written in the symbol and in strikePrice: no trailing zeros ("1.48", "100000"). */
  readonly strikeText: string;
  readonly expiry: number;
  readonly listedAt: number;
  /** 0..1: how close to the money it was listed; scales its trading and open interest. */
  readonly activity: number;
}

/** A contract's state at one instant. Prices are integer units of 10^-priceDecimals. */
export interface OptionQuote {
  readonly c: OptionContract;
  readonly indexPrice: number;
  readonly markIV: number;
  readonly mark: number;
  readonly delta: number;
  readonly gamma: number;
  readonly theta: number;
  readonly vega: number;
  /** 0 when nobody bids (deep out of the money). */
  readonly bid: number;
  readonly ask: number;
  /** NaN where there is no bid/ask. */
  readonly bidIV: number;
  readonly askIV: number;
  readonly highLimit: number;
  readonly lowLimit: number;
}

export interface OptionTrade {
  readonly id: number;
  readonly time: number;
  readonly price: number;
  /** Contracts in units of 0.01. */
  readonly qty: number;
}

const S_LISTING = 40;
const S_ATM = 41;
const S_SKEW = 42;
const S_TRADES = 43;
const S_OI = 44;
export const QTY_DECIMALS = 2;

const round8 = (x: number): number => round(x * 1e8) / 1e8;

/** Expiries listed at t: the next N dailies, weeklies (Fridays), monthlies (last Fridays) and
 * quarterlies (last Fridays of Mar/Jun/Sep/Dec), all at 08:00 UTC, deduplicated and sorted. */
export function listedExpiries(t: number, n: OptionCounts): number[] {
  const set = new Set<number>();
  const first = next0800(t);
  for (let k = 0; k < n.dailies; k++) set.add(first + k * DAY);
  let friday = first;
  while (new Date(friday).getUTCDay() !== 5) friday += DAY;
  for (let k = 0; k < n.weeklies; k++) set.add(friday + 7 * k * DAY);
  const d = new Date(t);
  let monthly = 0;
  let quarterly = 0;
  for (let y = d.getUTCFullYear(), m = d.getUTCMonth(); monthly < n.monthlies || quarterly < n.quarterlies; m++) {
    if (m > 11) {
      m = 0;
      y++;
    }
    const e = lastFriday0800(y, m);
    if (e <= t) continue;
    if (monthly < n.monthlies) {
      set.add(e);
      monthly++;
    }
    if (m % 3 === 2 && quarterly < n.quarterlies) {
      set.add(e);
      quarterly++;
    }
  }
  return [...set].sort((a, b) => a - b);
}

/** A round strike spacing near `x`: 1, 2, 2.5 or 5 times a power of ten, as an integer count of
 * 10^-decimals so strikes are exact decimals. */
function strikeStep(x: number): { step: number; decimals: number } {
  const e = floor(log10(x));
  const f = x / 10 ** e;
  const m = f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10;
  const decimals = max(0, -e + (m === 2.5 ? 1 : 0));
  return { step: round(m * 10 ** (e + decimals)), decimals };
}

function decimalText(count: number, decimals: number): string {
  if (decimals === 0) return String(count);
  const s = String(count).padStart(decimals + 1, '0');
  const text = s.slice(0, s.length - decimals) + '.' + s.slice(s.length - decimals);
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

export class OptionsModel {
  readonly underlyings: OptionUnderlying[];
  private readonly contractsBySymbol = new Map<string, OptionContract>();
  private readonly chains = new Map<number, OptionContract[]>();
  private readonly listings = new Map<number, number>();
  private readonly tape = new Lru<OptionTrade[]>(200_000);
  private quoteCache: { t: number; quotes: Map<string, OptionQuote> } | undefined;
  private nextIndex = 0;

  constructor(
    private readonly universe: Universe,
    private readonly paths: PathEngine,
    private readonly seed: number,
  ) {
    this.underlyings = OPTION_BASES.map((base) => {
      const index = universe.indexMarket(base + 'USDT');
      if (!index) throw new Error(`no index path for ${base}`);
      return { base, underlying: base + 'USDT', index, id: hashString('option:' + base), ...UNDERLYINGS[base] };
    });
  }

  indexPrice(u: OptionUnderlying, t: number): number {
    return exp(this.paths.logAt(u.index.inst.path, t));
  }

  /** When expiry e first appeared in the listing (an 08:00 boundary). */
  private listingTime(e: number): number {
    const hit = this.listings.get(e);
    if (hit !== undefined) return hit;
    let k = 1;
    while (k < 400 && listedExpiries(e - k * DAY, this.universe.optionCounts).includes(e)) k++;
    const listed = e - (k - 1) * DAY;
    this.listings.set(e, listed);
    return listed;
  }

  /** Contracts listed at t, by underlying, expiry, strike, then call before put. */
  contracts(t: number): OptionContract[] {
    const epoch = next0800(t);
    const hit = this.chains.get(epoch);
    if (hit) return hit;
    const out: OptionContract[] = [];
    const expiries = listedExpiries(t, this.universe.optionCounts);
    const n = this.universe.optionCounts.strikesEachSide;
    for (const u of this.underlyings)
      for (const e of expiries) {
        const listedAt = this.listingTime(e);
        const ref = this.indexPrice(u, listedAt);
        const years = max((e - listedAt) / YEAR, 1 / 365);
        const vol = u.index.inst.path.annualVol;
        const { step, decimals } = strikeStep(ref * vol * sqrt(years) * 0.25);
        const center = round((ref * 10 ** decimals) / step);
        for (let k = -n; k <= n; k++) {
          if (center + k <= 0) continue;
          const count = (center + k) * step;
          const strike = count / 10 ** decimals;
          const moneyness = log(strike / ref) / (vol * sqrt(years));
          for (const side of ['CALL', 'PUT'] as const) {
            const symbol = `${u.base}-${yymmdd(e)}-${decimalText(count, decimals)}-${side[0]}`;
            let c = this.contractsBySymbol.get(symbol);
            if (!c) {
              c = {
                index: this.nextIndex++,
                id: hashString(symbol),
                symbol,
                u,
                side,
                strike,
                strikeText: decimalText(count, decimals),
                expiry: e,
                listedAt,
                activity:
                  exp(-0.5 * moneyness * moneyness) *
                  (0.7 + 0.6 * uniform(this.seed, S_LISTING, hashString(symbol), 0, 0)),
              };
              this.contractsBySymbol.set(symbol, c);
            }
            out.push(c);
          }
        }
      }
    if (this.chains.size > 8) this.chains.clear();
    this.chains.set(epoch, out);
    return out;
  }

  /** The listed contract with this symbol at t. */
  contract(symbol: string, t: number): OptionContract | undefined {
    this.contracts(t); // creates today's contracts on first use
    const c = this.contractsBySymbol.get(symbol);
    return c && c.listedAt <= t && t < c.expiry ? c : undefined;
  }

  /** At-the-money volatility: the underlying's base volatility scaled by the market regime, a
   * slowly drifting level and a term structure that lifts the shortest expiries. */
  atmVol(u: OptionUnderlying, years: number, t: number): number {
    const regime = sqrt(this.paths.marketRegime(floor(t / DAY)));
    const drift = 1 + 0.1 * smoothNoise(this.seed, S_ATM, u.id, t, 6 * HOUR);
    return u.index.inst.path.annualVol * regime * drift * (0.92 + 0.25 * exp(-years * 36.5));
  }

  /** Smile in standardised moneyness k = ln(K/F)/√T: IV = atm·(1 + skew·k + curvature·k²). Using
   * k rather than ln(K/F) keeps the wings comparable from a 1-day to a 6-month expiry. */
  smileVol(c: OptionContract, forward: number, years: number, t: number): number {
    const k = log(c.strike / forward) / sqrt(years);
    const skew = -0.04 + 0.03 * smoothNoise(this.seed, S_SKEW, c.u.id, t, DAY);
    const curvature = 0.035 + 0.01 * smoothNoise(this.seed, S_SKEW, c.u.id + 1, t, DAY);
    const factor = min(3, max(0.5, 1 + skew * k + curvature * k * k));
    return this.atmVol(c.u, years, t) * factor;
  }

  /** Mark, greeks, bid/ask and limits at second-resolution time t. The published IV is rounded to
   * 8 decimals first and the mark priced from it, so Black-Scholes of the published IV reproduces
   * the mark to half a tick; a mark floored at one tick publishes the IV of that floor. */
  quote(c: OptionContract, t: number): OptionQuote {
    const u = c.u;
    const tick = u.tickUnits / 10 ** u.priceDecimals;
    const spot = this.indexPrice(u, t);
    const years = (c.expiry - t) / YEAR;
    const inputs: Omit<OptionInputs, 'vol'> = {
      side: c.side === 'CALL' ? 'call' : 'put',
      spot,
      strike: c.strike,
      years,
      rate: u.rate,
    };
    let markIV = round8(this.smileVol(c, spot * exp(u.rate * years), years, t));
    let markTicks = round(blackScholesPrice({ ...inputs, vol: markIV }) / tick);
    if (markTicks < 1) {
      markTicks = 1;
      const floorIV = impliedVolatility(tick, inputs);
      if (Number.isFinite(floorIV)) markIV = round8(floorIV);
    }
    const mark = markTicks * tick;
    const g = blackScholesGreeks({ ...inputs, vol: markIV });
    const half = max(tick, 0.01 * mark + 0.25 * g.vega);
    // Nobody quotes below the discounted intrinsic value: the bid stops a tick above it.
    const forwardValue = spot - c.strike * exp(-u.rate * years);
    const floorTicks = floor(max(c.side === 'CALL' ? forwardValue : -forwardValue, 0) / tick + 1e-9) + 1;
    let bidTicks = max(floor((mark - half) / tick + 1e-9), floorTicks);
    const askTicks = ceil((mark + half) / tick - 1e-9);
    const ivAt = (ticks: number): number => round8(impliedVolatility(ticks * tick, inputs));
    const bidIV = bidTicks < markTicks && abs(g.delta) >= 0.03 ? ivAt(bidTicks) : NaN;
    if (!Number.isFinite(bidIV)) bidTicks = 0; // deep out of the money, or no time value left to quote
    return {
      c,
      indexPrice: spot,
      markIV,
      mark: markTicks * u.tickUnits,
      delta: g.delta,
      gamma: g.gamma,
      theta: g.theta,
      vega: g.vega,
      bid: bidTicks * u.tickUnits,
      ask: askTicks * u.tickUnits,
      bidIV,
      askIV: ivAt(askTicks),
      highLimit: ceil((mark * 1.1) / tick + 10) * u.tickUnits,
      lowLimit: max(1, floor((mark * 0.9) / tick)) * u.tickUnits,
    };
  }

  /** Quotes of every contract listed at t, memoised for the current second. */
  quotes(t: number): Map<string, OptionQuote> {
    if (this.quoteCache?.t === t) return this.quoteCache.quotes;
    const quotes = new Map<string, OptionQuote>();
    for (const c of this.contracts(t)) quotes.set(c.symbol, this.quote(c, t));
    this.quoteCache = { t, quotes };
    return quotes;
  }

  /** Trades of one contract during hour `slot`: Poisson in number, each at the bid or the ask of
   * its second. Ids count from the contract's listing. */
  trades(c: OptionContract, slot: number): OptionTrade[] {
    const key = key2(c.index, slot);
    const hit = this.tape.get(key);
    if (hit) return hit;
    const lambda = c.u.tradesPerHour * c.activity;
    // Poisson count by inversion of one uniform, capped at 8 (ids are spaced by 8 per hour).
    const u0 = uniform(this.seed, S_TRADES, c.id, slot, 0);
    let n = 0;
    let p = exp(-lambda);
    let cum = p;
    while (u0 > cum && n < 8) {
      n++;
      p *= lambda / n;
      cum += p;
    }
    const out: OptionTrade[] = [];
    const firstSlot = floor(c.listedAt / HOUR);
    for (let j = 0; j < n; j++) {
      const time = slot * HOUR + floor(uniform(this.seed, S_TRADES, c.id, slot, 1 + j) * HOUR);
      if (time < c.listedAt || time >= c.expiry) continue;
      const q = this.quote(c, floor(time / 1000) * 1000);
      const buy = uniform(this.seed, S_TRADES, c.id, slot, 20 + j) < 0.5 || q.bid === 0;
      out.push({
        id: (slot - firstSlot) * 8 + j + 1,
        time,
        price: buy ? q.ask : q.bid,
        qty: 1 + floor(uniform(this.seed, S_TRADES, c.id, slot, 40 + j) * 200),
      });
    }
    out.sort((a, b) => a.time - b.time);
    return this.tape.set(key, out);
  }

  /** Trades in the rolling 24 h window ending at t, oldest first. */
  tradesInWindow(c: OptionContract, t: number): OptionTrade[] {
    const out: OptionTrade[] = [];
    for (let slot = floor((t - DAY) / HOUR); slot <= floor(t / HOUR); slot++)
      for (const tr of this.trades(c, slot)) if (tr.time > t - DAY && tr.time <= t) out.push(tr);
    return out;
  }

  /** Open interest (contracts, 2 decimals) at the minute of t. */
  openInterest(c: OptionContract, t: number): number {
    const minute = floor(t / MINUTE) * MINUTE;
    const oi = c.u.openInterest * (0.15 + c.activity) * exp(0.3 * smoothNoise(this.seed, S_OI, c.id, minute, 6 * HOUR));
    return round(oi * 100) / 100;
  }
}
