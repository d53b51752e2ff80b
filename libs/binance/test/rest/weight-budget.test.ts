import { BannedError, WeightBudget } from '../../src/rest';

describe('WeightBudget', () => {
  it('adopts the REQUEST_WEIGHT limit from exchangeInfo rateLimits', () => {
    const budget = new WeightBudget({ product: 'futures', limit: 2400 });
    budget.applyRateLimits([
      { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 1000 },
    ]);
    expect(budget.snapshot().limit).toBe(1000);
    expect(budget.capacity).toBe(900);
  });

  it('makes a caller wait for the next window instead of exceeding the limit', async () => {
    const budget = new WeightBudget({ product: 'spot', limit: 10, intervalMs: 400, maxShare: 1 });
    (await budget.spend(6, 'a')).release();
    const windowEnd = budget.snapshot().windowStart + 400;
    (await budget.spend(4, 'b')).release();
    expect(budget.snapshot().used).toBe(10);
    (await budget.spend(1, 'c')).release();
    expect(Date.now()).toBeGreaterThanOrEqual(windowEnd);
    expect(budget.snapshot().used).toBe(1);
    expect(budget.waitedMs).toBeGreaterThan(0);
  });

  it('raises its count to the server header but never lowers it', () => {
    const budget = new WeightBudget({ product: 'spot', limit: 6000 });
    budget.observeUsed(500);
    expect(budget.snapshot().used).toBe(500);
    budget.observeUsed(100);
    expect(budget.snapshot().used).toBe(500);
  });

  it('refuses a request heavier than its whole window', async () => {
    const budget = new WeightBudget({ product: 'spot', limit: 50 });
    await expect(budget.spend(80, 'ticker/24hr')).rejects.toThrow('weight 80 exceeds the budget of 45 per window');
  });

  it('fails every spend at once while banned', async () => {
    let now = 1_000_000;
    const budget = new WeightBudget({ product: 'spot', limit: 6000, now: () => now });
    budget.ban(now + 120_000);
    await expect(budget.spend(1, 'ping')).rejects.toBeInstanceOf(BannedError);
    now += 120_001;
    await expect(budget.spend(1, 'ping')).resolves.toMatchObject({ alone: true });
  });
});
