// `pnpm bench`: every benchmark, each writing reports/bench/<name>.json (run after `pnpm -r build`).
// Run one after another so no bench shares the machine with another one's load. The Kafka latency
// bench starts infra:up's Kafka and registry when they are not running.
import { runAnalyticsBench } from './analytics.ts';
import { runKafkaLatencyBench } from './kafka-latency.ts';
import { runMapperBench } from './mappers.ts';
import { runWeightsBench } from './weights.ts';

console.log(`wrote ${runMapperBench()}`);
console.log(`wrote ${runAnalyticsBench()}`);
console.log(`wrote ${await runWeightsBench()}`);
console.log(`wrote ${await runKafkaLatencyBench()}`);
