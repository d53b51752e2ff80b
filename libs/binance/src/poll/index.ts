export { budgetedIntervalMs } from './cadence';
export { Poller, type PollerOptions } from './poller';
