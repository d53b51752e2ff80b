// The standard normal distribution to double precision.
//
// erfc follows W. J. Cody, "Rational Chebyshev approximations for the error function",
// Math. Comp. 23 (1969) 631-638 (the SPECFUN CALERF packet): three rational approximations,
// each good to ~18 significant digits, and *relative* accuracy in the far tail, which is what
// keeps Φ(x) meaningful for x << 0 (a 1 - erf formulation would return 0 from x ≈ -8.3 on).
// The inverse follows M. J. Wichura, Algorithm AS 241 (PPND16), Applied Statistics 37 (1988),
// accurate to about 1 part in 1e16.

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { SQRT2, abs, exp, log, sqrt, trunc } = Math;

const SQRT_2 = SQRT2;
const INV_SQRT_2PI = 0.3989422804014327; // 1 / sqrt(2π)
const INV_SQRT_PI = 0.5641895835477563; // 1 / sqrt(π)

// erf on |x| <= 0.46875
const A = [3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315];
const B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171];
// erfc on 0.46875 < |x| <= 4
const C = [
  0.5641884969886701, 8.883149794388375, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707,
  2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
];
const D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247,
  3439.3676741437216, 1230.3393548037493,
];
// erfc on |x| > 4
const P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.01608378514874228, 0.0006587491615298378,
  0.016315387137302097,
];
const Q = [2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918];

/** exp(-y²) computed as exp(-t²)·exp(-(y-t)(y+t)) with t = y rounded down to 1/16: avoids the
 * cancellation of forming y² directly, which would cost ~y² ulps of relative error in the tail. */
function expMinusSquare(y: number): number {
  const t = trunc(y * 16) / 16;
  return exp(-t * t) * exp(-(y - t) * (y + t));
}

/** Complementary error function erfc(x) = 1 - erf(x), with relative accuracy over the whole range. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = abs(x);
  let result: number;
  if (y <= 0.46875) {
    const ysq = y > 1.11e-16 ? y * y : 0;
    let num = (A[4] as number) * ysq;
    let den = ysq;
    for (let i = 0; i < 3; i++) {
      num = (num + (A[i] as number)) * ysq;
      den = (den + (B[i] as number)) * ysq;
    }
    // erf(x) here; its complement loses nothing because erf(x) <= 0.5 on this interval.
    return 1 - (x * (num + (A[3] as number))) / (den + (B[3] as number));
  } else if (y <= 4) {
    let num = (C[8] as number) * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + (C[i] as number)) * y;
      den = (den + (D[i] as number)) * y;
    }
    result = (expMinusSquare(y) * (num + (C[7] as number))) / (den + (D[7] as number));
  } else if (y >= 26.543) {
    result = 0; // below the smallest positive double
  } else {
    const ysq = 1 / (y * y);
    let num = (P[5] as number) * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + (P[i] as number)) * ysq;
      den = (den + (Q[i] as number)) * ysq;
    }
    const r = (ysq * (num + (P[4] as number))) / (den + (Q[4] as number));
    result = (expMinusSquare(y) * (INV_SQRT_PI - r)) / y;
  }
  return x < 0 ? 2 - result : result;
}

/** Standard normal density φ(x). */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * exp(-0.5 * x * x);
}

/** Standard normal distribution function Φ(x) = P(Z <= x), relative error ~1e-15 even far in the left tail. */
export function normCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT_2);
}

// AS 241 coefficients: central region |p - 0.5| <= 0.425
const IA = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987, 67265.7709270087,
  33430.57558358813, 2509.0809287301227,
];
const IB = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271, 28729.085735721943,
  5226.495278852854,
];
// intermediate tail: sqrt(-ln(min(p, 1-p))) <= 5
const IC = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684, 0.2417807251774506,
  0.022723844989269184, 0.0007745450142783414,
];
const ID = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457,
  0.0005475938084995345, 1.0507500716444169e-9,
];
// far tail
const IE = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124,
  0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
];
const IF = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133, 0.000018463183175100548,
  1.421511758316446e-7, 2.0442631033899397e-15,
];

function ratio(num: readonly number[], den: readonly number[], r: number): number {
  let n = 0;
  let d = 0;
  for (let i = num.length - 1; i >= 0; i--) {
    n = n * r + (num[i] as number);
    d = d * r + (den[i] as number);
  }
  return n / d;
}

/** Inverse of Φ: the z with Φ(z) = p. Returns -Infinity for p = 0, Infinity for p = 1, NaN outside [0, 1]. */
export function normInv(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (abs(q) <= 0.425) return q * ratio(IA, IB, 0.180625 - q * q);
  const r = sqrt(-log(q < 0 ? p : 1 - p));
  const z = r <= 5 ? ratio(IC, ID, r - 1.6) : ratio(IE, IF, r - 5);
  return q < 0 ? -z : z;
}
