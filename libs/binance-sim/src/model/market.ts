// The whole seeded market: paths, candles of every instrument, and the options model.

import { CandleEngine } from './candles';
import { OptionsModel } from './options';
import { PathEngine } from './path';
import { Universe, type UniverseKind } from './universe';

export class Market {
  readonly paths: PathEngine;
  readonly candles: CandleEngine;
  readonly universe: Universe;
  readonly options: OptionsModel;

  constructor(
    kind: UniverseKind,
    readonly seed: number,
  ) {
    this.paths = new PathEngine(seed);
    this.candles = new CandleEngine(this.paths, seed);
    this.universe = new Universe(kind, seed);
    this.options = new OptionsModel(this.universe, this.paths, seed);
  }
}
