// The stream counterpart of one REST chain tick: the newest markPrice and 24hrTicker event per
// contract, the newest index per underlying and open interest per contract, assembled into an
// OptionsChain by the REST assembly itself (assembleOptionsChains), so a stream chain equals the
// REST chain of the same market state. Pure: no I/O, no clock.
//
// Meant as one state per underlying (its mark stream is per underlying); it holds every index it
// is given (`!index@arr` carries all underlyings) and build() picks the one asked for.
// eventTime = the index event's E, as REST's is the index body's `time`.
// bidPrice/askPrice come from the mark event (`bo`/`ao`: the stream ticker has no best quote);
// bidQty/askQty are FILLED from `bq`/`aq` (null when that side has no quote) — REST has no
// quantities and leaves them null; the contract allows both. Every other field is what REST gives.
// A contract with a mark but no ticker event (or the reverse) is rejected naming the stream it
// still waits for; unknown and expired symbols are rejected as the REST assembly rejects them.
// An event older than the one held for its key is ignored, so the state never moves back in time.
import type { OptionsChain } from '@marketpipe/contracts';
import type { MapContext, Mapped, Rejection } from '@marketpipe/binance';
import { type OptionTicker, OPTIONS_TICKER } from './ticker';
import { OPTIONS_MARK } from './mark';
import { assembleOptionsChains } from './chain';
import type { OptionInstrument } from './exchangeInfo';
import type { OptionsIndex } from './indexPrice';
import type { OptionOpenInterest } from './openInterest';
import {
  OPTIONS_STREAM_INDEX,
  OPTIONS_STREAM_MARK,
  OPTIONS_STREAM_TICKER,
  type OptionStreamMark,
  type OptionStreamTicker,
} from './streamPayloads';

function sameMark(a: OptionStreamMark, b: OptionStreamMark): boolean {
  return (
    a.time === b.time &&
    a.markPrice === b.markPrice &&
    a.markIV === b.markIV &&
    a.bidIV === b.bidIV &&
    a.askIV === b.askIV &&
    a.delta === b.delta &&
    a.gamma === b.gamma &&
    a.theta === b.theta &&
    a.vega === b.vega &&
    a.bidPrice === b.bidPrice &&
    a.askPrice === b.askPrice &&
    a.bidQty === b.bidQty &&
    a.askQty === b.askQty
  );
}

/** Keeps `row` under `key` unless an older row or an equal one is held; returns whether it was taken. */
function keep<T extends { time: number }>(
  book: Map<string, T>,
  key: string,
  row: T,
  same: (a: T, b: T) => boolean,
): boolean {
  const held = book.get(key);
  if (held !== undefined && (row.time < held.time || same(held, row))) return false;
  book.set(key, row);
  return true;
}

/** Newest options stream events, assembled on demand into the REST OptionsChain. */
export class OptionsChainState {
  private readonly marks = new Map<string, OptionStreamMark>();
  private readonly tickers = new Map<string, OptionStreamTicker>();
  private readonly indexes = new Map<string, OptionsIndex>();
  private readonly openInterest = new Map<string, OptionOpenInterest>();

  /** Holds checked `markPrice` events; returns the symbols whose held values changed. */
  updateMarks(events: readonly OptionStreamMark[]): string[] {
    const changed: string[] = [];
    for (const m of events) if (keep(this.marks, m.symbol, m, sameMark)) changed.push(m.symbol);
    return changed;
  }

  /** Holds checked `24hrTicker` events; returns the symbols whose held values changed. */
  updateTickers(events: readonly OptionStreamTicker[]): string[] {
    const changed: string[] = [];
    for (const t of events) {
      const same = (a: OptionStreamTicker, b: OptionStreamTicker): boolean =>
        a.time === b.time && a.lastPrice === b.lastPrice && a.volume === b.volume;
      if (keep(this.tickers, t.symbol, t, same)) changed.push(t.symbol);
    }
    return changed;
  }

  /** Holds checked `indexPrice` events; returns the underlyings whose index changed. */
  updateIndexes(events: readonly OptionsIndex[]): string[] {
    const changed: string[] = [];
    const same = (a: OptionsIndex, b: OptionsIndex): boolean => a.time === b.time && a.indexPrice === b.indexPrice;
    for (const i of events) if (keep(this.indexes, i.underlying, i, same)) changed.push(i.underlying);
    return changed;
  }

  /** Holds checked `openInterest` events; returns the symbols whose open interest changed. */
  updateOpenInterest(events: readonly OptionOpenInterest[]): string[] {
    const changed: string[] = [];
    const same = (a: OptionOpenInterest, b: OptionOpenInterest): boolean =>
      a.time === b.time && a.openInterest === b.openInterest && a.openInterestUsd === b.openInterestUsd;
    for (const o of events) if (keep(this.openInterest, o.symbol, o, same)) changed.push(o.symbol);
    return changed;
  }

  /** Every contract something is held for. */
  symbols(): Set<string> {
    return new Set([...this.marks.keys(), ...this.tickers.keys(), ...this.openInterest.keys()]);
  }

  /** Drops what is held for contracts no longer listed (expired, delisted); returns how many had anything held. */
  forget(symbols: Iterable<string>): number {
    let dropped = 0;
    for (const s of symbols) {
      const a = this.marks.delete(s);
      const b = this.tickers.delete(s);
      const c = this.openInterest.delete(s);
      if (a || b || c) dropped++;
    }
    return dropped;
  }

  /**
   * The OptionsChain of `underlying` from the held events, assembled like the REST chain. Without a
   * held index for the underlying there is no chain: one rejection names the index stream.
   */
  build(underlying: string, instruments: ReadonlyMap<string, OptionInstrument>, ctx: MapContext): Mapped<OptionsChain> {
    const index = this.indexes.get(underlying);
    if (index === undefined) {
      return {
        records: [],
        rejected: [
          {
            endpoint: OPTIONS_STREAM_INDEX,
            symbol: underlying,
            reason: 'no indexPrice event held for this underlying',
          },
        ],
      };
    }
    const marks: OptionStreamMark[] = [];
    const tickers: OptionTicker[] = [];
    for (const m of this.marks.values()) {
      marks.push(m);
      const t = this.tickers.get(m.symbol);
      if (t !== undefined) {
        tickers.push({
          symbol: m.symbol,
          bidPrice: m.bidPrice,
          askPrice: m.askPrice,
          lastPrice: t.lastPrice,
          volume: t.volume,
        });
      }
    }
    const rejected: Rejection[] = [];
    for (const t of this.tickers.values()) {
      if (this.marks.has(t.symbol)) continue;
      // The assembly finds a ticker without its mark only through a ticker row; without a mark there
      // is no best quote to give that row, so the check is made here with the assembly's rules.
      const instrument = instruments.get(t.symbol);
      if (instrument !== undefined && instrument.underlying === underlying) {
        rejected.push({
          endpoint: OPTIONS_STREAM_MARK,
          symbol: t.symbol,
          reason: 'no markPrice event held for this symbol',
        });
      }
    }
    const chains = assembleOptionsChains(
      { tickers, marks, indexes: [index], openInterest: this.openInterest },
      { ...ctx, instruments },
    );
    for (const r of chains.rejected) {
      // The assembly names the REST source it lacks; here the missing input is a stream.
      if (r.endpoint === OPTIONS_TICKER) {
        rejected.push({
          endpoint: OPTIONS_STREAM_TICKER,
          symbol: r.symbol,
          reason: 'no 24hrTicker event held for this symbol',
        });
      } else if (r.endpoint === OPTIONS_MARK) {
        rejected.push({
          endpoint: OPTIONS_STREAM_MARK,
          symbol: r.symbol,
          reason: 'no markPrice event held for this symbol',
        });
      } else {
        rejected.push(r);
      }
    }
    for (const chain of chains.records) {
      for (const c of chain.contracts) {
        const m = this.marks.get(c.symbol);
        // The contracts were just built by the assembly and are not shared, so they are filled in place.
        if (m !== undefined) {
          c.bidQty = m.bidQty;
          c.askQty = m.askQty;
        }
      }
    }
    return { records: chains.records, rejected };
  }
}
