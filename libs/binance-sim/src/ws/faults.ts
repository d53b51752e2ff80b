// WebSocket faults, switchable at run time: the ones that act at once (drop, malformed, burst,
// shutdown) are applied by the server; the ones that last (stall, refuse) are windows kept here.

import { type Product } from '../http/route';

export type WsFaultKind = 'drop' | 'stall' | 'malformed' | 'burst' | 'refuse' | 'shutdown';

export interface WsFault {
  kind: WsFaultKind;
  /** Only connections of this product; all when unset. */
  product?: Product;
  /** stall and refuse: how long, in real milliseconds (default 5000). */
  durationMs?: number;
  /** malformed: frames of each broken kind per connection (default 1); burst: repeats of each
   * stream's current frame (default 10). */
  count?: number;
}

const KINDS: readonly WsFaultKind[] = ['drop', 'stall', 'malformed', 'burst', 'refuse', 'shutdown'];
const PRODUCTS: readonly Product[] = ['spot', 'futures', 'options'];
export const DEFAULT_FAULT_DURATION_MS = 5000;

/** Validates an admin-API body; throws with a message naming the bad field. */
export function parseWsFault(x: unknown): WsFault {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error('a ws fault must be a JSON object');
  const o = x as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!['kind', 'product', 'durationMs', 'count'].includes(k)) throw new Error(`unknown ws fault field ${k}`);
  if (!KINDS.includes(o.kind as WsFaultKind)) throw new Error(`kind must be one of ${KINDS.join(', ')}`);
  const f: WsFault = { kind: o.kind as WsFaultKind };
  if (o.product !== undefined) {
    if (!PRODUCTS.includes(o.product as Product)) throw new Error(`product must be one of ${PRODUCTS.join(', ')}`);
    f.product = o.product as Product;
  }
  for (const k of ['durationMs', 'count'] as const) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`${k} must be a non-negative integer`);
    f[k] = v;
  }
  return f;
}

interface Window {
  readonly product: Product | undefined;
  readonly until: number;
}

/** The stall and refuse windows in force, on real time (transport faults outlive a frozen model
 * clock in tests). */
export class WsFaultWindows {
  private stalls: Window[] = [];
  private refusals: Window[] = [];

  constructor(private readonly clock: () => number = () => performance.now()) {}

  add(kind: 'stall' | 'refuse', product: Product | undefined, durationMs: number): void {
    const w = { product, until: this.clock() + durationMs };
    if (kind === 'stall') this.stalls.push(w);
    else this.refusals.push(w);
  }

  stalled(product: Product): boolean {
    return this.active(this.stalls, product);
  }

  refused(product: Product): boolean {
    return this.active(this.refusals, product);
  }

  clear(): void {
    this.stalls = [];
    this.refusals = [];
  }

  private active(list: Window[], product: Product): boolean {
    if (list.length === 0) return false;
    const now = this.clock();
    const live = list.filter((w) => w.until > now);
    if (live.length !== list.length) {
      if (list === this.stalls) this.stalls = live;
      else this.refusals = live;
    }
    return live.some((w) => w.product === undefined || w.product === product);
  }
}
