export { parseStartArgs, USAGE, type StartArgs } from './args';
export { serveSnapshots } from './http';
export { startEmbedded, type Embedded } from './start';
