// psych: market psychology from rates of change for every spot symbol, into analytics.psych.
import { runBusService } from '@marketpipe/bus';
import { PSYCH_CONFIG } from './config';
import { PsychService } from './service';

runBusService({ name: 'psych', config: PSYCH_CONFIG, create: (deps) => new PsychService(deps) });
