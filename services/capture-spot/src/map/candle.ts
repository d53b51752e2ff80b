// The checks and the record of one candle, shared by GET /api/v3/klines (klines.ts) and the
// `<symbol>@kline_<interval>` stream (streamKline.ts), so that the two accept the same candles and
// give the same SpotKline for the same values. Rejections name the field as each source spells it.
import type { SpotKline } from '@marketpipe/contracts';
import { type MapContext, FieldError, count, requiredNonNegative, requiredPositive, timeMs } from '@marketpipe/binance';

export type CandleField =
  | 'openTime'
  | 'closeTime'
  | 'open'
  | 'high'
  | 'low'
  | 'close'
  | 'volume'
  | 'quoteVolume'
  | 'tradeCount'
  | 'takerBuyBaseVolume'
  | 'takerBuyQuoteVolume';

/** The values of a candle, unchecked, and the names its rejections give them. */
export type RawCandle = Readonly<Record<CandleField, unknown>>;
export type CandleLabels = Readonly<Record<CandleField, string>>;

export type Candle = Pick<SpotKline, CandleField>;

/**
 * Checks one candle: ms times with closeTime after openTime, prices > 0 with high and low
 * bracketing open and close, volumes >= 0, an integer trade count >= 0. Throws a FieldError naming
 * the first bad field.
 */
export function checkedCandle(raw: RawCandle, label: CandleLabels, captureTime: number): Candle {
  const openTime = timeMs(raw.openTime, label.openTime, captureTime);
  const closeTime = timeMs(raw.closeTime, label.closeTime, captureTime);
  if (closeTime <= openTime) {
    throw new FieldError(`${label.closeTime} ${closeTime} is not after ${label.openTime} ${openTime}`);
  }
  const open = requiredPositive(raw.open, label.open);
  const high = requiredPositive(raw.high, label.high);
  const low = requiredPositive(raw.low, label.low);
  const close = requiredPositive(raw.close, label.close);
  if (high < low || high < open || high < close || low > open || low > close) {
    throw new FieldError(`high/low do not bracket open/close (o ${open} h ${high} l ${low} c ${close})`);
  }
  return {
    openTime,
    closeTime,
    open,
    high,
    low,
    close,
    volume: requiredNonNegative(raw.volume, label.volume),
    quoteVolume: requiredNonNegative(raw.quoteVolume, label.quoteVolume),
    tradeCount: count(raw.tradeCount, label.tradeCount),
    takerBuyBaseVolume: requiredNonNegative(raw.takerBuyBaseVolume, label.takerBuyBaseVolume),
    takerBuyQuoteVolume: requiredNonNegative(raw.takerBuyQuoteVolume, label.takerBuyQuoteVolume),
  };
}

/** The SpotKline of a checked candle; its eventTime is the closeTime, whichever source it came from. */
export function spotKline(symbol: string, interval: string, candle: Candle, ctx: MapContext): SpotKline {
  return {
    symbol,
    eventTime: candle.closeTime,
    captureTime: ctx.captureTime,
    source: ctx.source,
    interval,
    ...candle,
  };
}
