/**
 * Topic names, their value subjects and which contract each topic carries.
 * Services import these constants; a topic name never appears as a string literal elsewhere.
 */
export const TOPICS = {
  spotTicker: 'market.spot.ticker',
  spotKline: 'market.spot.kline',
  spotKlineLong: 'market.spot.kline.long',
  futuresTicker: 'market.futures.ticker',
  optionsChain: 'market.options.chain',
  quantum: 'analytics.quantum',
  psych: 'analytics.psych',
  srona: 'analytics.srona',
  unified: 'unified-market',
  global: 'unified-market.global',
  psychState: 'state.psych',
  gaps: 'market.gaps',
} as const;

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey];

/** Avro record name (and .avsc file name) of each topic's value. */
export const TOPIC_RECORD = {
  'market.spot.ticker': 'SpotTicker',
  'market.spot.kline': 'SpotKline',
  'market.spot.kline.long': 'SpotKline',
  'market.futures.ticker': 'FuturesTicker',
  'market.options.chain': 'OptionsChain',
  'analytics.quantum': 'QuantumScore',
  'analytics.psych': 'PsychState',
  'analytics.srona': 'SronaReport',
  'unified-market': 'UnifiedMarket',
  'unified-market.global': 'GlobalMetrics',
  'state.psych': 'StateCheckpoint',
  'market.gaps': 'DataGap',
} as const satisfies Record<TopicName, string>;

export type RecordName = (typeof TOPIC_RECORD)[TopicName];

export const ALL_TOPICS: readonly TopicName[] = Object.values(TOPICS);

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** How a topic is kept on the broker. */
export interface TopicPolicy {
  cleanupPolicy: 'compact,delete' | 'delete';
  retentionMs: number;
  /**
   * Broker topic configs beyond cleanup.policy and retention.ms. Each is set explicitly because
   * Kafka's defaults defeat the policy: with segment.ms at 7 days and segment.bytes at 1 GiB, a
   * day of latest-state records sits in one active segment, which the cleaner never touches.
   */
  configs: Readonly<Record<string, string>>;
}

/**
 * Latest-state topics (tickers, chains, analytics, unified-market): compacted so that a consumer
 * reading a partition from the start gets about one record per key plus a bounded dirty tail, and
 * deleted by time so a key that went quiet a day ago disappears.
 * - segment.ms 60 s: only closed segments are cleaned, so the active segment bounds the tail.
 * - min.cleanable.dirty.ratio 0.1: a latest-state log is almost all dirty (hundreds of keys
 *   rewritten every second), so cleaning starts as soon as a segment closes.
 * - min.compaction.lag.ms 0: no consumer needs superseded records (psych restores its windows
 *   from its own checkpoint topic, not from ticker history).
 * - max.compaction.lag.ms 5 min: a closed segment is cleaned within 5 minutes even when the dirty
 *   ratio of a quiet topic stays under 0.1.
 * - segment.bytes 64 MiB: a burst rolls the segment before segment.ms does.
 */
function latestState(retentionMs: number): TopicPolicy {
  return {
    cleanupPolicy: 'compact,delete',
    retentionMs,
    configs: {
      'segment.ms': String(60_000),
      'segment.bytes': String(64 * 1024 * 1024),
      'min.cleanable.dirty.ratio': '0.1',
      'min.compaction.lag.ms': '0',
      'max.compaction.lag.ms': String(5 * 60_000),
    },
  };
}

/**
 * History topics are never compacted (every candle of a series shares its key) and are deleted by
 * time; a segment covers a twentieth of the retention so disk use overshoots it by about 5 %
 * (a segment goes only when its newest record is past retention).
 */
function history(retentionMs: number): TopicPolicy {
  return {
    cleanupPolicy: 'delete',
    retentionMs,
    configs: {
      'segment.ms': String(Math.round(retentionMs / 20)),
      'segment.bytes': String(256 * 1024 * 1024),
    },
  };
}

export const TOPIC_POLICY: Record<TopicName, TopicPolicy> = {
  'market.spot.ticker': latestState(DAY),
  // Candles under an hour: psych reads the last hour of 1m candles, capture-spot resumes each
  // series from its last candle and backfills a day; two days cover both with room.
  'market.spot.kline': history(2 * DAY),
  // Hourly and longer: SRONA's 30 days of 1h candles (SRONA_HISTORY_DAYS) with two weeks to spare.
  'market.spot.kline.long': history(45 * DAY),
  'market.futures.ticker': latestState(DAY),
  'market.options.chain': latestState(DAY),
  'analytics.quantum': latestState(DAY),
  'analytics.psych': latestState(DAY),
  'analytics.srona': latestState(DAY),
  'unified-market': latestState(DAY),
  'unified-market.global': latestState(DAY),
  // A checkpoint older than the state's own horizon restores nothing, but a day keeps a stage that
  // was stopped overnight from starting on empty windows with nothing to tell it so.
  'state.psych': latestState(DAY),
  // One record per gap id (its final state wins under compaction); a week lets an operator or a
  // backtest ask what was missing last week, and the consolidator reads only CONSOLIDATOR_GAP_MARK_MS.
  'market.gaps': latestState(7 * DAY),
};

/** Dead-letter topics: kept two weeks for an operator to inspect and replay. */
export const DLQ_POLICY: TopicPolicy = history(14 * DAY);

/** Every broker config a topic of `policy` must carry, cleanup.policy and retention.ms included. */
export function topicConfigEntries(policy: TopicPolicy): { name: string; value: string }[] {
  return [
    { name: 'cleanup.policy', value: policy.cleanupPolicy },
    { name: 'retention.ms', value: String(policy.retentionMs) },
    ...Object.entries(policy.configs).map(([name, value]) => ({ name, value })),
  ];
}

/** Candles of this length or longer go to market.spot.kline.long. */
const LONG_KLINE_MS = HOUR;

/**
 * The topic of a kline interval's candles: under an hour on market.spot.kline, an hour and longer
 * on market.spot.kline.long, each kept as long as its consumers reach back (TOPIC_POLICY), so a
 * reader of 30 days of 1h candles does not scan 30 days of 1m candles.
 */
export function klineTopic(intervalMs: number): typeof TOPICS.spotKline | typeof TOPICS.spotKlineLong {
  return intervalMs >= LONG_KLINE_MS ? TOPICS.spotKlineLong : TOPICS.spotKline;
}

/** Confluent TopicNameStrategy: the value schema of topic T lives under subject `T-value`. */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

/** Where a consumer parks records of `topic` it cannot decode or validate. */
export function dlqTopic(topic: string): string {
  return `${topic}.dlq`;
}

export function isTopicName(name: string): name is TopicName {
  return Object.hasOwn(TOPIC_RECORD, name);
}
