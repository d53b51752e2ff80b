import { defineConfig, int, type ConfigOf, type Parser } from '@marketpipe/runtime';
import type { QuantumWeights } from './model/quantum';

/** `BTCUSDT:0.7,ETHUSDT:0.4` → per-symbol scores in [0, 1]. */
export function scoreMap(): Parser<ReadonlyMap<string, number>> {
  return (raw) => {
    const out = new Map<string, number>();
    for (const part of raw
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')) {
      const [symbol = '', value = ''] = part.split(':');
      const score = Number(value);
      if (!/^[A-Z0-9]{1,20}$/.test(symbol) || value === '' || !Number.isFinite(score) || score < 0 || score > 1) {
        throw new Error(`expected SYMBOL:score pairs with scores in [0, 1], got "${part}"`);
      }
      out.set(symbol, score);
    }
    return out;
  };
}

function weights(): Parser<QuantumWeights> {
  return (raw) => {
    const w: QuantumWeights = { core: 0, ai: 0, vigo: 0 };
    for (const part of raw.split(',').map((p) => p.trim())) {
      const [name = '', value = ''] = part.split(':');
      const v = Number(value);
      if (!(name === 'core' || name === 'ai' || name === 'vigo') || value === '' || !Number.isFinite(v) || v < 0) {
        throw new Error(`expected core:w,ai:w,vigo:w with non-negative weights, got "${part}"`);
      }
      w[name] = v;
    }
    return w;
  };
}

export const QUANTUM_CONFIG = defineConfig({
  QUANTUM_INTERVAL_MS: { doc: 'Scoring cadence, ms', parse: int({ min: 50 }), default: '500' },
  QUANTUM_UNIVERSAL_FREQUENCY: { doc: 'universalFrequency; lambda = ln(it)', parse: int({ min: 2 }), default: '7919' },
  QUANTUM_COLS: { doc: 'Number of factors per symbol', parse: int({ min: 0, max: 1024 }), default: '8' },
  QUANTUM_WEIGHTS: { doc: 'Ensemble weights core:w,ai:w,vigo:w', parse: weights(), default: 'core:1,ai:0,vigo:0' },
  QUANTUM_AI_SCORES: { doc: 'Per-symbol AI scores SYMBOL:score,… (0 when absent)', parse: scoreMap(), optional: true },
  QUANTUM_VIGO_SCORES: {
    doc: 'Per-symbol VIGO scores SYMBOL:score,… (0 when absent)',
    parse: scoreMap(),
    optional: true,
  },
});

export type QuantumConfig = ConfigOf<typeof QUANTUM_CONFIG>;
