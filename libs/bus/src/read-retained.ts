import type { TopicName } from '@marketpipe/contracts';
import type { Bus, BusMessage } from './port';

/**
 * Reads what `topics` hold now — every retained record, or those stamped inside each topic's
 * lookback — and resolves once every partition has been read to where it ended when the read
 * began. For start-up questions about a topic's own content (where a series left off), not for
 * following it: the subscription is stopped before this resolves.
 */
export async function readRetained(
  bus: Bus,
  options: {
    groupId: string;
    topics: readonly TopicName[];
    lookbackMs?: Partial<Record<TopicName, number>>;
    handler: (message: BusMessage) => void;
    signal?: AbortSignal;
  },
): Promise<void> {
  let caughtUp: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (caughtUp = resolve));
  const subscription = await bus.subscribe({
    groupId: options.groupId,
    topics: options.topics,
    replay: true,
    ...(options.lookbackMs === undefined ? {} : { lookbackMs: options.lookbackMs }),
    handler: options.handler,
    onCaughtUp: () => caughtUp(),
  });
  const aborted = new Promise<void>((resolve) => {
    if (options.signal?.aborted === true) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  try {
    await Promise.race([done, aborted]);
  } finally {
    await subscription.stop();
  }
}
