// The endpoint table of all three products.

import { futuresRoutes } from './futures-routes';
import { optionsRoutes } from './options-routes';
import { type Apis, type Route, SecondCache } from './route';
import { spotRoutes } from './spot-routes';

export function buildRoutes(a: Apis): Route[] {
  const cache = new SecondCache();
  return [...spotRoutes(a, cache), ...futuresRoutes(a, cache), ...optionsRoutes(a, cache)];
}
