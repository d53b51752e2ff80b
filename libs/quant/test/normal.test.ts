import { erfc, normCdf, normInv, normPdf } from '@marketpipe/quant';

// Reference values computed independently with mpmath at 40 digits (ncdf, npdf, erfc).
const relErr = (got: number, want: number): number => Math.abs(got - want) / Math.abs(want);

describe('normCdf', () => {
  it.each([
    [1.96, 0.9750021048517795],
    [-1.96, 0.024997895148220435],
    [-1, 0.15865525393145705],
    [1, 0.8413447460685429],
    [0, 0.5],
    [0.3, 0.6179114221889527],
    [-0.1, 0.460172162722971],
    [-0.5, 0.3085375387259869],
    [3, 0.9986501019683699],
    [-3, 0.0013498980316300946],
    [5, 0.9999997133484281],
    [-5, 2.866515718791939e-7],
    [8, 0.9999999999999993],
    [-8, 6.220960574271784e-16],
    [-20, 2.7536241186062337e-89],
  ])('Φ(%d) matches to 1e-14 relative (times the conditioning x² of the tail)', (x, want) => {
    // Rounding x/√2 alone perturbs erfc by ~x²·1e-16 relative, whatever the algorithm.
    expect(relErr(normCdf(x), want)).toBeLessThan(1e-14 * Math.max(1, x * x));
  });

  it('states the brief’s constants to the last digit', () => {
    expect(normCdf(1.96)).toBeCloseTo(0.9750021048517795, 15);
    expect(normCdf(-1)).toBeCloseTo(0.15865525393145707, 15);
  });

  it('keeps relative accuracy deep in the left tail and saturates cleanly', () => {
    expect(relErr(normCdf(-37), 5.725571222524577e-300)).toBeLessThan(1e-12);
    expect(normCdf(-38)).toBeLessThan(1e-300); // subnormal results are flushed to 0, as in Cody's CALERF
    expect(normCdf(-40)).toBe(0);
    expect(normCdf(40)).toBe(1);
    expect(normCdf(Infinity)).toBe(1);
    expect(normCdf(-Infinity)).toBe(0);
    expect(normCdf(NaN)).toBeNaN();
  });

  it('is symmetric: Φ(x) + Φ(-x) = 1', () => {
    for (let x = -6; x <= 6; x += 0.173) expect(normCdf(x) + normCdf(-x)).toBeCloseTo(1, 15);
  });

  it('is monotone across the approximation boundaries', () => {
    let prev = 0;
    for (let x = -10; x <= 10; x += 1 / 1024) {
      const v = normCdf(x);
      expect(v).toBeGreaterThanOrEqual(prev);
      prev = v;
    }
  });
});

describe('erfc', () => {
  it.each([
    [0.1, 0.887537083981715],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047266],
    [3, 0.00002209049699858544],
    [5, 1.537459794428035e-12],
    [10, 2.088487583762545e-45],
    [26, 5.663192408856143e-296],
  ])('erfc(%d) matches to 1e-14 relative', (x, want) => {
    expect(relErr(erfc(x), want)).toBeLessThan(1e-14);
    expect(erfc(-x)).toBeCloseTo(2 - want, 15);
  });
});

describe('normPdf', () => {
  it.each([
    [0, 0.3989422804014327],
    [1, 0.24197072451914334],
    [-2.5, 0.017528300493568537],
    [5, 0.0000014867195147342977],
  ])('φ(%d)', (x, want) => {
    expect(relErr(normPdf(x), want)).toBeLessThan(1e-15);
  });

  it('is the derivative of normCdf', () => {
    for (let x = -4; x <= 4; x += 0.37) {
      const h = 1e-5;
      expect((normCdf(x + h) - normCdf(x - h)) / (2 * h)).toBeCloseTo(normPdf(x), 9);
    }
  });
});

describe('normInv', () => {
  it.each([
    [1e-20, -9.262340089798407],
    [1e-10, -6.361340902404057],
    [0.001, -3.0902323061678136],
    [0.025, -1.9599639845400543],
    [0.3, -0.5244005127080408],
    [0.975, 1.9599639845400543],
    [0.999999, 4.753424308822899],
  ])('Φ⁻¹(%d) matches to 1e-14 relative (plus the spacing of doubles near 1)', (p, want) => {
    // Above 0.5 the input itself is only known to ±1.1e-16, i.e. the answer to ±1.1e-16/φ(z).
    const conditioning = p > 0.5 ? 1.2e-16 / normPdf(want) : 0;
    expect(Math.abs(normInv(p) - want)).toBeLessThan(1e-14 * Math.abs(want) + conditioning);
  });

  it('inverts normCdf over the whole range', () => {
    for (let x = -37; x <= 8; x += 0.0917) {
      const conditioning = x > 0 ? 1.2e-16 / normPdf(x) : 0;
      expect(Math.abs(normInv(normCdf(x)) - x)).toBeLessThan(1e-13 * Math.max(1, Math.abs(x)) + conditioning);
    }
  });

  it('handles the ends and invalid input', () => {
    expect(normInv(0.5)).toBe(0);
    expect(normInv(0)).toBe(-Infinity);
    expect(normInv(1)).toBe(Infinity);
    expect(normInv(-0.1)).toBeNaN();
    expect(normInv(1.1)).toBeNaN();
    expect(normInv(NaN)).toBeNaN();
  });
});
