import type { Logger } from './logger';

type StopHook = { name: string; stop: () => Promise<void> | void };

/**
 * Ordered shutdown. Hooks run in reverse registration order (the publisher registered after the
 * Kafka client stops first, so it can still flush), each awaited, all within one deadline; stop()
 * is idempotent, and concurrent calls share the one in-flight shutdown.
 */
export class Lifecycle {
  private readonly hooks: StopHook[] = [];
  private stopping: Promise<void> | undefined;
  private readonly controller = new AbortController();

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs = 10_000,
  ) {}

  /** Aborted when shutdown begins: loops and timers of the service listen to it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  onStop(name: string, stop: () => Promise<void> | void): void {
    this.hooks.push({ name, stop });
  }

  stop(reason: string): Promise<void> {
    this.stopping ??= this.run(reason);
    return this.stopping;
  }

  private async run(reason: string): Promise<void> {
    this.logger.info({ reason }, 'stopping');
    this.controller.abort(new Error(`shutdown: ${reason}`));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.deadlineMs);
      timer.unref();
    });
    const hooks = async (): Promise<void> => {
      for (const hook of [...this.hooks].reverse()) {
        try {
          await hook.stop();
        } catch (err) {
          this.logger.error({ err, hook: hook.name }, 'stop hook failed');
        }
      }
    };
    const outcome = await Promise.race([hooks().then(() => 'done' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      throw new Error(`shutdown did not finish within ${this.deadlineMs} ms`);
    }
    this.logger.info('stopped');
  }

  /** SIGTERM/SIGINT stop the service; the process exits 0 after a clean stop, 1 otherwise. */
  installSignalHandlers(exit: (code: number) => void = (code) => process.exit(code)): void {
    const handler = (signal: NodeJS.Signals): void => {
      this.stop(signal).then(
        () => exit(0),
        (err: unknown) => {
          this.logger.error({ err }, 'unclean shutdown');
          exit(1);
        },
      );
    };
    process.once('SIGTERM', handler);
    process.once('SIGINT', handler);
  }
}
