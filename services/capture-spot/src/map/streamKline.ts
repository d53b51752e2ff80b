// Spot `<symbol>@kline_<interval>` stream (event `kline`; 1000 ms for 1s, 2000 ms otherwise) ->
// SpotKline, CLOSED candles only: the same record mapSpotKlines (klines.ts) makes from
// GET /api/v3/klines for the same candle.
// https://developers.binance.com/docs/binance-spot-api-docs/web-socket-streams#klinecandlestick-streams-for-utc
//
// Keys read -> SpotKline, with the checks of the REST field they carry (candle.ts, shared):
//   s         symbol
//   k         object, the candle:
//     x  bool  closed: only a closed candle is read further and gives a record
//     s       must equal the event's s
//     i       interval, one of SPOT_KLINE_INTERVALS
//     t  int  openTime
//     T  int  closeTime, after t; the record's eventTime (as REST)
//     o, h, l, c  str  open, high, low, close  required > 0, h and l bracket o and c
//     v, q  str  volume, quoteVolume  required >= 0
//     n  int  tradeCount  >= 0
//     V, Q  str  takerBuyBaseVolume, takerBuyQuoteVolume  required >= 0
// Not read: E (push time), f, L (trade ids), B (ignore) — REST klines carry none of them.
//
// Pushes carry the still-open candle (x false) and, last, the closed one (x true). An open candle
// is dropped unchecked and without a rejection: its values are not final, its record would collide
// with the closed one's (unique per symbol, interval, openTime), and a 1m stream sends about thirty
// of them per closed candle, each of which would report the same bad candle again.
import type { SpotKline } from '@marketpipe/contracts';
import {
  type MapContext,
  type Mapped,
  FieldError,
  describeValue,
  isRawObject,
  mapStreamEvents,
  oneOf,
} from '@marketpipe/binance';
import { type CandleLabels, checkedCandle, spotKline } from './candle';
import { SPOT_KLINE_INTERVALS } from './klines';

export const SPOT_STREAM_KLINE = '<symbol>@kline_<interval>';
export const SPOT_STREAM_KLINE_EVENT = 'kline';

const LABELS: CandleLabels = {
  openTime: 'k.t (openTime)',
  closeTime: 'k.T (closeTime)',
  open: 'k.o (open)',
  high: 'k.h (high)',
  low: 'k.l (low)',
  close: 'k.c (close)',
  volume: 'k.v (volume)',
  quoteVolume: 'k.q (quoteVolume)',
  tradeCount: 'k.n (tradeCount)',
  takerBuyBaseVolume: 'k.V (takerBuyBaseVolume)',
  takerBuyQuoteVolume: 'k.Q (takerBuyQuoteVolume)',
};

/** Maps a spot `<symbol>@kline_<interval>` payload (one event, or an array of them) to the closed candles. */
export function mapSpotStreamKline(data: unknown, ctx: MapContext): Mapped<SpotKline> {
  const mapped = mapStreamEvents<SpotKline | undefined>(
    data,
    SPOT_STREAM_KLINE,
    SPOT_STREAM_KLINE_EVENT,
    (ev, symbol) => {
      const k = ev['k'];
      if (!isRawObject(k)) throw new FieldError(`k: expected an object, got ${describeValue(k)}`);
      const closed = k['x'];
      if (typeof closed !== 'boolean')
        throw new FieldError(`k.x (closed): expected a boolean, got ${describeValue(closed)}`);
      if (!closed) return undefined;
      if (k['s'] !== symbol)
        throw new FieldError(`k.s: expected "${symbol}" (the event's s), got ${describeValue(k['s'])}`);
      const interval = oneOf(k['i'], 'k.i (interval)', SPOT_KLINE_INTERVALS);
      const candle = checkedCandle(
        {
          openTime: k['t'],
          closeTime: k['T'],
          open: k['o'],
          high: k['h'],
          low: k['l'],
          close: k['c'],
          volume: k['v'],
          quoteVolume: k['q'],
          tradeCount: k['n'],
          takerBuyBaseVolume: k['V'],
          takerBuyQuoteVolume: k['Q'],
        },
        LABELS,
        ctx.captureTime,
      );
      return spotKline(symbol, interval, candle, ctx);
    },
  );
  return {
    records: mapped.records.filter((r): r is SpotKline => r !== undefined),
    rejected: mapped.rejected,
  };
}
