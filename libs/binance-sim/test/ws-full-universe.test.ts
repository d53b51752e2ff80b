// The full universe streamed at Binance's real cadence: one connection per product (two for
// options, whose tickers live on /public) subscribed to everything gets every symbol within ~2 s.

import { startTestSim, type TestSim } from './helpers';
import { connect, isObject, type Rec } from './ws-helpers';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim({ universe: 'full', warm: true });
}, 120_000);
afterAll(() => sim.close());

/** Symbols seen in the array payloads of combined frames. */
function symbols(frames: unknown[]): Set<string> {
  const out = new Set<string>();
  for (const f of frames)
    if (isObject(f) && Array.isArray(f.data)) for (const x of f.data as Rec[]) out.add(String(x.s));
  return out;
}

it('every spot, USD-M and option symbol arrives within ~2 s', async () => {
  const spotInfo = await sim.json<{ symbols: { symbol: string }[] }>('/api/v3/exchangeInfo');
  const futInfo = await sim.json<{ symbols: { symbol: string }[] }>('/fapi/v1/exchangeInfo');
  const optInfo = await sim.json<{ optionSymbols: { symbol: string; underlying: string }[] }>('/eapi/v1/exchangeInfo');
  const underlyings = [...new Set(optInfo.optionSymbols.map((o) => o.underlying.toLowerCase()))];
  const expiries = [
    ...new Set(
      optInfo.optionSymbols.map((o) => `${o.underlying.toLowerCase()}@optionTicker@${o.symbol.split('-')[1]}`),
    ),
  ];
  const started = performance.now();
  const [spot, fut, optMarket, optPublic] = await Promise.all([
    connect(`${sim.wsUrl}/stream?streams=!miniTicker@arr`),
    connect(`${sim.wsUrl}/market/stream?streams=!ticker@arr/!markPrice@arr@1s`),
    connect(
      `${sim.wsUrl}/market/stream?streams=${underlyings.map((u) => `${u}@optionMarkPrice`).join('/')}/!index@arr`,
    ),
    connect(`${sim.wsUrl}/public/stream?streams=${expiries.join('/')}`),
  ]);
  const want = {
    spot: spotInfo.symbols.map((s) => s.symbol),
    futures: futInfo.symbols.map((s) => s.symbol),
    options: optInfo.optionSymbols.map((s) => s.symbol),
  };
  const has = (frames: unknown[], list: string[]): boolean => {
    const seen = symbols(frames);
    return list.every((s) => seen.has(s));
  };
  const complete = (): boolean =>
    has(spot.frames, want.spot) &&
    has(
      fut.frames.filter((f) => isObject(f) && f.stream === '!ticker@arr'),
      want.futures,
    ) &&
    has(
      fut.frames.filter((f) => isObject(f) && f.stream === '!markPrice@arr@1s'),
      want.futures,
    ) &&
    has(optMarket.frames, want.options) &&
    has(optPublic.frames, want.options);
  while (!complete() && performance.now() - started < 4000) await new Promise((r) => setTimeout(r, 50));
  const took = performance.now() - started;
  console.log(
    `full universe over ws: ${want.spot.length} spot, ${want.futures.length} futures, ${want.options.length} options in ${took.toFixed(0)} ms; stats ${JSON.stringify(sim.wsStats().messagesSent)}`,
  );
  expect(complete()).toBe(true);
  expect(took).toBeLessThan(2500);
  await Promise.all([spot.close(), fut.close(), optMarket.close(), optPublic.close()]);
}, 30_000);
