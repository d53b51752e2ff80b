import { logReturns, mean, realizedVolatility, stdev, variance } from '@marketpipe/quant';

describe('statistics', () => {
  it('computes mean, sample variance and standard deviation', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(variance(xs)).toBeCloseTo(32 / 7, 14);
    expect(stdev(xs)).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(mean(new Float64Array([1, 2, 3]))).toBe(2);
  });

  it('is NaN where undefined', () => {
    expect(mean([])).toBeNaN();
    expect(variance([1])).toBeNaN();
  });

  it('stays accurate with a large offset (two-pass variance)', () => {
    expect(variance([1e9 + 1, 1e9 + 2, 1e9 + 3])).toBeCloseTo(1, 9);
  });

  it('annualises the standard deviation of log returns', () => {
    const prices = [100, 101, 99.5, 100.2, 102];
    const r = logReturns(prices);
    expect(r).toHaveLength(4);
    expect(r[0]).toBeCloseTo(Math.log(1.01), 15);
    expect(realizedVolatility(prices, 365)).toBeCloseTo(stdev(r) * Math.sqrt(365), 15);
  });
});
