// Math's functions as module constants: a global lookup per call is very slow inside jest's vm
// sandbox, where simulator tests of other packages run this code.
const { floor, max } = Math;

/**
 * A bounded memo for the model's blocks: two generations of Maps. Lookups hit the young map, or
 * promote from the old one; when the young map is full it becomes the old one and the previous
 * old one is dropped. Cheaper than a strict LRU (no reordering on every hit) and just as good for
 * the model's access pattern (the recent past is read over and over).
 */
export class Lru<V> {
  private young = new Map<number, V>();
  private old = new Map<number, V>();
  private readonly half: number;

  constructor(capacity: number) {
    this.half = max(1, floor(capacity / 2));
  }

  get(key: number): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }

  set(key: number, value: V): V {
    if (this.young.size >= this.half) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
    return value;
  }

  get size(): number {
    return this.young.size + this.old.size;
  }
}

/** Packs a small id (< 2^21) and a time index (< 2^31) into one exact double. */
export function key2(id: number, index: number): number {
  return id * 2147483648 + index;
}
