// The stream counterpart of one REST merge tick: the newest 24hrTicker and markPriceUpdate per
// symbol, merged into FuturesTicker records by the REST merge itself (mergeFuturesTickers), so a
// stream record equals the REST record of the same market state field for field. Pure: no I/O, no
// clock; the capture service feeds it checked events and asks for records.
//
// eventTime: as REST, the newest of the ticker's closeTime (`C`), the mark's time (`E`) and the held
// open interest's time. Open interest has no USD-M stream; the service keeps polling it and passes
// its book (keepLatestOpenInterest) to records(), exactly as it does for the REST merge.
// An event older than the one held for its symbol (a reconnect replaying, two connections racing)
// is ignored, so the state never moves back in time.
import type { FuturesTicker } from '@marketpipe/contracts';
import type { Mapped, Rejection } from '@marketpipe/binance';
import { type FuturesTickerContext, mergeFuturesTickers } from './futuresTicker';
import type { FuturesOpenInterest } from './openInterest';
import { FUTURES_PREMIUM_INDEX, type FuturesPremiumIndex } from './premiumIndex';
import { FUTURES_STREAM_MARK } from './streamMark';
import { FUTURES_STREAM_TICKER } from './streamTicker';
import type { FuturesTicker24h } from './ticker24hr';

const NO_OPEN_INTEREST: ReadonlyMap<string, FuturesOpenInterest> = new Map();

function sameTicker(a: FuturesTicker24h, b: FuturesTicker24h): boolean {
  return (
    a.closeTime === b.closeTime &&
    a.lastPrice === b.lastPrice &&
    a.priceChangePercent === b.priceChangePercent &&
    a.highPrice === b.highPrice &&
    a.lowPrice === b.lowPrice &&
    a.volume === b.volume &&
    a.quoteVolume === b.quoteVolume
  );
}

function sameMark(a: FuturesPremiumIndex, b: FuturesPremiumIndex): boolean {
  return (
    a.time === b.time &&
    a.markPrice === b.markPrice &&
    a.indexPrice === b.indexPrice &&
    a.lastFundingRate === b.lastFundingRate &&
    a.nextFundingTime === b.nextFundingTime &&
    a.interestRate === b.interestRate
  );
}

/** Newest ticker and mark per USD-M symbol, merged on demand like the REST ticker/24hr + premiumIndex. */
export class FuturesStreamState {
  private readonly tickers = new Map<string, FuturesTicker24h>();
  private readonly marks = new Map<string, FuturesPremiumIndex>();

  /**
   * Holds checked ticker events (mapFuturesStreamTicker). Returns the symbols whose merged record
   * changed: the event is new for its symbol and the symbol's mark is held too.
   */
  updateTickers(events: readonly FuturesTicker24h[]): string[] {
    const changed: string[] = [];
    for (const t of events) {
      const held = this.tickers.get(t.symbol);
      if (held !== undefined && (t.closeTime < held.closeTime || sameTicker(held, t))) continue;
      this.tickers.set(t.symbol, t);
      if (this.marks.has(t.symbol)) changed.push(t.symbol);
    }
    return changed;
  }

  /**
   * Holds checked mark price events (mapFuturesStreamMark). Returns the symbols whose merged record
   * changed: the event is new for its symbol and the symbol's ticker is held too.
   */
  updateMarks(events: readonly FuturesPremiumIndex[]): string[] {
    const changed: string[] = [];
    for (const m of events) {
      const held = this.marks.get(m.symbol);
      if (held !== undefined && (m.time < held.time || sameMark(held, m))) continue;
      this.marks.set(m.symbol, m);
      if (this.tickers.has(m.symbol)) changed.push(m.symbol);
    }
    return changed;
  }

  /** Drops what is held for symbols no longer listed (after an exchangeInfo refresh); returns how many were held. */
  forget(symbols: Iterable<string>): number {
    let dropped = 0;
    for (const s of symbols) {
      const t = this.tickers.delete(s);
      const m = this.marks.delete(s);
      if (t || m) dropped++;
    }
    return dropped;
  }

  /**
   * FuturesTicker records for `symbols`, built by mergeFuturesTickers from the held events. A symbol
   * without a held ticker or mark is rejected naming the stream it still waits for; one not TRADING
   * in ctx.instruments is rejected as the REST merge rejects it.
   */
  records(
    symbols: Iterable<string>,
    ctx: FuturesTickerContext,
    openInterest: ReadonlyMap<string, FuturesOpenInterest> = NO_OPEN_INTEREST,
  ): Mapped<FuturesTicker> {
    const tickers: FuturesTicker24h[] = [];
    const premiumIndex: FuturesPremiumIndex[] = [];
    const rejected: Rejection[] = [];
    for (const symbol of new Set(symbols)) {
      const t = this.tickers.get(symbol);
      if (t === undefined) {
        rejected.push({ endpoint: FUTURES_STREAM_TICKER, symbol, reason: 'no 24hrTicker event held for this symbol' });
        continue;
      }
      tickers.push(t);
      const m = this.marks.get(symbol);
      if (m !== undefined) premiumIndex.push(m);
    }
    const merged = mergeFuturesTickers({ tickers, premiumIndex, openInterest }, ctx);
    for (const r of merged.rejected) {
      // The merge names the REST source it lacks; here the missing input is the mark stream.
      rejected.push(
        r.endpoint === FUTURES_PREMIUM_INDEX
          ? { endpoint: FUTURES_STREAM_MARK, symbol: r.symbol, reason: 'no markPriceUpdate event held for this symbol' }
          : r,
      );
    }
    return { records: merged.records, rejected };
  }
}
