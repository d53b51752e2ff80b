import { ConfigError, defineConfig, int, num, type ConfigOf } from '@marketpipe/runtime';
import { DEFAULT_PSYCH_PARAMS, type PsychParams } from './model/psych';

export const PSYCH_CONFIG = defineConfig({
  PSYCH_INTERVAL_MS: {
    doc: 'Cadence of the psych tick: one PsychState per symbol whose inputs advanced, ms',
    parse: int({ min: 50 }),
    default: '1000',
  },
  PSYCH_WINDOW_MS: {
    doc: 'Short window of spot/futures ticker samples (volume, funding and spread changes, short realized vol), ms',
    parse: int({ min: 360_000, max: 3_600_000 }),
    default: '900000',
  },
  PSYCH_LONG_WINDOW_MS: {
    doc: '1m-candle history per symbol (long realized-vol baseline, RSI-14), ms; at least 2 x PSYCH_WINDOW_MS',
    parse: int({ min: 960_000, max: 86_400_000 }),
    default: '3600000',
  },
  PSYCH_SAMPLE_MS: {
    doc: 'Ticker bucket: the newest ticker per bucket of exchange time is kept (bounds memory), ms',
    parse: int({ min: 100, max: 60_000 }),
    default: '5000',
  },
  PSYCH_HYSTERESIS: {
    doc: 'A state is left only when the score passes its band edge by more than this',
    parse: num({ min: 0, max: 0.1 }),
    default: '0.02',
  },
  PSYCH_CHECKPOINT_MS: {
    doc: 'Cadence of the window checkpoints on state.psych (a restart replays only the inputs since the last one), ms; 0 = none',
    parse: int({ min: 0, max: 3_600_000 }),
    default: '60000',
  },
  PSYCH_MIN_CONFIDENCE: {
    doc: 'Below this confidence (window fill x share of weight present) a record is WARMING_UP, 0..1',
    parse: num({ min: 0, max: 1 }),
    default: '0.3',
  },
});

export type PsychConfig = ConfigOf<typeof PSYCH_CONFIG>;

/** Model parameters from the configuration; refuses windows that cannot hold each other. */
export function psychParams(config: PsychConfig): PsychParams {
  if (config.PSYCH_LONG_WINDOW_MS < 2 * config.PSYCH_WINDOW_MS) {
    throw new ConfigError([
      `PSYCH_LONG_WINDOW_MS=${config.PSYCH_LONG_WINDOW_MS}: must be at least 2 x PSYCH_WINDOW_MS (${2 * config.PSYCH_WINDOW_MS})`,
    ]);
  }
  return {
    ...DEFAULT_PSYCH_PARAMS,
    windowMs: config.PSYCH_WINDOW_MS,
    longWindowMs: config.PSYCH_LONG_WINDOW_MS,
    sampleMs: config.PSYCH_SAMPLE_MS,
    hysteresis: config.PSYCH_HYSTERESIS,
    minConfidence: config.PSYCH_MIN_CONFIDENCE,
  };
}
