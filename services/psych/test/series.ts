// Constructed market series for the psych tests: spot tickers, futures tickers and closed 1m
// candles of one symbol, all derived from functions of exchange time.
import type { FuturesTicker, SpotKline, SpotTicker } from '@marketpipe/contracts';
import { futuresTicker, spotKline, spotTicker } from '../../../libs/contracts/test/samples';
import type { PsychComputable } from '../src/model';

export const MINUTE = 60_000;
/** A minute-aligned exchange time: the "now" of the constructed series. */
export const NOW = Date.UTC(2024, 0, 1, 12, 0, 0);

export function spot(
  symbol: string,
  t: number,
  price: number,
  quoteVolume: number,
  spreadBps: number | null,
): SpotTicker {
  const half = spreadBps === null ? 0 : (price * spreadBps) / 20_000;
  return {
    ...spotTicker(symbol),
    eventTime: t,
    captureTime: t + 20,
    lastPrice: price,
    quoteVolume,
    bidPrice: spreadBps === null ? null : price - half,
    askPrice: spreadBps === null ? null : price + half,
    openTime: t - 86_400_000,
  };
}

export function futures(symbol: string, t: number, fundingRate: number | null): FuturesTicker {
  return { ...futuresTicker(symbol), eventTime: t, captureTime: t + 20, fundingRate };
}

export function kline(symbol: string, openTime: number, close: number, interval = '1m'): SpotKline {
  return {
    ...spotKline(symbol),
    interval,
    openTime,
    closeTime: openTime + MINUTE - 1,
    eventTime: openTime + MINUTE - 1,
    captureTime: openTime + MINUTE + 50,
    open: close,
    high: close,
    low: close,
    close,
  };
}

/** The shape of a market, as functions of minutes relative to NOW (negative = past). */
export interface Market {
  price: (minutes: number) => number;
  quoteVolume: (minutes: number) => number;
  spreadBps: (minutes: number) => number | null;
  funding: ((minutes: number) => number | null) | null;
}

export type PsychInput =
  | { topic: 'market.spot.ticker'; value: SpotTicker }
  | { topic: 'market.futures.ticker'; value: FuturesTicker }
  | { topic: 'market.spot.kline'; value: SpotKline };

/**
 * `candleMinutes` closed 1m candles up to NOW, and spot (and futures) tickers every `tickerEveryMs`
 * over the last `tickerMinutes` minutes, ending at NOW, in time order.
 */
export function series(
  symbol: string,
  market: Market,
  opts: { candleMinutes?: number; tickerMinutes?: number; tickerEveryMs?: number; end?: number } = {},
): PsychInput[] {
  const end = opts.end ?? NOW;
  const candleMinutes = opts.candleMinutes ?? 60;
  const tickerMinutes = opts.tickerMinutes ?? 15;
  const every = opts.tickerEveryMs ?? 10_000;
  const out: { t: number; input: PsychInput }[] = [];
  for (let m = -candleMinutes; m < 0; m++) {
    const openTime = end + m * MINUTE;
    out.push({
      t: openTime + MINUTE - 1,
      input: { topic: 'market.spot.kline', value: kline(symbol, openTime, market.price(m + 1)) },
    });
  }
  for (let t = end - tickerMinutes * MINUTE; t <= end; t += every) {
    const m = (t - end) / MINUTE;
    out.push({
      t,
      input: {
        topic: 'market.spot.ticker',
        value: spot(symbol, t, market.price(m), market.quoteVolume(m), market.spreadBps(m)),
      },
    });
    if (market.funding !== null) {
      out.push({ t, input: { topic: 'market.futures.ticker', value: futures(symbol, t, market.funding(m)) } });
    }
  }
  out.sort((a, b) => a.t - b.t);
  return out.map((o) => o.input);
}

/** A market that does nothing: constant price, volume, spread and funding. */
export const FLAT: Market = {
  price: () => 100,
  quoteVolume: () => 5e8,
  spreadBps: () => 1,
  funding: () => 0.0001,
};

/** A steady rise of 0.2 % a minute on growing volume, funding creeping up, a tight steady spread. */
export const STEADY_RISE: Market = {
  price: (m) => 100 * Math.exp(0.002 * m),
  quoteVolume: (m) => 5e8 * (1 + 0.002 * (m + 60)),
  spreadBps: () => 0.5,
  funding: (m) => 0.0002 + 0.000004 * (m + 15),
};

/**
 * Calm for an hour, then a crash over the last 6 minutes (−1.5 % a minute, jittered), with a
 * volume spike, spreads widening from 1 to 8 bps and funding turning negative.
 */
export const CRASH: Market = {
  price: (m) => {
    const calm = 100 * (1 + 0.0003 * Math.sin(m * 1.7));
    return m <= -6 ? calm : calm * Math.exp(-0.015 * (m + 6));
  },
  quoteVolume: (m) => (m <= -6 ? 5e8 : 5e8 * (1 + 0.02 * (m + 6))),
  spreadBps: (m) => (m <= -6 ? 1 : 1 + (7 * (m + 6)) / 6),
  funding: (m) => (m <= -6 ? 0.0001 : 0.0001 - 0.00006 * (m + 6)),
};

/** Feeds inputs to a computable in order; returns it. */
export function feed(c: PsychComputable, inputs: readonly PsychInput[]): PsychComputable {
  for (const i of inputs) {
    if (i.topic === 'market.spot.ticker') c.addSpot(i.value);
    else if (i.topic === 'market.futures.ticker') c.addFutures(i.value);
    else c.addKline(i.value);
  }
  return c;
}
