// Counter-based randomness: every draw is a pure hash of (seed, stream, keys), never a sequential
// generator, so any minute of any symbol can be produced on its own, in any order, with the same
// result. That is what makes klines for an arbitrary past window reproducible without replaying
// history, and the output independent of which requests came first.

import { normInv } from '@marketpipe/quant';

// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { PI, cos, floor, imul } = Math;

function mix(h: number, k: number): number {
  k = imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= imul(k, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  return (imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 32-bit hash of five integers (MurmurHash3 rounds). Keys must be integers within ±2^31. */
export function hash5(a: number, b: number, c: number, d: number, e: number): number {
  return finish(mix(mix(mix(mix(mix(0x2545f491, a), b), c), d), e));
}

/** FNV-1a of a string, finished with the Murmur mixer: stable ids for symbols and seeds. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = imul(h ^ s.charCodeAt(i), 0x01000193);
  return finish(h) | 0;
}

/** Uniform in the open interval (0, 1). */
export function uniform(a: number, b: number, c: number, d: number, e: number): number {
  return (hash5(a, b, c, d, e) + 0.5) / 4294967296;
}

/** Standard normal by inversion of a uniform (one hash per draw; tails to ±6.2σ). */
export function gauss(a: number, b: number, c: number, d: number, e: number): number {
  return normInv(uniform(a, b, c, d, e));
}

/** Smooth noise in [-1, 1]: cosine interpolation between hashed knots `periodMs` apart. */
export function smoothNoise(seed: number, stream: number, key: number, t: number, periodMs: number): number {
  const x = t / periodMs;
  const k = floor(x);
  const f = (1 - cos(PI * (x - k))) / 2;
  const a = 2 * uniform(seed, stream, key, k, 0) - 1;
  const b = 2 * uniform(seed, stream, key, k + 1, 0) - 1;
  return a + (b - a) * f;
}

/** Seeds may be given as numbers or strings; both map to a 32-bit integer. */
export function seedOf(seed: number | string): number {
  return typeof seed === 'number' && Number.isInteger(seed) ? seed | 0 : hashString(String(seed));
}
