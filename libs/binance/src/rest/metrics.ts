import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus instruments of the Binance clients, created once per registry (several clients share them). */
export interface BinanceMetrics {
  requests: Counter<'product' | 'endpoint' | 'outcome'>;
  duration: Histogram<'product' | 'endpoint'>;
  retries: Counter<'product' | 'endpoint'>;
  weightUsed: Gauge<'product'>;
  weightLimit: Gauge<'product'>;
  banned: Gauge<'product'>;
  breakerState: Gauge<'product' | 'family'>;
  breakerTransitions: Counter<'product' | 'family' | 'to'>;
  rejected: Counter<'product' | 'endpoint'>;
  /** Each product's budget, read at every scrape by the weight-used gauge. */
  budgets: Map<string, { snapshot(): { used: number } }>;
}

const byRegistry = new WeakMap<Registry, BinanceMetrics>();

export function binanceMetrics(registry: Registry): BinanceMetrics {
  const existing = byRegistry.get(registry);
  if (existing !== undefined) return existing;
  const registers = [registry];
  const budgets = new Map<string, { snapshot(): { used: number } }>();
  const metrics: BinanceMetrics = {
    budgets,
    requests: new Counter({
      name: 'marketpipe_binance_requests_total',
      help: 'Binance REST requests by outcome (ok, http_<status>, timeout, connection, body, breaker_open, banned)',
      labelNames: ['product', 'endpoint', 'outcome'],
      registers,
    }),
    duration: new Histogram({
      name: 'marketpipe_binance_request_duration_seconds',
      help: 'Binance REST request latency, successful requests',
      labelNames: ['product', 'endpoint'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    retries: new Counter({
      name: 'marketpipe_binance_retries_total',
      help: 'Retried Binance GETs',
      labelNames: ['product', 'endpoint'],
      registers,
    }),
    weightUsed: new Gauge({
      name: 'marketpipe_binance_weight_used',
      help: 'REQUEST_WEIGHT used in the current window (ours, raised to the server header)',
      labelNames: ['product'],
      registers,
      // Read at scrape time: set after each request, it kept the last minute's count through a
      // minute without requests (streams carrying the data), reading as weight spent now.
      collect() {
        for (const [product, budget] of budgets) this.set({ product }, budget.snapshot().used);
      },
    }),
    weightLimit: new Gauge({
      name: 'marketpipe_binance_weight_limit',
      help: 'REQUEST_WEIGHT limit per window from exchangeInfo',
      labelNames: ['product'],
      registers,
    }),
    banned: new Gauge({
      name: 'marketpipe_binance_banned',
      help: '1 while the product is under an IP ban (418)',
      labelNames: ['product'],
      registers,
    }),
    breakerState: new Gauge({
      name: 'marketpipe_binance_breaker_state',
      // A half-open breaker that no call probes for a reset period is closed (client.ts, breaker()),
      // so 1 means a probe is due or under way, not a family nobody polls any more.
      help: 'Circuit breaker state per endpoint family: 0 closed, 1 half-open, 2 open',
      labelNames: ['product', 'family'],
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'marketpipe_binance_breaker_transitions_total',
      help: 'Circuit breaker state changes',
      labelNames: ['product', 'family', 'to'],
      registers,
    }),
    rejected: new Counter({
      name: 'marketpipe_binance_payload_rejected_total',
      help: 'Response elements rejected by validation (never published)',
      labelNames: ['product', 'endpoint'],
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
