import { DAYS_PER_YEAR, normCdf, normPdf } from '@marketpipe/quant';

/**
 * Black-Scholes greeks per unit of the underlying, in @marketpipe/quant's units (theta per calendar
 * day, vega per volatility point = 0.01 of IV), written into a caller-owned object so the per-contract
 * loop allocates nothing (quant's blackScholesGreeks returns a fresh object per call). The test suite
 * checks these against quant's blackScholesGreeks.
 */
export interface ModelGreeks {
  delta: number;
  gamma: number;
  /** Price change per calendar day (negative for a long option). */
  theta: number;
  /** Price change per volatility point. */
  vega: number;
}

export function newModelGreeks(): ModelGreeks {
  return { delta: 0, gamma: 0, theta: 0, vega: 0 };
}

/** Fills `out` with the greeks of a European option (no carry); zeros when vol x sqrt(years) is not positive. */
export function modelGreeks(
  call: boolean,
  spot: number,
  strike: number,
  years: number,
  vol: number,
  rate: number,
  out: ModelGreeks,
): ModelGreeks {
  const sqrtT = Math.sqrt(years > 0 ? years : 0);
  const sd = vol * sqrtT;
  if (!(sd > 0) || !(spot > 0) || !(strike > 0)) {
    out.delta = 0;
    out.gamma = 0;
    out.theta = 0;
    out.vega = 0;
    return out;
  }
  const dfK = strike * Math.exp(-rate * years);
  const d1 = Math.log(spot / dfK) / sd + sd / 2;
  const d2 = d1 - sd;
  const pdf = normPdf(d1);
  const decay = (-spot * pdf * vol) / (2 * sqrtT);
  const thetaYear = call ? decay - rate * dfK * normCdf(d2) : decay + rate * dfK * normCdf(-d2);
  out.delta = call ? normCdf(d1) : -normCdf(-d1);
  out.gamma = pdf / (spot * sd);
  out.theta = thetaYear / DAYS_PER_YEAR;
  out.vega = (spot * pdf * sqrtT) / 100;
  return out;
}
