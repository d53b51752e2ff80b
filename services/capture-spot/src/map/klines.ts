// GET /api/v3/klines?symbol=&interval= -> SpotKline, CLOSED candles only.
// https://developers.binance.com/docs/binance-spot-api-docs/rest-api/market-data-endpoints#klinecandlestick-data
//
// Each element is a positional array (BINANCE_API.md §1.3 "klines"):
//   [0]  openTime             int  start of the candle
//   [1]  open                 str  required > 0
//   [2]  high                 str  required > 0, >= open, close, low
//   [3]  low                  str  required > 0, <= open, close
//   [4]  close                str  required > 0
//   [5]  volume               str  base asset, required >= 0
//   [6]  closeTime            int  openTime + interval - 1; the record's eventTime
//   [7]  quoteAssetVolume     str  required >= 0
//   [8]  numberOfTrades       int  required >= 0
//   [9]  takerBuyBaseVolume   str  required >= 0
//   [10] takerBuyQuoteVolume  str  required >= 0
//   [11] ignore               str  "0", not read (trailing extra elements are tolerated)
// Binance includes the still-open candle last; a candle is published only once its closeTime lies
// before `closedBefore`, which the caller passes in (its estimate of the exchange clock).
// The checks and the record are candle.ts's, shared with the kline stream (streamKline.ts).
import type { SpotKline } from '@marketpipe/contracts';
import {
  type MapContext,
  type Mapped,
  type Rejection,
  describeValue,
  expectArray,
  rejectionOf,
} from '@marketpipe/binance';
import { type CandleLabels, checkedCandle, spotKline } from './candle';

export const SPOT_KLINES = '/api/v3/klines';

/** Spot kline intervals (case-sensitive, BINANCE_API.md §1.2). */
export const SPOT_KLINE_INTERVALS = [
  '1s',
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '6h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
] as const;
export type SpotKlineInterval = (typeof SPOT_KLINE_INTERVALS)[number];

export interface SpotKlineContext extends MapContext {
  /** The symbol the request was for (the body does not repeat it). */
  symbol: string;
  /** The interval the request was for. */
  interval: SpotKlineInterval;
  /** Candles whose closeTime is not before this ms time are still open and are dropped. */
  closedBefore: number;
}

const LABELS: CandleLabels = {
  openTime: 'openTime',
  closeTime: 'closeTime',
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  volume: 'volume',
  quoteVolume: 'quoteVolume',
  tradeCount: 'tradeCount',
  takerBuyBaseVolume: 'takerBuyBaseVolume',
  takerBuyQuoteVolume: 'takerBuyQuoteVolume',
};

function mapKline(k: readonly unknown[], ctx: SpotKlineContext): SpotKline | undefined {
  const candle = checkedCandle(
    {
      openTime: k[0],
      open: k[1],
      high: k[2],
      low: k[3],
      close: k[4],
      volume: k[5],
      closeTime: k[6],
      quoteVolume: k[7],
      tradeCount: k[8],
      takerBuyBaseVolume: k[9],
      takerBuyQuoteVolume: k[10],
    },
    LABELS,
    ctx.captureTime,
  );
  // Checked before it is dropped, so a malformed open candle is still reported.
  if (candle.closeTime >= ctx.closedBefore) return undefined;
  return spotKline(ctx.symbol, ctx.interval, candle, ctx);
}

/** Maps a klines body to the closed candles; a malformed candle is rejected alone, the open candle is dropped. */
export function mapSpotKlines(raw: unknown, ctx: SpotKlineContext): Mapped<SpotKline> {
  const elements = expectArray(raw, SPOT_KLINES);
  const records: SpotKline[] = [];
  const rejected: Rejection[] = [];
  for (let i = 0; i < elements.length; i++) {
    const k = elements[i];
    if (!Array.isArray(k) || k.length < 11) {
      rejected.push({
        endpoint: SPOT_KLINES,
        symbol: ctx.symbol,
        reason: `[${i}]: expected a 12-element kline array, got ${describeValue(k)}`,
      });
      continue;
    }
    try {
      const record = mapKline(k, ctx);
      if (record !== undefined) records.push(record);
    } catch (error) {
      const rejection = rejectionOf(error, SPOT_KLINES, ctx.symbol);
      rejection.reason = `[${i}] ${rejection.reason}`;
      rejected.push(rejection);
    }
  }
  return { records, rejected };
}
