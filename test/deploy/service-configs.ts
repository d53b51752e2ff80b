// Which configuration spec each marketpipe image reads, from the same objects the services' mains
// pass to runService / runBusService / runCaptureService (SERVICE_CONFIG is added by runService).
// Importing the specs, never a hand-kept list of names, is what makes this a single source of truth.
import { KAFKA_CONFIG, PROVISION_CONFIG } from '@marketpipe/bus';
import { SERVICE_CONFIG, type ConfigSpec } from '@marketpipe/runtime';
import { CAPTURE_FUTURES_CONFIG } from '../../services/capture-futures/src/config';
import { CAPTURE_OPTIONS_CONFIG } from '../../services/capture-options/src/config';
import { CAPTURE_SPOT_CONFIG } from '../../services/capture-spot/src/config';
import { CONSOLIDATOR_CONFIG, REDIS_CONFIG } from '../../services/consolidator/src/config';
import { PSYCH_CONFIG } from '../../services/psych/src/config';
import { QUANTUM_CONFIG } from '../../services/quantum/src/config';
import { SRONA_CONFIG } from '../../services/srona/src/config';

const base = { ...SERVICE_CONFIG, ...KAFKA_CONFIG };

/** Image name (without registry and tag) → the variables its entry point reads. */
export const IMAGE_CONFIG: Readonly<Record<string, ConfigSpec>> = {
  'capture-spot': { ...base, ...CAPTURE_SPOT_CONFIG },
  'capture-futures': { ...base, ...CAPTURE_FUTURES_CONFIG },
  'capture-options': { ...base, ...CAPTURE_OPTIONS_CONFIG },
  quantum: { ...base, ...QUANTUM_CONFIG },
  psych: { ...base, ...PSYCH_CONFIG },
  srona: { ...base, ...SRONA_CONFIG },
  consolidator: { ...base, ...CONSOLIDATOR_CONFIG, ...REDIS_CONFIG },
  provision: PROVISION_CONFIG,
  // The simulator is configured by command-line flags only (libs/binance-sim/src/cli.ts).
  'binance-sim': {},
};

export const SERVICES = [
  'capture-spot',
  'capture-futures',
  'capture-options',
  'quantum',
  'psych',
  'srona',
  'consolidator',
] as const;

/**
 * `registry.example/marketpipe/capture-spot:0.1.0` → `capture-spot`; undefined for images that
 * are not marketpipe's (Kafka, the registry, Redis).
 */
export function marketpipeImage(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? '';
  const parts = withoutDigest.split('/');
  const last = parts[parts.length - 1] ?? '';
  if (parts[parts.length - 2] !== 'marketpipe') return undefined;
  return last.split(':')[0];
}
