/**
 * Per-chain aggregates the metrics compare a contract against. They depend only on the chain, so
 * they are computed once per chain received (O(contracts)) and reused by every tick until the next
 * chain arrives.
 */
import type { OptionsChain } from '@marketpipe/contracts';
import { DAY_MS } from './params';

export interface ExpiryStats {
  contracts: number;
  /** Mean 24h volume (contracts) over the expiry's contracts. */
  meanVolume: number;
  callOpenInterest: number;
  putOpenInterest: number;
  /**
   * Delta-weighted volume bias Σ v·u·δ / Σ v·u·|δ| in [-1, 1] (0 without volume). δ is the chain's
   * delta, taken as |δ| clamped to [0, 1] with the side's sign (calls +, puts -), so a feed's sign
   * glitch cannot flip it; u is the contract unit.
   */
  flowBias: number;
}

export interface ChainStats {
  byExpiry: Map<number, ExpiryStats>;
  /** Σ put volume / Σ call volume (24h), null when no call traded. */
  putCallVolumeRatio: number | null;
  /** Σ put OI / Σ call OI, null when call OI is 0 (unpolled OI counts as 0, like the chain summary). */
  putCallOpenInterestRatio: number | null;
}

interface Acc {
  contracts: number;
  volume: number;
  callOpenInterest: number;
  putOpenInterest: number;
  flowNet: number;
  flowGross: number;
}

export function chainStats(chain: OptionsChain): ChainStats {
  const acc = new Map<number, Acc>();
  let callVolume = 0;
  let putVolume = 0;
  let callOI = 0;
  let putOI = 0;
  for (const c of chain.contracts) {
    let a = acc.get(c.expiryTime);
    if (a === undefined) {
      a = { contracts: 0, volume: 0, callOpenInterest: 0, putOpenInterest: 0, flowNet: 0, flowGross: 0 };
      acc.set(c.expiryTime, a);
    }
    const volume = c.volume > 0 ? c.volume : 0;
    const oi = c.openInterest !== null && c.openInterest > 0 ? c.openInterest : 0;
    const absDelta = Math.min(1, Math.abs(c.delta));
    const weight = volume * (c.unit > 0 ? c.unit : 0) * absDelta;
    a.contracts++;
    a.volume += volume;
    a.flowGross += weight;
    if (c.side === 'CALL') {
      a.callOpenInterest += oi;
      a.flowNet += weight;
      callVolume += volume;
      callOI += oi;
    } else {
      a.putOpenInterest += oi;
      a.flowNet -= weight;
      putVolume += volume;
      putOI += oi;
    }
  }
  const byExpiry = new Map<number, ExpiryStats>();
  for (const [expiry, a] of acc) {
    const bias = a.flowGross > 0 ? a.flowNet / a.flowGross : 0;
    byExpiry.set(expiry, {
      contracts: a.contracts,
      meanVolume: a.volume / a.contracts,
      callOpenInterest: a.callOpenInterest,
      putOpenInterest: a.putOpenInterest,
      flowBias: Number.isFinite(bias) ? bias : 0,
    });
  }
  const pcv = callVolume > 0 ? putVolume / callVolume : null;
  const pco = callOI > 0 ? putOI / callOI : null;
  return {
    byExpiry,
    putCallVolumeRatio: pcv !== null && Number.isFinite(pcv) ? pcv : null,
    putCallOpenInterestRatio: pco !== null && Number.isFinite(pco) ? pco : null,
  };
}

/**
 * ATM implied volatility at the candidates' horizon: the mark IV at the strike nearest `spot` in the
 * nearest expiry at least `minDays` away (the mean of the call's and the put's when both are
 * listed). The chain summary's atmIV uses the nearest expiry, often hours away, which is not
 * comparable with a multi-day realized vol; it is the fallback when no expiry is far enough.
 */
export function atmImpliedVol(chain: OptionsChain, spot: number, now: number, minDays: number): number | null {
  const earliest = now + minDays * DAY_MS;
  let expiry = Number.POSITIVE_INFINITY;
  for (const c of chain.contracts) if (c.expiryTime >= earliest && c.expiryTime < expiry) expiry = c.expiryTime;
  if (expiry === Number.POSITIVE_INFINITY) return chain.summary.atmIV;
  let bestDistance = Number.POSITIVE_INFINITY;
  let strike = Number.NaN;
  for (const c of chain.contracts) {
    if (c.expiryTime !== expiry) continue;
    const d = Math.abs(c.strike - spot);
    if (d < bestDistance || (d === bestDistance && c.strike < strike)) {
      bestDistance = d;
      strike = c.strike;
    }
  }
  let sum = 0;
  let n = 0;
  for (const c of chain.contracts) {
    if (c.expiryTime === expiry && c.strike === strike && c.markIV > 0) {
      sum += c.markIV;
      n++;
    }
  }
  return n > 0 ? sum / n : chain.summary.atmIV;
}
