// The FuturesTicker merge: per symbol, one /fapi/v1/ticker/24hr element + one /fapi/v1/premiumIndex
// element + the newest /fapi/v1/openInterest value (polled separately, slower) + exchangeInfo metadata.
//
// Field sources (docs/mappers.md has the evidence table):
//   contractType, deliveryTime      exchangeInfo
//   lastPrice, priceChangePercent, highPrice, lowPrice, volume, quoteVolume   ticker/24hr
//   markPrice, indexPrice, fundingRate, nextFundingTime                        premiumIndex
//   openInterest, openInterestTime  openInterest (null until the symbol's first poll)
//   basis = mark - index; basisRate = basis / index; openInterestValue = openInterest x mark
//   eventTime = newest of ticker closeTime, premiumIndex time, openInterest time (the record is as
//   new as its newest input; each input's own age stays visible through openInterestTime)
//   timeToExpiryMs = deliveryTime - eventTime
//   fundingIntervalHours            fundingInfo (8 for a perpetual it does not list; null until read)
//   interestRate                    premiumIndex, else the newest one the capture read (streams)
// Funding: perpetual-style contracts (contractType contains PERPETUAL) carry lastFundingRate as
// sent ("" -> null) and nextFundingTime (0 -> null). Delivery contracts never pay funding: their
// fundingRate and nextFundingTime are null whatever Binance sends ("0.00000000" and 0 live, "" in
// COIN-M docs), so a 0 never poses as a real funding rate.
// Every ticker element yields a record or a rejection: a symbol not TRADING in exchangeInfo, or
// without a premiumIndex element, is rejected with a reason naming the missing source.
import type { FuturesTicker } from '@marketpipe/contracts';
import { type MapContext, type Mapped, type Rejection } from '@marketpipe/binance';
import { FUTURES_EXCHANGE_INFO, type FuturesInstrument, isPerpetual } from './exchangeInfo';
import { DEFAULT_FUNDING_INTERVAL_HOURS, type FundingTerms, NO_FUNDING_TERMS } from './fundingInfo';
import type { FuturesOpenInterest } from './openInterest';
import { FUTURES_PREMIUM_INDEX, type FuturesPremiumIndex, mapFuturesPremiumIndex } from './premiumIndex';
import { type FuturesTicker24h, mapFuturesTicker24hr } from './ticker24hr';

export interface FuturesTickerContext extends MapContext {
  /** TRADING instruments from mapFuturesExchangeInfo */
  instruments: ReadonlyMap<string, FuturesInstrument>;
  /** Funding intervals and interest rates known besides the premiumIndex element (none when absent) */
  funding?: FundingTerms;
}

/** Checked inputs of one merge tick. */
export interface FuturesTickerParts {
  tickers: readonly FuturesTicker24h[];
  premiumIndex: readonly FuturesPremiumIndex[];
  /** Newest open interest per symbol (see keepLatestOpenInterest) */
  openInterest: ReadonlyMap<string, FuturesOpenInterest>;
}

/** Merges checked ticker, premiumIndex and open-interest values into FuturesTicker records. */
export function mergeFuturesTickers(parts: FuturesTickerParts, ctx: FuturesTickerContext): Mapped<FuturesTicker> {
  const premiumBySymbol = new Map<string, FuturesPremiumIndex>();
  for (const p of parts.premiumIndex) premiumBySymbol.set(p.symbol, p);
  const instruments = ctx.instruments;
  const openInterest = parts.openInterest;
  const captureTime = ctx.captureTime;
  const source = ctx.source;
  const funding = ctx.funding ?? NO_FUNDING_TERMS;

  const records: FuturesTicker[] = [];
  const rejected: Rejection[] = [];
  for (const t of parts.tickers) {
    const symbol = t.symbol;
    const instrument = instruments.get(symbol);
    if (instrument === undefined) {
      rejected.push({ endpoint: FUTURES_EXCHANGE_INFO, symbol, reason: 'not a TRADING symbol in exchangeInfo' });
      continue;
    }
    const p = premiumBySymbol.get(symbol);
    if (p === undefined) {
      rejected.push({ endpoint: FUTURES_PREMIUM_INDEX, symbol, reason: 'no premiumIndex element for this symbol' });
      continue;
    }
    const oi = openInterest.get(symbol);
    const perpetual = isPerpetual(instrument.contractType);
    let eventTime = t.closeTime > p.time ? t.closeTime : p.time;
    if (oi !== undefined && oi.time > eventTime) eventTime = oi.time;
    const markPrice = p.markPrice;
    const indexPrice = p.indexPrice;
    const basis = markPrice - indexPrice;
    const deliveryTime = instrument.deliveryTime;
    const intervals = funding.intervalHours;
    records.push({
      symbol,
      eventTime,
      captureTime,
      source,
      contractType: instrument.contractType,
      lastPrice: t.lastPrice,
      priceChangePercent: t.priceChangePercent,
      highPrice: t.highPrice,
      lowPrice: t.lowPrice,
      volume: t.volume,
      quoteVolume: t.quoteVolume,
      markPrice,
      indexPrice,
      fundingRate: perpetual ? p.lastFundingRate : null,
      nextFundingTime: perpetual ? p.nextFundingTime : null,
      openInterest: oi === undefined ? null : oi.openInterest,
      openInterestValue: oi === undefined ? null : oi.openInterest * markPrice,
      openInterestTime: oi === undefined ? null : oi.time,
      basis,
      basisRate: basis / indexPrice,
      deliveryTime,
      timeToExpiryMs: deliveryTime === null ? null : deliveryTime - eventTime,
      fundingIntervalHours:
        perpetual && intervals !== null ? (intervals.get(symbol) ?? DEFAULT_FUNDING_INTERVAL_HOURS) : null,
      interestRate: perpetual ? (p.interestRate ?? funding.interestRate.get(symbol) ?? null) : null,
    });
  }
  return { records, rejected };
}

/**
 * Checks the raw all-symbols ticker/24hr and premiumIndex bodies and merges them with the held open
 * interest. Rejections of all three stages are returned together. Throws PayloadError when either
 * body as a whole is unusable.
 */
export function mapFuturesTickers(
  rawTicker24hr: unknown,
  rawPremiumIndex: unknown,
  openInterest: ReadonlyMap<string, FuturesOpenInterest>,
  ctx: FuturesTickerContext,
): Mapped<FuturesTicker> {
  const tickers = mapFuturesTicker24hr(rawTicker24hr, ctx);
  const premiumIndex = mapFuturesPremiumIndex(rawPremiumIndex, ctx);
  const merged = mergeFuturesTickers(
    { tickers: tickers.records, premiumIndex: premiumIndex.records, openInterest },
    ctx,
  );
  const rejected = tickers.rejected.concat(premiumIndex.rejected, merged.rejected);
  return { records: merged.records, rejected };
}
