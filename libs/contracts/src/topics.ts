/**
 * Topic names, their value subjects and which contract each topic carries.
 * Services import these constants; a topic name never appears as a string literal elsewhere.
 */
export const TOPICS = {
  spotTicker: 'market.spot.ticker',
  spotKline: 'market.spot.kline',
  futuresTicker: 'market.futures.ticker',
  optionsChain: 'market.options.chain',
  quantum: 'analytics.quantum',
  psych: 'analytics.psych',
  srona: 'analytics.srona',
  unified: 'unified-market',
  global: 'unified-market.global',
} as const;

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey];

/** Avro record name (and .avsc file name) of each topic's value. */
export const TOPIC_RECORD = {
  'market.spot.ticker': 'SpotTicker',
  'market.spot.kline': 'SpotKline',
  'market.futures.ticker': 'FuturesTicker',
  'market.options.chain': 'OptionsChain',
  'analytics.quantum': 'QuantumScore',
  'analytics.psych': 'PsychState',
  'analytics.srona': 'SronaReport',
  'unified-market': 'UnifiedMarket',
  'unified-market.global': 'GlobalMetrics',
} as const satisfies Record<TopicName, string>;

export type RecordName = (typeof TOPIC_RECORD)[TopicName];

export const ALL_TOPICS: readonly TopicName[] = Object.values(TOPICS);

/**
 * How a topic is retained. Latest-state topics are compacted (a restarting consumer restores the
 * newest record per key quickly) and also deleted by time; kline history is never compacted
 * because every candle of a symbol shares its key.
 */
export const TOPIC_RETENTION: Record<TopicName, { cleanupPolicy: 'compact,delete' | 'delete'; retentionMs: number }> = {
  'market.spot.ticker': { cleanupPolicy: 'compact,delete', retentionMs: 24 * 3600_000 },
  'market.spot.kline': { cleanupPolicy: 'delete', retentionMs: 14 * 24 * 3600_000 },
  'market.futures.ticker': { cleanupPolicy: 'compact,delete', retentionMs: 24 * 3600_000 },
  'market.options.chain': { cleanupPolicy: 'compact,delete', retentionMs: 24 * 3600_000 },
  'analytics.quantum': { cleanupPolicy: 'compact,delete', retentionMs: 24 * 3600_000 },
  'analytics.psych': { cleanupPolicy: 'compact,delete', retentionMs: 24 * 3600_000 },
  'analytics.srona': { cleanupPolicy: 'compact,delete', retentionMs: 24 * 3600_000 },
  'unified-market': { cleanupPolicy: 'compact,delete', retentionMs: 24 * 3600_000 },
  'unified-market.global': { cleanupPolicy: 'compact,delete', retentionMs: 24 * 3600_000 },
};

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
