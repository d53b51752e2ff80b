// `pnpm bench`: every benchmark, each writing reports/bench/<name>.json (run after `pnpm -r build`).
import { runMapperBench } from './mappers.ts';

console.log(`wrote ${runMapperBench()}`);
