// GET /eapi/v1/index?underlying=BTCUSDT -> the index price of one underlying; its `time` is the
// chain's eventTime (the only exchange time among the chain's inputs that describes a snapshot).
// https://developers.binance.com/docs/derivatives/option/market-data/Symbol-Price-Ticker
//
//   time        int  ms, exchange time of the index value
//   indexPrice  str  required > 0
// The body does not name the underlying; the caller passes the one it asked for.
import { type MapContext, expectObject, orThrow, requiredPositive, timeMs } from '@marketpipe/binance';

export const OPTIONS_INDEX = '/eapi/v1/index';

export interface OptionsIndex {
  underlying: string;
  indexPrice: number;
  time: number;
}

/** Checks one index body; throws PayloadError naming the underlying if it is unusable. */
export function mapOptionsIndex(raw: unknown, underlying: string, ctx: MapContext): OptionsIndex {
  const body = expectObject(raw, OPTIONS_INDEX, underlying);
  return orThrow(OPTIONS_INDEX, underlying, () => ({
    underlying,
    indexPrice: requiredPositive(body['indexPrice'], 'indexPrice'),
    time: timeMs(body['time'], 'time', ctx.captureTime),
  }));
}
