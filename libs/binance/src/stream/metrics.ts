// Prometheus instruments of the stream clients, created once per registry: several clients (one
// per product and path) share a registry and are told apart by the stream_client label.

import { Counter, Gauge, type Registry } from 'prom-client';

type L = 'stream_client';

export interface StreamMetrics {
  messages: Counter<L>;
  reconnects: Counter<L | 'reason'>;
  handovers: Counter<L | 'reason'>;
  stale: Counter<L>;
  malformed: Counter<L>;
  controlErrors: Counter<L>;
  gaps: Counter<L>;
  /** Gap repairs the captures ran from REST, by product and outcome (StreamFeeds). */
  repairs: Counter<'product' | 'outcome'>;
  connections: Gauge<L>;
  up: Gauge<L>;
  rejectedStreams: Gauge<L>;
  lastMessage: Gauge<L>;
}

const byRegistry = new WeakMap<Registry, StreamMetrics>();

export function streamMetrics(registry: Registry): StreamMetrics {
  const existing = byRegistry.get(registry);
  if (existing !== undefined) return existing;
  const registers = [registry];
  const labelNames: L[] = ['stream_client'];
  const m: StreamMetrics = {
    messages: new Counter({
      name: 'marketpipe_stream_messages_total',
      help: 'Data frames received',
      labelNames,
      registers,
    }),
    reconnects: new Counter({
      name: 'marketpipe_stream_reconnects_total',
      help: 'Connections lost and replaced (drop, close, stale, refused, error, ack_timeout)',
      labelNames: ['stream_client', 'reason'],
      registers,
    }),
    handovers: new Counter({
      name: 'marketpipe_stream_handovers_total',
      help: 'Overlapping replacements of a live connection (lifetime, serverShutdown)',
      labelNames: ['stream_client', 'reason'],
      registers,
    }),
    stale: new Counter({
      name: 'marketpipe_stream_stale_total',
      help: 'Connections declared stale after silence and replaced',
      labelNames,
      registers,
    }),
    malformed: new Counter({
      name: 'marketpipe_stream_malformed_total',
      help: 'Inbound frames that were neither data, an answer nor an event',
      labelNames,
      registers,
    }),
    controlErrors: new Counter({
      name: 'marketpipe_stream_control_errors_total',
      help: 'Error answers to SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS',
      labelNames,
      registers,
    }),
    gaps: new Counter({
      name: 'marketpipe_stream_gaps_total',
      help: 'Connections re-established after a loss (data between may be missing)',
      labelNames,
      registers,
    }),
    repairs: new Counter({
      name: 'marketpipe_stream_gap_repairs_total',
      help: 'REST snapshots taken to fill what a lost stream connection missed',
      labelNames: ['product', 'outcome'],
      registers,
    }),
    connections: new Gauge({
      name: 'marketpipe_stream_connections',
      help: 'Open WebSocket connections',
      labelNames,
      registers,
    }),
    up: new Gauge({
      name: 'marketpipe_stream_up',
      help: '1 while every stream is carried by an open, subscribed connection',
      labelNames,
      registers,
    }),
    rejectedStreams: new Gauge({
      name: 'marketpipe_stream_rejected_streams',
      help: 'Streams the server refused to subscribe (not retried until setStreams drops them)',
      labelNames,
      registers,
    }),
    lastMessage: new Gauge({
      name: 'marketpipe_stream_last_message_timestamp_seconds',
      help: 'When the last data frame arrived',
      labelNames,
      registers,
    }),
  };
  byRegistry.set(registry, m);
  return m;
}

/** One client's children, resolved once: a data frame then costs no label lookup. */
export interface ClientMetrics {
  messages: Counter.Internal;
  stale: Counter.Internal;
  malformed: Counter.Internal;
  controlErrors: Counter.Internal;
  gaps: Counter.Internal;
  connections: Gauge.Internal<L>;
  up: Gauge.Internal<L>;
  rejected: Gauge.Internal<L>;
  lastMessage: Gauge.Internal<L>;
  reconnects(reason: string): void;
  handovers(reason: string): void;
}

export function clientMetrics(m: StreamMetrics, name: string): ClientMetrics {
  const label = { stream_client: name };
  return {
    messages: m.messages.labels(label),
    stale: m.stale.labels(label),
    malformed: m.malformed.labels(label),
    controlErrors: m.controlErrors.labels(label),
    gaps: m.gaps.labels(label),
    connections: m.connections.labels(label),
    up: m.up.labels(label),
    rejected: m.rejectedStreams.labels(label),
    lastMessage: m.lastMessage.labels(label),
    reconnects: (reason) => m.reconnects.inc({ ...label, reason }),
    handovers: (reason) => m.handovers.inc({ ...label, reason }),
  };
}
