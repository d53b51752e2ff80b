// The vol surface a SronaReport carries: libs/quant's volSurface of the chain, solved against the
// chain's own index price at the chain's own eventTime (the prices and the index Binance quoted
// together, so a slow tick or a moving spot ticker does not skew the IVs), with the own greeks of
// each smile point's contract at its own IV. Pure; computed once per new chain by the service.
import type {
  OptionContract,
  OptionsChain,
  VolSmile,
  VolSmilePoint,
  VolSurfaceSnapshot,
  VolTermPoint,
} from '@marketpipe/contracts';
import { atmVolAt, blackScholesGreeks, type ContractIV, type Smile, volSurface } from '@marketpipe/quant';

const YEAR_MS = 365 * 24 * 3600 * 1000;
/** The term-structure tenor the snapshot names (ATM IV at 30 days). */
export const SURFACE_TENOR_DAYS = 30;

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function pointOf(smile: Smile<OptionContract>, civ: ContractIV<OptionContract>, rate: number, indexPrice: number) {
  const c = civ.contract;
  const g = blackScholesGreeks({
    side: c.side === 'CALL' ? 'call' : 'put',
    spot: indexPrice,
    strike: c.strike,
    years: smile.years,
    vol: civ.markIV,
    rate,
  });
  return { c, g };
}

function smileRecord(smile: Smile<OptionContract>, rate: number, indexPrice: number): VolSmile {
  const points: VolSmilePoint[] = [];
  for (const p of smile.points) {
    const civ = smile.contracts.find((x) => x.contract.strike === p.strike && x.contract.side === p.side);
    if (civ === undefined) continue;
    const { c, g } = pointOf(smile, civ, rate, indexPrice);
    if (![p.logMoneyness, p.callDelta, g.delta, g.gamma, g.theta, g.vega, g.rho].every(Number.isFinite)) continue;
    points.push({
      symbol: c.symbol,
      strike: p.strike,
      side: p.side,
      logMoneyness: p.logMoneyness,
      iv: p.iv,
      bidIV: finiteOrNull(civ.bidIV),
      askIV: finiteOrNull(civ.askIV),
      binanceMarkIV: c.markIV,
      callDelta: p.callDelta,
      delta: g.delta,
      gamma: g.gamma,
      theta: g.theta,
      vega: g.vega,
      rho: g.rho,
    });
  }
  return {
    expiryTime: smile.expiryTime,
    years: smile.years,
    forward: smile.forward,
    atmIV: finiteOrNull(smile.atmIV),
    call25IV: finiteOrNull(smile.call25IV),
    put25IV: finiteOrNull(smile.put25IV),
    riskReversal25: finiteOrNull(smile.riskReversal25),
    butterfly25: finiteOrNull(smile.butterfly25),
    points,
  };
}

/**
 * The surface of `chain` at its eventTime, or null when the chain has no usable index price or no
 * contract with an identifiable IV. Expiries whose smile has no point are left out; no number in
 * the result is NaN or infinite (the contract allows none).
 */
export function chainSurface(chain: OptionsChain, rate: number): VolSurfaceSnapshot | null {
  const indexPrice = chain.indexPrice;
  if (!(indexPrice > 0 && indexPrice < Infinity) || !Number.isFinite(chain.eventTime) || !Number.isFinite(rate))
    return null;
  const surface = volSurface(chain.contracts, { spot: indexPrice, now: chain.eventTime, rate });
  const smiles = surface.smiles.map((s) => smileRecord(s, rate, indexPrice)).filter((s) => s.points.length > 0);
  if (smiles.length === 0) return null;
  const termStructure: VolTermPoint[] = surface.termStructure.filter(
    (t) => Number.isFinite(t.totalVariance) && Number.isFinite(t.years),
  );
  return {
    indexPrice,
    valuationTime: chain.eventTime,
    rate,
    atm30dIV: finiteOrNull(atmVolAt(termStructure, (SURFACE_TENOR_DAYS * 24 * 3600 * 1000) / YEAR_MS)),
    smiles,
    termStructure,
  };
}
