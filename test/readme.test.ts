// The README's configuration table is the operators' reference: every variable a service reads
// must be in it, and it must not document variables that no longer exist.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_CONFIG } from '@marketpipe/bus';
import { SERVICE_CONFIG } from '@marketpipe/runtime';
import { CAPTURE_FUTURES_CONFIG } from '../services/capture-futures/src/config';
import { CAPTURE_OPTIONS_CONFIG } from '../services/capture-options/src/config';
import { CAPTURE_SPOT_CONFIG } from '../services/capture-spot/src/config';
import { CONSOLIDATOR_CONFIG, REDIS_CONFIG } from '../services/consolidator/src/config';
import { PSYCH_CONFIG } from '../services/psych/src/config';
import { QUANTUM_CONFIG } from '../services/quantum/src/config';
import { SRONA_CONFIG } from '../services/srona/src/config';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Contracts'));
const documented = new Set([...section.matchAll(/^\|\s*`([A-Z0-9_]+)`\s*\|/gm)].map((m) => m[1] as string));

describe('README configuration table', () => {
  const known = new Set([
    ...Object.keys(SERVICE_CONFIG),
    ...Object.keys(KAFKA_CONFIG),
    ...Object.keys(CAPTURE_SPOT_CONFIG),
    ...Object.keys(CAPTURE_FUTURES_CONFIG),
    ...Object.keys(CAPTURE_OPTIONS_CONFIG),
    ...Object.keys(QUANTUM_CONFIG),
    ...Object.keys(PSYCH_CONFIG),
    ...Object.keys(SRONA_CONFIG),
    ...Object.keys(CONSOLIDATOR_CONFIG),
    ...Object.keys(REDIS_CONFIG),
  ]);

  it.each([...known])('documents %s', (name) => {
    expect(documented.has(name)).toBe(true);
  });

  it('documents no variable that no service reads', () => {
    expect([...documented].filter((name) => !known.has(name))).toEqual([]);
  });
});
