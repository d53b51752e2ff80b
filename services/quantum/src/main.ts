// quantum: QBTC-compatible quantum scores for every symbol on market.spot.ticker, into analytics.quantum.
import { runBusService } from '@marketpipe/bus';
import { QUANTUM_CONFIG } from './config';
import { QuantumService } from './service';

runBusService({ name: 'quantum', config: QUANTUM_CONFIG, create: (deps) => new QuantumService(deps) });
