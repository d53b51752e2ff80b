/**
 * The QBTC quantum score, bit-compatible with the existing QBTC quantum worker: the same hash, the
 * same factor formula, the same IEEE-754 operations in the same order, so both produce identical
 * doubles for a symbol. Pure; no state, no clock.
 */

export interface QuantumParams {
  /** ln(universalFrequency) */
  lambda: number;
  universalFrequency: number;
  cols: number;
}

export interface QuantumWeights {
  core: number;
  ai: number;
  vigo: number;
}

export const DEFAULT_UNIVERSAL_FREQUENCY = 7919;
export const DEFAULT_COLS = 8;
export const DEFAULT_WEIGHTS: QuantumWeights = { core: 1, ai: 0, vigo: 0 };

export function quantumParams(universalFrequency = DEFAULT_UNIVERSAL_FREQUENCY, cols = DEFAULT_COLS): QuantumParams {
  return { lambda: Math.log(universalFrequency), universalFrequency, cols };
}

/**
 * h = 0; h = ((h << 5) − h + c) | 0 per UTF-16 code unit; |h % 9973| + 1, with JavaScript's `%`
 * (the sign of h). An empty symbol hashes as "SYM", as the QBTC worker does.
 */
export function hashSymbol(symbol: string): number {
  const s = symbol === '' ? 'SYM' : symbol;
  let h = 0;
  for (let i = 0; i < s.length; i++) h = ((h << 5) - h + s.charCodeAt(i)) | 0;
  return Math.abs(h % 9973) + 1;
}

/** f_j = |sin(√(re² + im²)) · cos(λp)| with p = hash + j + 1, re = 9·cos(λp), im = 16·sin(λp). */
export function quantumFactors(hash: number, params: QuantumParams): number[] {
  const { lambda, cols } = params;
  const out = new Array<number>(cols);
  for (let j = 0; j < cols; j++) {
    const p = hash + j + 1;
    const re = 9 * Math.cos(lambda * p);
    const im = 16 * Math.sin(lambda * p);
    const m = Math.sqrt(re * re + im * im);
    out[j] = Math.abs(Math.sin(m) * Math.cos(lambda * p));
  }
  return out;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** clamp01(mean(factors)); 0.5 when there are no factors (cols = 0). */
export function coreScore(factors: readonly number[]): number {
  if (factors.length === 0) return 0.5;
  let sum = 0;
  for (const f of factors) sum += f;
  return clamp01(sum / factors.length);
}

/** (w_core·core + w_ai·ai + w_vigo·vigo) / max(1e-9, Σw). */
export function ensembleScore(core: number, ai: number, vigo: number, w: QuantumWeights): number {
  return (w.core * core + w.ai * ai + w.vigo * vigo) / Math.max(1e-9, w.core + w.ai + w.vigo);
}

export interface QuantumResult {
  hash: number;
  factors: number[];
  coreScore: number;
  ensembleScore: number;
  aiScore: number;
  vigoScore: number;
}

export function scoreSymbol(
  symbol: string,
  params: QuantumParams,
  weights: QuantumWeights,
  ai = 0,
  vigo = 0,
): QuantumResult {
  const hash = hashSymbol(symbol);
  const factors = quantumFactors(hash, params);
  const core = coreScore(factors);
  return {
    hash,
    factors,
    coreScore: core,
    ensembleScore: ensembleScore(core, ai, vigo, weights),
    aiScore: ai,
    vigoScore: vigo,
  };
}
