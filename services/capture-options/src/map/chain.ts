// The OptionsChain assembly: one chain per underlying whose /eapi/v1/index was polled, from
// exchangeInfo metadata + /eapi/v1/ticker + /eapi/v1/mark + the newest /eapi/v1/openInterest rows.
//
// Contract fields (docs/mappers.md has the evidence table):
//   symbol, side, strike, expiryTime, unit          exchangeInfo optionSymbols (never the symbol text)
//   bidPrice, askPrice, lastPrice, volume           ticker (0 -> null for the prices)
//   bidQty, askQty                                  always null: REST publishes no best-quote quantities
//   markPrice, markIV, bidIV, askIV, greeks         mark (IV sentinels <= 0 -> null)
//   openInterest, openInterestUsd                   openInterest; null until the symbol's first poll
// A contract needs its instrument, mark row and ticker row; a mark or ticker row without the others
// is rejected with the missing source named. A contract whose expiryTime is not after the index time
// is rejected as expired (the instrument table is stale). Rows of underlyings not being assembled
// are ignored. Contracts are sorted by expiry, strike, CALL before PUT.
//
// Chain: eventTime = index time (ticker and mark carry no snapshot time; see ticker.ts, mark.ts);
// indexPrice from /eapi/v1/index.
// Summary:
//   contractCount, expiryCount (distinct expiryTime), nearestExpiryTime (null for an empty chain)
//   atmStrike = the strike nearest the index among nearest-expiry contracts (tie: the lower strike)
//   atmIV = markIV at (nearest expiry, atmStrike): the mean of the call's and the put's when both
//           are listed, else the one listed
//   call/putOpenInterest = sums of openInterest (contracts; not-yet-polled counts as 0)
//   call/putVolume = sums of 24 h volume (contracts)
//   putCallOpenInterestRatio = putOI / callOI, putCallVolumeRatio = putVolume / callVolume; null
//           when the call side is 0
import type { OptionContract, OptionsChain, OptionsChainSummary } from '@marketpipe/contracts';
import { type MapContext, type Mapped, type Rejection, PayloadError } from '@marketpipe/binance';
import { OPTIONS_EXCHANGE_INFO, type OptionInstrument } from './exchangeInfo';
import { OPTIONS_INDEX, type OptionsIndex, mapOptionsIndex } from './indexPrice';
import { OPTIONS_MARK, type OptionMark, mapOptionsMark } from './mark';
import type { OptionOpenInterest } from './openInterest';
import { OPTIONS_TICKER, type OptionTicker, mapOptionsTicker } from './ticker';

export interface OptionsChainContext extends MapContext {
  /** TRADING instruments from mapOptionsExchangeInfo */
  instruments: ReadonlyMap<string, OptionInstrument>;
}

/** Checked inputs of one assembly tick. */
export interface OptionsChainParts {
  tickers: readonly OptionTicker[];
  marks: readonly OptionMark[];
  /** One per underlying to assemble */
  indexes: readonly OptionsIndex[];
  /** Newest open interest per symbol (see keepLatestOptionOpenInterest) */
  openInterest: ReadonlyMap<string, OptionOpenInterest>;
}

/** Raw bodies of one tick: the all-symbols ticker and mark bodies and one index body per underlying. */
export interface RawOptionsChainBodies {
  ticker: unknown;
  mark: unknown;
  indexes: readonly { underlying: string; body: unknown }[];
}

interface Pending {
  index: OptionsIndex;
  contracts: OptionContract[];
}

const UNKNOWN_SYMBOL = 'not a TRADING symbol in exchangeInfo optionSymbols';

function byExpiryStrikeSide(a: OptionContract, b: OptionContract): number {
  if (a.expiryTime !== b.expiryTime) return a.expiryTime - b.expiryTime;
  if (a.strike !== b.strike) return a.strike - b.strike;
  if (a.side === b.side) return 0;
  return a.side === 'CALL' ? -1 : 1;
}

/** The chain summary of contracts sorted by expiry, strike, side (as assembleOptionsChains sorts them). */
export function summarizeChain(contracts: readonly OptionContract[], indexPrice: number): OptionsChainSummary {
  let expiryCount = 0;
  let lastExpiry = Number.NaN;
  let callOpenInterest = 0;
  let putOpenInterest = 0;
  let callVolume = 0;
  let putVolume = 0;
  for (const c of contracts) {
    if (c.expiryTime !== lastExpiry) {
      expiryCount++;
      lastExpiry = c.expiryTime;
    }
    if (c.side === 'CALL') {
      callOpenInterest += c.openInterest ?? 0;
      callVolume += c.volume;
    } else {
      putOpenInterest += c.openInterest ?? 0;
      putVolume += c.volume;
    }
  }
  const first = contracts[0];
  const nearestExpiryTime = first === undefined ? null : first.expiryTime;

  let atmStrike: number | null = null;
  let best = Number.POSITIVE_INFINITY;
  for (const c of contracts) {
    if (c.expiryTime !== nearestExpiryTime) break;
    const distance = Math.abs(c.strike - indexPrice);
    if (distance < best) {
      best = distance;
      atmStrike = c.strike;
    }
  }
  let atmIV: number | null = null;
  if (atmStrike !== null) {
    let sum = 0;
    let n = 0;
    for (const c of contracts) {
      if (c.expiryTime !== nearestExpiryTime) break;
      if (c.strike === atmStrike) {
        sum += c.markIV;
        n++;
      }
    }
    atmIV = sum / n;
  }
  return {
    contractCount: contracts.length,
    expiryCount,
    nearestExpiryTime,
    atmStrike,
    atmIV,
    callOpenInterest,
    putOpenInterest,
    callVolume,
    putVolume,
    putCallOpenInterestRatio: callOpenInterest === 0 ? null : putOpenInterest / callOpenInterest,
    putCallVolumeRatio: callVolume === 0 ? null : putVolume / callVolume,
  };
}

/** Assembles one OptionsChain per index from checked ticker, mark and open-interest rows. */
export function assembleOptionsChains(parts: OptionsChainParts, ctx: OptionsChainContext): Mapped<OptionsChain> {
  const instruments = ctx.instruments;
  const openInterest = parts.openInterest;
  const rejected: Rejection[] = [];

  const pendingByUnderlying = new Map<string, Pending>();
  for (const index of parts.indexes) pendingByUnderlying.set(index.underlying, { index, contracts: [] });
  const tickerBySymbol = new Map<string, OptionTicker>();
  for (const t of parts.tickers) tickerBySymbol.set(t.symbol, t);
  // How many ticker rows found their mark row; the ticker-side check below runs only when some did not.
  let tickersMatched = 0;

  for (const m of parts.marks) {
    const symbol = m.symbol;
    const t = tickerBySymbol.get(symbol);
    if (t !== undefined) tickersMatched++;
    const instrument = instruments.get(symbol);
    if (instrument === undefined) {
      rejected.push({ endpoint: OPTIONS_EXCHANGE_INFO, symbol, reason: UNKNOWN_SYMBOL });
      continue;
    }
    const pending = pendingByUnderlying.get(instrument.underlying);
    if (pending === undefined) continue;
    if (instrument.expiryTime <= pending.index.time) {
      rejected.push({
        endpoint: OPTIONS_EXCHANGE_INFO,
        symbol,
        reason: `expired: expiryDate ${instrument.expiryTime} is not after the index time ${pending.index.time}`,
      });
      continue;
    }
    if (t === undefined) {
      rejected.push({ endpoint: OPTIONS_TICKER, symbol, reason: 'no ticker element for this symbol' });
      continue;
    }
    const oi = openInterest.get(symbol);
    pending.contracts.push({
      symbol,
      side: instrument.side,
      strike: instrument.strike,
      expiryTime: instrument.expiryTime,
      unit: instrument.unit,
      bidPrice: t.bidPrice,
      askPrice: t.askPrice,
      bidQty: null,
      askQty: null,
      markPrice: m.markPrice,
      lastPrice: t.lastPrice,
      volume: t.volume,
      openInterest: oi === undefined ? null : oi.openInterest,
      openInterestUsd: oi === undefined ? null : oi.openInterestUsd,
      markIV: m.markIV,
      bidIV: m.bidIV,
      askIV: m.askIV,
      delta: m.delta,
      gamma: m.gamma,
      theta: m.theta,
      vega: m.vega,
    });
  }
  if (tickersMatched < parts.tickers.length) {
    const markSymbols = new Set<string>();
    for (const m of parts.marks) markSymbols.add(m.symbol);
    for (const t of parts.tickers) {
      if (markSymbols.has(t.symbol)) continue;
      const instrument = instruments.get(t.symbol);
      if (instrument === undefined) {
        rejected.push({ endpoint: OPTIONS_EXCHANGE_INFO, symbol: t.symbol, reason: UNKNOWN_SYMBOL });
      } else if (pendingByUnderlying.has(instrument.underlying)) {
        rejected.push({ endpoint: OPTIONS_MARK, symbol: t.symbol, reason: 'no mark element for this symbol' });
      }
    }
  }

  const records: OptionsChain[] = [];
  for (const { index, contracts } of pendingByUnderlying.values()) {
    contracts.sort(byExpiryStrikeSide);
    records.push({
      underlying: index.underlying,
      eventTime: index.time,
      captureTime: ctx.captureTime,
      source: ctx.source,
      indexPrice: index.indexPrice,
      contracts,
      summary: summarizeChain(contracts, index.indexPrice),
    });
  }
  return { records, rejected };
}

/**
 * Checks the raw ticker, mark and index bodies and assembles the chains. An unusable index body
 * rejects that underlying's chain only; an unusable ticker or mark body throws PayloadError.
 */
export function mapOptionsChains(
  raw: RawOptionsChainBodies,
  openInterest: ReadonlyMap<string, OptionOpenInterest>,
  ctx: OptionsChainContext,
): Mapped<OptionsChain> {
  const tickers = mapOptionsTicker(raw.ticker, ctx);
  const marks = mapOptionsMark(raw.mark, ctx);
  const indexes: OptionsIndex[] = [];
  const rejected: Rejection[] = tickers.rejected.concat(marks.rejected);
  for (const { underlying, body } of raw.indexes) {
    try {
      indexes.push(mapOptionsIndex(body, underlying, ctx));
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      rejected.push({ endpoint: OPTIONS_INDEX, symbol: underlying, reason: error.reason });
    }
  }
  const chains = assembleOptionsChains({ tickers: tickers.records, marks: marks.records, indexes, openInterest }, ctx);
  for (const r of chains.rejected) rejected.push(r);
  return { records: chains.records, rejected };
}
