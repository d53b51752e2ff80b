// Issue 13, item 6 "Never a 418": another client on the IP has used the futures REQUEST_WEIGHT
// (2400/2400) and the client fires an open-interest round. Against the simulator's real limiter
// (429 over the limit, 418 for a client that keeps sending after its 429s), over real HTTP. The
// clock is the model's: a wait moves it forward instead of sleeping, so a minute's hold is instant.
import { startSimulator, type Simulator } from '@marketpipe/binance-sim';
import { createLogger } from '@marketpipe/runtime';
import { Registry } from 'prom-client';
import { BinanceRestClient, RateLimitedError, type Sleep } from '../../src/rest';

const logger = createLogger('test', 'silent');
const MINUTE = 60_000;
/** 2026-11-25 08:30:00 UTC */
const T0 = Date.UTC(2026, 10, 25, 8, 30);
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT'];

describe('an open-interest round into an IP whose weight another client used up', () => {
  const clock = { now: T0 };
  // A wait ends at once with the clock moved to (at least) its end: waits that end at the same
  // instant (every request queued behind a 429's hold) wake together, none early.
  const sleep: Sleep = async (ms, signal) => {
    const until = clock.now + ms;
    await new Promise((r) => setImmediate(r));
    signal?.throwIfAborted();
    clock.now = Math.max(clock.now, until);
  };
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 7, now: () => clock.now });
  });
  afterAll(() => sim.close());

  function client(): BinanceRestClient {
    return new BinanceRestClient({
      product: 'futures',
      baseUrl: sim.url,
      logger,
      metrics: new Registry(),
      now: () => clock.now,
      sleep,
    });
  }

  /** One round: `n` concurrent openInterest GETs, as capture-futures sends them. */
  function round(c: BinanceRestClient, n: number): Promise<PromiseSettledResult<unknown>[]> {
    return Promise.allSettled(
      Array.from({ length: n }, (_, i) => c.get('openInterest', { symbol: SYMBOLS[i % SYMBOLS.length] })),
    );
  }

  /** Puts the IP's futures count at the limit, as another client on it would. */
  async function otherClientUsesEverything(): Promise<void> {
    const probe = await fetch(`${sim.url}/__sim/limits/weight`, {
      method: 'POST',
      body: JSON.stringify({ product: 'futures', weight: 0 }),
    });
    const { used } = (await probe.json()) as { used: number };
    sim.addWeight('futures', 2400 - used);
  }

  it.each([
    [4, 'a fresh client'],
    [20, 'a fresh client'],
    [4, 'a client that saw room earlier in the minute'],
    [20, 'a client that saw room earlier in the minute'],
  ])('%d concurrent requests, %s: one 429, no 418 in 20 repeats, all served once the window rolls', async (n, who) => {
    const warm = who.startsWith('a client that');
    const totals = { 418: 0, 429: 0, 200: 0 };
    for (let r = 0; r < 20; r++) {
      // A new minute each repeat, at a different second of it.
      clock.now = Math.ceil((clock.now + 1) / MINUTE) * MINUTE + ((r * 7_919) % 50_000);
      sim.resetLimits();
      sim.resetStats();
      const c = client();
      try {
        if (warm) {
          await expect(c.get('ping')).resolves.toEqual({}); // room seen: concurrency allowed
          clock.now += 2_500; // a quiet spell, in which the other client spends the window
        }
        await otherClientUsesEverything();
        const windowEnd = Math.ceil((clock.now + 1) / MINUTE) * MINUTE;
        const results = await round(c, n);
        const failed = results.filter((x) => x.status === 'rejected');
        // The request that met the full window gets the 429 (and the poller tries again next tick);
        // every other one waits it out and is served in the next window.
        expect(failed).toHaveLength(1);
        expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(RateLimitedError);
        expect(clock.now).toBeGreaterThanOrEqual(windowEnd);
        await expect(c.get('openInterest', { symbol: 'BTCUSDT' })).resolves.toMatchObject({ symbol: 'BTCUSDT' });
        const status = sim.stats().byStatus as Record<string, number | undefined>;
        totals[418] += status['418'] ?? 0;
        totals[429] += status['429'] ?? 0;
        totals[200] += status['200'] ?? 0;
      } finally {
        await c.close();
      }
    }
    expect(totals).toEqual({ 418: 0, 429: 20, 200: 20 * (n + (warm ? 1 : 0)) });
  });

  it('keeps a round concurrent while answers show room', async () => {
    clock.now = Math.ceil((clock.now + 1) / MINUTE) * MINUTE + 10_000;
    sim.resetLimits();
    const c = client();
    try {
      await c.get('ping');
      let done = false;
      const all = round(c, 8).finally(() => (done = true));
      let most = 0;
      while (!done) {
        most = Math.max(most, c.budget.snapshot().inFlight);
        await new Promise((r) => setImmediate(r));
      }
      expect((await all).every((x) => x.status === 'fulfilled')).toBe(true);
      expect(most).toBe(8); // all in flight at once: room was shown, and stays shown
      expect(c.budget.snapshot().serial).toBe(false);
    } finally {
      await c.close();
    }
  });
});
