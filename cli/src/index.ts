export { parseCliArgs, USAGE, type Command } from './args';
export { cliEnv } from './env';
export { renderSnapshots, snapshotCommand, SNAPSHOT_CONFIG } from './commands/snapshot';
export { tailCommand, tailLine, tailTarget, type TailTarget } from './commands/tail';
export { renderTopics, topicProblems, topicsCommand } from './commands/topics';
export { renderSubjects, schemasCommand } from './commands/schemas';
export type { Output } from './output';
