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
import {
  type MapContext,
  type Mapped,
  type RawObject,
  type Rejection,
  FieldError,
  PayloadError,
  expectArray,
  isRawObject,
  optionalAboveZero,
  optionalPositive,
  requiredNonNegative,
  requiredNumber,
} from '@marketpipe/binance';
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

function mapIndexes(bodies: RawOptionsChainBodies['indexes'], ctx: MapContext, rejected: Rejection[]): OptionsIndex[] {
  const indexes: OptionsIndex[] = [];
  for (const { underlying, body } of bodies) {
    try {
      indexes.push(mapOptionsIndex(body, underlying, ctx));
    } catch (error) {
      if (!(error instanceof PayloadError)) throw error;
      rejected.push({ endpoint: OPTIONS_INDEX, symbol: underlying, reason: error.reason });
    }
  }
  return indexes;
}

/**
 * mapOptionsChains the straightforward way: ticker and mark rows checked into OptionTicker and
 * OptionMark lists, then assembleOptionsChains. The fused path must equal it on every input; it is
 * what irregular bodies (a bad element, a duplicated contract) are handed to.
 */
export function mapOptionsChainsInSteps(
  raw: RawOptionsChainBodies,
  openInterest: ReadonlyMap<string, OptionOpenInterest>,
  ctx: OptionsChainContext,
): Mapped<OptionsChain> {
  const tickers = mapOptionsTicker(raw.ticker, ctx);
  const marks = mapOptionsMark(raw.mark, ctx);
  const rejected: Rejection[] = tickers.rejected.concat(marks.rejected);
  const indexes = mapIndexes(raw.indexes, ctx, rejected);
  const chains = assembleOptionsChains({ tickers: tickers.records, marks: marks.records, indexes, openInterest }, ctx);
  for (const r of chains.rejected) rejected.push(r);
  return { records: chains.records, rejected };
}

// Map mode's checked ticker numbers, 4 per row; reused across calls so a tick allocates none.
let tickerScratch = new Float64Array(0);

/** The element's symbol when it is an object with a non-empty string symbol (what mapElements accepts), else undefined. */
function symbolOf(element: unknown): string | undefined {
  if (!isRawObject(element)) return undefined;
  const symbol = element['symbol'];
  return typeof symbol === 'string' && symbol.length > 0 ? symbol : undefined;
}

/**
 * One pass over ticker and mark rows straight into contracts, for the regular case: every element
 * an object with a symbol and good fields. Binance lists /eapi/v1/ticker and /eapi/v1/mark in the
 * same instrument order, so row i of one is row i of the other and no ticker map is built; other
 * orders go through a symbol -> ticker row map (last row wins, as in assembleOptionsChains).
 * Returns undefined when the body is irregular (a bad element, or, in positional mode, a contract
 * listed twice, where the map would pick another row) and mapOptionsChainsInSteps must decide.
 */
function mapOptionsChainsFused(
  tickerRows: readonly unknown[],
  markRows: readonly unknown[],
  indexes: readonly OptionsIndex[],
  openInterest: ReadonlyMap<string, OptionOpenInterest>,
  ctx: OptionsChainContext,
  rejected: Rejection[],
): OptionsChain[] | undefined {
  const n = markRows.length;
  const nTickers = tickerRows.length;
  let positional = n === nTickers;
  for (let i = 0; i < nTickers; i++) {
    const symbol = symbolOf(tickerRows[i]);
    if (symbol === undefined) return undefined;
    if (positional && symbol !== symbolOf(markRows[i])) positional = false;
  }
  let tickerRowBySymbol: Map<string, number> | undefined;
  if (!positional) {
    tickerRowBySymbol = new Map();
    for (let i = 0; i < nTickers; i++) tickerRowBySymbol.set((tickerRows[i] as RawObject)['symbol'] as string, i);
  }

  const instruments = ctx.instruments;
  const pendingByUnderlying = new Map<string, Pending>();
  for (const index of indexes) pendingByUnderlying.set(index.underlying, { index, contracts: [] });
  const chainRejected: Rejection[] = [];
  let tickersMatched = 0;
  let lastPending: Pending | undefined;
  let lastUnderlying = '';
  try {
    // Map mode: every ticker row is checked, matched or not, as mapOptionsTicker would, and its
    // numbers kept for the mark pass (NaN for null: checked values are finite).
    if (!positional) {
      if (tickerScratch.length < nTickers * 4) tickerScratch = new Float64Array(nTickers * 8);
      for (let i = 0; i < nTickers; i++) {
        const t = tickerRows[i] as RawObject;
        tickerScratch[i * 4] = optionalPositive(t['bidPrice'], 'bidPrice') ?? Number.NaN;
        tickerScratch[i * 4 + 1] = optionalPositive(t['askPrice'], 'askPrice') ?? Number.NaN;
        tickerScratch[i * 4 + 2] = optionalPositive(t['lastPrice'], 'lastPrice') ?? Number.NaN;
        tickerScratch[i * 4 + 3] = requiredNonNegative(t['volume'], 'volume');
      }
    }
    for (let i = 0; i < n; i++) {
      const m = markRows[i];
      const symbol = symbolOf(m);
      if (symbol === undefined) return undefined;
      const mark = m as RawObject;
      const markPrice = requiredNonNegative(mark['markPrice'], 'markPrice');
      const markIV = requiredNonNegative(mark['markIV'], 'markIV');
      const bidIV = optionalAboveZero(mark['bidIV'], 'bidIV');
      const askIV = optionalAboveZero(mark['askIV'], 'askIV');
      const delta = requiredNumber(mark['delta'], 'delta');
      const gamma = requiredNumber(mark['gamma'], 'gamma');
      const theta = requiredNumber(mark['theta'], 'theta');
      const vega = requiredNumber(mark['vega'], 'vega');
      let bidPrice: number | null = null;
      let askPrice: number | null = null;
      let lastPrice: number | null = null;
      let volume = 0;
      let hasTicker = true;
      if (tickerRowBySymbol === undefined) {
        // A bad field throws here and the body goes to mapOptionsChainsInSteps.
        const t = tickerRows[i] as RawObject;
        bidPrice = optionalPositive(t['bidPrice'], 'bidPrice');
        askPrice = optionalPositive(t['askPrice'], 'askPrice');
        lastPrice = optionalPositive(t['lastPrice'], 'lastPrice');
        volume = requiredNonNegative(t['volume'], 'volume');
      } else {
        const row = tickerRowBySymbol.get(symbol);
        if (row === undefined) {
          hasTicker = false;
        } else {
          bidPrice = nullIfNaN(tickerScratch[row * 4] as number);
          askPrice = nullIfNaN(tickerScratch[row * 4 + 1] as number);
          lastPrice = nullIfNaN(tickerScratch[row * 4 + 2] as number);
          volume = tickerScratch[row * 4 + 3] as number;
        }
      }
      if (hasTicker) tickersMatched++;
      const instrument = instruments.get(symbol);
      if (instrument === undefined) {
        chainRejected.push({ endpoint: OPTIONS_EXCHANGE_INFO, symbol, reason: UNKNOWN_SYMBOL });
        continue;
      }
      const underlying = instrument.underlying;
      if (underlying !== lastUnderlying) {
        lastPending = pendingByUnderlying.get(underlying);
        lastUnderlying = underlying;
      }
      const pending = lastPending;
      if (pending === undefined) continue;
      if (instrument.expiryTime <= pending.index.time) {
        chainRejected.push({
          endpoint: OPTIONS_EXCHANGE_INFO,
          symbol,
          reason: `expired: expiryDate ${instrument.expiryTime} is not after the index time ${pending.index.time}`,
        });
        continue;
      }
      if (!hasTicker) {
        chainRejected.push({ endpoint: OPTIONS_TICKER, symbol, reason: 'no ticker element for this symbol' });
        continue;
      }
      const oi = openInterest.get(symbol);
      pending.contracts.push({
        symbol,
        side: instrument.side,
        strike: instrument.strike,
        expiryTime: instrument.expiryTime,
        unit: instrument.unit,
        bidPrice,
        askPrice,
        bidQty: null,
        askQty: null,
        markPrice,
        lastPrice,
        volume,
        openInterest: oi === undefined ? null : oi.openInterest,
        openInterestUsd: oi === undefined ? null : oi.openInterestUsd,
        markIV,
        bidIV,
        askIV,
        delta,
        gamma,
        theta,
        vega,
      });
    }
  } catch (error) {
    if (error instanceof FieldError) return undefined;
    throw error;
  }
  if (tickersMatched < nTickers) {
    const markSymbols = new Set<string>();
    for (let i = 0; i < n; i++) markSymbols.add((markRows[i] as RawObject)['symbol'] as string);
    for (let i = 0; i < nTickers; i++) {
      const symbol = (tickerRows[i] as RawObject)['symbol'] as string;
      if (markSymbols.has(symbol)) continue;
      const instrument = instruments.get(symbol);
      if (instrument === undefined) {
        chainRejected.push({ endpoint: OPTIONS_EXCHANGE_INFO, symbol, reason: UNKNOWN_SYMBOL });
      } else if (pendingByUnderlying.has(instrument.underlying)) {
        chainRejected.push({ endpoint: OPTIONS_MARK, symbol, reason: 'no mark element for this symbol' });
      }
    }
  }

  const records: OptionsChain[] = [];
  for (const { index, contracts } of pendingByUnderlying.values()) {
    contracts.sort(byExpiryStrikeSide);
    // Positional mode paired row i with row i; a contract listed twice would have taken the last
    // ticker row of its symbol instead. Equal sort keys are adjacent, so one look finds them.
    if (positional)
      for (let i = 1; i < contracts.length; i++) {
        if (byExpiryStrikeSide(contracts[i - 1] as OptionContract, contracts[i] as OptionContract) === 0)
          return undefined;
      }
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
  for (const r of chainRejected) rejected.push(r);
  return records;
}

function nullIfNaN(value: number): number | null {
  return value === value ? value : null;
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
  const tickerRows = expectArray(raw.ticker, OPTIONS_TICKER);
  const markRows = expectArray(raw.mark, OPTIONS_MARK);
  const rejected: Rejection[] = [];
  const indexes = mapIndexes(raw.indexes, ctx, rejected);
  const records = mapOptionsChainsFused(tickerRows, markRows, indexes, openInterest, ctx, rejected);
  if (records === undefined) return mapOptionsChainsInSteps(raw, openInterest, ctx);
  return { records, rejected };
}
