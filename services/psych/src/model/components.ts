/**
 * The six psych components, each a pure function of a few numbers mapped into [−1, 1] (−1 = fear,
 * +1 = greed) through tanh(x / scale). The scales are the size of a move that reads as "clearly
 * greedy/fearful" (tanh(1) ≈ 0.76); they are tuned for liquid USDT pairs on 1-second tickers and
 * 1-minute candles and documented in docs/psych.md.
 */
import { clampUnit, logReturn, squash } from './indicators';

export const PSYCH_SCALES = {
  /** 1-minute log return: 0.2 % in a minute reads 0.76. */
  return1m: 0.002,
  /** 5-minute log return: 0.5 % in five minutes reads 0.76. */
  return5m: 0.005,
  /** Acceleration r1 − r5/5 (last minute against the 5-minute average per minute). */
  acceleration: 0.002,
  /** Change of ln(24h quote volume) over one window: +5 % reads 0.76. */
  volumeChange: 0.05,
  /** Price move over the same span, which signs the volume reading: 0.3 % reads 0.76. */
  volumeDirection: 0.003,
  /** Funding rate baseline while a symbol's own is unknown: Binance's default interest 0.01 % per 8 h. */
  fundingNeutral: 0.0001,
  /** Funding level above the symbol's neutral, per 8 h: +0.05 % reads 0.76. */
  fundingLevel: 0.0005,
  /** Funding change over the window, per 8 h: +0.02 % reads 0.76. */
  fundingChange: 0.0002,
  /** ln(short vol / long vol): doubling reads −0.76. */
  volatilityRatio: Math.LN2,
  /** Per-minute vol floor added to both vols, so a flat market is 0 rather than 0/0. */
  volatilityFloor: 1e-6,
  /** Reference spread in bps for the level term, read on a log10 scale: 1 bp → 0, 10 bps → −0.76, 0.1 bp → +0.75. */
  spreadReferenceBps: 1,
  spreadLevel: Math.LN10,
  /** ln(current spread / window mean spread): doubling reads −0.76. */
  spreadChange: Math.LN2,
  /** Spread floor in bps inside the logs (zero spreads exist on ticks-wide books). */
  spreadFloorBps: 0.01,
} as const;

export type PsychScales = { readonly [K in keyof typeof PSYCH_SCALES]: number };

/**
 * Price: 0.4·tanh(r1/s1) + 0.4·tanh(r5/s5) + 0.2·tanh(a/sa) with r1, r5 the 1- and 5-minute log
 * returns and a = r1 − r5/5 the acceleration (the last minute against the 5-minute average minute).
 */
export function priceComponent(r1: number, r5: number, s: PsychScales = PSYCH_SCALES): number {
  const accel = r1 - r5 / 5;
  return clampUnit(0.4 * squash(r1, s.return1m) + 0.4 * squash(r5, s.return5m) + 0.2 * squash(accel, s.acceleration));
}

/**
 * Volume: tanh(Δ / sv) · tanh(rW / sd), Δ = change of ln(1 + 24h quote volume) between the oldest
 * and newest ticker of the window, scaled to a full window (× windowMs / spanMs), and rW the price
 * log return over the same span. Volume confirms the move it comes with: rising volume on a falling
 * price is fear, on a rising price greed; volume drying up reverses the reading, flat prices read 0.
 */
export function volumeComponent(
  quoteVolumeRef: number,
  quoteVolumeNow: number,
  priceRef: number,
  priceNow: number,
  spanMs: number,
  windowMs: number,
  s: PsychScales = PSYCH_SCALES,
): number {
  const qvRef = quoteVolumeRef > 0 ? quoteVolumeRef : 0;
  const qvNow = quoteVolumeNow > 0 ? quoteVolumeNow : 0;
  const stretch = spanMs > 0 ? windowMs / spanMs : 1;
  const change = (Math.log1p(qvNow) - Math.log1p(qvRef)) * stretch;
  return clampUnit(squash(change, s.volumeChange) * squash(logReturn(priceRef, priceNow), s.volumeDirection));
}

/** Hours of the funding interval every funding reading is expressed in. */
export const FUNDING_BASIS_HOURS = 8;

/**
 * A funding rate per interval of `hours` as its 8-hour equivalent: Binance lists 8 h, 4 h and 1 h
 * perpetuals, and 0.01 % every 4 h costs a long what 0.02 % every 8 h does. Without a known
 * interval (null) the rate is taken as 8-hourly, Binance's default.
 */
export function fundingPer8h(rate: number, intervalHours: number | null): number {
  const hours = intervalHours !== null && intervalHours > 0 ? intervalHours : FUNDING_BASIS_HOURS;
  return (rate * FUNDING_BASIS_HOURS) / hours;
}

/**
 * The neutral funding rate per 8 h of one perpetual: its own interest component (premiumIndex's
 * interestRate per interval, 0.00005 per 4 h) scaled like its rate, or Binance's default 0.01 %
 * per 8 h while it is unknown.
 */
export function neutralFundingPer8h(
  interestRate: number | null,
  intervalHours: number | null,
  s: PsychScales = PSYCH_SCALES,
): number {
  return interestRate !== null && Number.isFinite(interestRate)
    ? fundingPer8h(interestRate, intervalHours)
    : s.fundingNeutral;
}

/**
 * Funding: 0.6·tanh((f − n) / sl) + 0.4·tanh((f − fRef) / sc), every rate an 8-hour equivalent and
 * n the symbol's neutral rate (neutralFundingPer8h); longs paying shorts more than the neutral
 * (positive, rising funding) is greed. Without an older sample in the window (fRef null) the
 * level alone.
 */
export function fundingComponent(
  fundingNow: number,
  fundingRef: number | null,
  neutral: number = PSYCH_SCALES.fundingNeutral,
  s: PsychScales = PSYCH_SCALES,
): number {
  const level = squash(fundingNow - neutral, s.fundingLevel);
  if (fundingRef === null) return clampUnit(level);
  return clampUnit(0.6 * level + 0.4 * squash(fundingNow - fundingRef, s.fundingChange));
}

/**
 * Volatility: −tanh(ln((σs + ε) / (σl + ε)) / ln 2), σs and σl the realized vol per minute of the
 * short and the long window. Volatility rising above its own baseline reads as fear, calming as
 * greed; a flat market (both 0) reads 0.
 */
export function volatilityComponent(volShort: number, volLong: number, s: PsychScales = PSYCH_SCALES): number {
  const x = Math.log(Math.max(0, volShort) + s.volatilityFloor) - Math.log(Math.max(0, volLong) + s.volatilityFloor);
  return clampUnit(-squash(x, s.volatilityRatio));
}

/**
 * Liquidity: 0.5·level + 0.5·change, both negative when the spread is wide:
 * level = −tanh(ln((s + ε) / (1 bp + ε)) / ln 10) (1 bp neutral, 10 bps −0.76, 0.1 bp +0.75),
 * change = −tanh(ln((s + ε) / (s̄ + ε)) / ln 2) against the window's mean spread s̄.
 */
export function liquidityComponent(spreadNowBps: number, spreadMeanBps: number, s: PsychScales = PSYCH_SCALES): number {
  const now = Math.log(Math.max(0, spreadNowBps) + s.spreadFloorBps);
  const level = -squash(now - Math.log(s.spreadReferenceBps + s.spreadFloorBps), s.spreadLevel);
  const change = -squash(now - Math.log(Math.max(0, spreadMeanBps) + s.spreadFloorBps), s.spreadChange);
  return clampUnit(0.5 * level + 0.5 * change);
}

/** Momentum: (RSI − 50) / 50 of Wilder's RSI-14 over 1-minute closes. */
export function momentumComponent(rsi: number): number {
  return clampUnit((rsi - 50) / 50);
}
