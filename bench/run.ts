// `pnpm bench`: every benchmark, each writing reports/bench/<name>.json (run after `pnpm -r build`).
// Run one after another so no bench shares the machine with another one's load.
import { runAnalyticsBench } from './analytics.ts';
import { runMapperBench } from './mappers.ts';
import { runWeightsBench } from './weights.ts';

console.log(`wrote ${runMapperBench()}`);
console.log(`wrote ${runAnalyticsBench()}`);
console.log(`wrote ${await runWeightsBench()}`);
