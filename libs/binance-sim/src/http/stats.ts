// Request counters, so tests can assert how many requests a client made and how they were answered.

export interface PathStats {
  count: number;
  byStatus: Record<string, number>;
}

export interface SimStats {
  total: number;
  /** Keys are HTTP statuses, or "hang" / "reset" for answers that never came. */
  byStatus: Record<string, number>;
  byPath: Record<string, PathStats>;
  byProduct: Record<string, number>;
  /** How often each fault kind was applied. */
  faults: Record<string, number>;
}

export class Stats {
  private data: SimStats = Stats.empty();

  private static empty(): SimStats {
    return { total: 0, byStatus: {}, byPath: {}, byProduct: {}, faults: {} };
  }

  record(product: string | undefined, path: string, status: number | string): void {
    const d = this.data;
    const key = String(status);
    d.total++;
    d.byStatus[key] = (d.byStatus[key] ?? 0) + 1;
    const p = (d.byPath[path] ??= { count: 0, byStatus: {} });
    p.count++;
    p.byStatus[key] = (p.byStatus[key] ?? 0) + 1;
    if (product !== undefined) d.byProduct[product] = (d.byProduct[product] ?? 0) + 1;
  }

  fault(kind: string): void {
    this.data.faults[kind] = (this.data.faults[kind] ?? 0) + 1;
  }

  /** A deep copy: later requests do not change it. */
  snapshot(): SimStats {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = Stats.empty();
  }
}
