// srona: naked-option selling opportunities (NakedOptionsDetector, AnalizadorFrecuencias,
// DetectorConEdge) from market.options.chain, market.spot.ticker and market.spot.kline, into
// analytics.srona (one SronaReport per underlying per tick).
import { runBusService } from '@marketpipe/bus';
import { SRONA_CONFIG } from './config';
import { SronaService } from './service';

runBusService({ name: 'srona', config: SRONA_CONFIG, create: (deps) => new SronaService(deps) });
