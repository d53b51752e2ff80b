import { createLogger } from '@marketpipe/runtime';
import { budgetedIntervalMs, Poller } from '../../src/poll';
import { BannedError, WeightBudget } from '../../src/rest';

const logger = createLogger('test', 'silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('budgetedIntervalMs', () => {
  it('keeps the configured cadence when the budget allows it', () => {
    // Spot, 6 symbols: ticker/24hr?symbols=[6] weighs 2; once a second is 120 of 6000 a minute.
    expect(budgetedIntervalMs(1000, 2, 6000, 60_000, 0.8)).toBe(1000);
  });

  it('stretches the cadence to stay within the share of the budget', () => {
    // Futures full universe: ticker/24hr (40) + premiumIndex (10) per run against 2400/min at 80 %.
    expect(budgetedIntervalMs(1000, 50, 2400, 60_000, 0.8)).toBe(1563);
    // 60000 * 50 / (0.8 * 2400) = 1562.5 → 1563 ms: 38.4 runs/min · 50 = 1919.4 ≤ 1920.
    expect((60_000 / 1563) * 50).toBeLessThanOrEqual(0.8 * 2400);
  });
});

describe('Poller', () => {
  it('never overlaps runs: the next starts only after the previous settled', async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const poller = new Poller({
      name: 't',
      intervalMs: 5,
      logger,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(20);
        active--;
        runs++;
      },
    });
    poller.start();
    await sleep(150);
    await poller.stop();
    expect(maxActive).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('goes on after a failed run and counts it', async () => {
    let n = 0;
    const errors: unknown[] = [];
    const poller = new Poller({
      name: 't',
      intervalMs: 5,
      logger,
      onError: (e) => errors.push(e),
      run: async () => {
        n++;
        if (n === 1) throw new Error('first run fails');
      },
    });
    poller.start();
    await sleep(60);
    await poller.stop();
    expect(errors).toHaveLength(1);
    expect(poller.stats().runs).toBeGreaterThanOrEqual(2);
  });

  it('sleeps through an IP ban instead of polling every tick', async () => {
    let n = 0;
    const poller = new Poller({
      name: 't',
      intervalMs: 5,
      logger,
      run: async () => {
        n++;
        throw new BannedError('spot', 'ticker/24hr', Date.now() + 10_000);
      },
    });
    poller.start();
    await sleep(100);
    await poller.stop();
    expect(n).toBe(1);
  });

  it('stretches its interval to the budget', async () => {
    const budget = new WeightBudget({ product: 'futures', limit: 2400 });
    const poller = new Poller({
      name: 't',
      intervalMs: 1000,
      logger,
      budget,
      weightPerRun: () => 50,
      run: async () => undefined,
    });
    poller.start();
    await sleep(20);
    await poller.stop();
    expect(poller.intervalMs).toBe(1563);
  });

  it('stops promptly when its parent signal aborts', async () => {
    const parent = new AbortController();
    const poller = new Poller({ name: 't', intervalMs: 60_000, logger, run: async () => undefined });
    poller.start(parent.signal);
    await sleep(10);
    const t0 = Date.now();
    parent.abort();
    await poller.stop();
    expect(Date.now() - t0).toBeLessThan(500);
  });
});
