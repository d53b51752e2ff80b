/**
 * From components to a score, a state and a transition. Pure.
 */
import type {
  PsychComponents,
  PsychDirection,
  PsychStateName,
  PsychTransition,
  PsychTransitionKind,
} from '@marketpipe/contracts';

export type ComponentName = keyof PsychComponents;

export const COMPONENT_NAMES: readonly ComponentName[] = [
  'price',
  'volume',
  'funding',
  'volatility',
  'liquidity',
  'momentum',
];

export type PsychWeights = { readonly [K in ComponentName]: number };

/** The weights of the issue; they sum to 1. */
export const PSYCH_WEIGHTS: PsychWeights = {
  price: 0.25,
  volume: 0.2,
  funding: 0.15,
  volatility: 0.15,
  liquidity: 0.15,
  momentum: 0.1,
};

/** Sum of the weights of the components that are present (not null). */
export function availableWeight(c: PsychComponents, w: PsychWeights = PSYCH_WEIGHTS): number {
  let sum = 0;
  for (const name of COMPONENT_NAMES) if (c[name] !== null) sum += w[name];
  return sum;
}

/**
 * score = 0.5 + 0.5 · Σ wᵢ·cᵢ / Σ wᵢ over the present components: a missing component (no futures
 * for the symbol, no candles yet) drops out and the remaining weights are renormalized, so the
 * score stays on the same [0, 1] scale instead of being pulled towards neutral. Null when no
 * component is present.
 */
export function psychScore(c: PsychComponents, w: PsychWeights = PSYCH_WEIGHTS): number | null {
  let sum = 0;
  let weight = 0;
  for (const name of COMPONENT_NAMES) {
    const v = c[name];
    if (v === null) continue;
    sum += w[name] * v;
    weight += w[name];
  }
  if (!(weight > 0)) return null;
  const score = 0.5 + (0.5 * sum) / weight;
  if (!(score === score)) return null;
  return score < 0 ? 0 : score > 1 ? 1 : score;
}

/** fearGreedIndex = round(100 · score), in 0..100. */
export function fearGreedIndex(score: number): number {
  return Math.round(100 * score);
}

/** States from greed to fear; the index is what a transition's size is measured in. */
export const PSYCH_STATES: readonly PsychStateName[] = ['EUFORIA', 'OPTIMISMO', 'NEUTRAL', 'PESIMISMO', 'PANICO'];

/** Lower score bound of each state (PANICO has none). */
const LOWER: Record<PsychStateName, number> = {
  EUFORIA: 0.8,
  OPTIMISMO: 0.6,
  NEUTRAL: 0.4,
  PESIMISMO: 0.2,
  PANICO: -Infinity,
};
const UPPER: Record<PsychStateName, number> = {
  EUFORIA: Infinity,
  OPTIMISMO: 0.8,
  NEUTRAL: 0.6,
  PESIMISMO: 0.4,
  PANICO: 0.2,
};

export function stateIndex(state: PsychStateName): number {
  return PSYCH_STATES.indexOf(state);
}

/** ≥ 0.8 EUFORIA, ≥ 0.6 OPTIMISMO, ≥ 0.4 NEUTRAL, ≥ 0.2 PESIMISMO, else PANICO. */
export function rawState(score: number): PsychStateName {
  if (score >= 0.8) return 'EUFORIA';
  if (score >= 0.6) return 'OPTIMISMO';
  if (score >= 0.4) return 'NEUTRAL';
  if (score >= 0.2) return 'PESIMISMO';
  return 'PANICO';
}

/**
 * The state with hysteresis: the previous state is kept until the score leaves its band by more
 * than `hysteresis` (score ≥ upper + h or score < lower − h); then the plain classification
 * applies. A score sitting on a threshold therefore does not flap between the two neighbours.
 */
export function classifyState(score: number, previous: PsychStateName | undefined, hysteresis: number): PsychStateName {
  const raw = rawState(score);
  if (previous === undefined || raw === previous) return raw;
  if (score >= UPPER[previous] + hysteresis || score < LOWER[previous] - hysteresis) return raw;
  return previous;
}

/** What the previous READY record said, for hysteresis and the transition. */
export interface PsychMemory {
  state: PsychStateName;
  score: number;
  eventTime: number;
}

/**
 * ESTABLE if |Δscore| < 0.1; else REVOLUCIONARIA if the state index moved ≥ 2, SIGNIFICATIVA if
 * it moved 1, MODERADA if it did not. Direction POSITIVA for Δscore ≥ 0. velocity = |Δscore| per
 * second of exchange time (0 when the exchange clock did not advance).
 */
export function transitionOf(
  previous: PsychMemory,
  state: PsychStateName,
  score: number,
  eventTime: number,
): PsychTransition {
  const delta = score - previous.score;
  const moved = Math.abs(stateIndex(state) - stateIndex(previous.state));
  let kind: PsychTransitionKind;
  if (Math.abs(delta) < 0.1) kind = 'ESTABLE';
  else if (moved >= 2) kind = 'REVOLUCIONARIA';
  else if (moved >= 1) kind = 'SIGNIFICATIVA';
  else kind = 'MODERADA';
  const direction: PsychDirection = delta >= 0 ? 'POSITIVA' : 'NEGATIVA';
  const seconds = (eventTime - previous.eventTime) / 1000;
  const velocity = seconds > 0 ? Math.abs(delta) / seconds : 0;
  return {
    kind,
    direction,
    previousState: previous.state,
    deltaScore: delta,
    velocity: Number.isFinite(velocity) ? velocity : 0,
  };
}
