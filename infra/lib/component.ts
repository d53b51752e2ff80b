// Shared vocabulary of the three service modules.
export type ComponentName = 'kafka' | 'registry' | 'redis';

/**
 * started: this run launched it. running: a previous infra:up launched it and it still answers.
 * external: something else answers correctly on the port; it is used but never stopped by down.
 */
export type Outcome = 'started' | 'running' | 'external';

export type Log = (message: string) => void;

export function portTakenError(what: string, host: string, port: number, detail: string): Error {
  return new Error(
    `port ${port} on ${host} is taken by something that is not ${what} (${detail}); ` +
      `stop it or choose another port (see infra/README.md for the MARKETPIPE_*_PORT variables)`,
  );
}

export function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)} s`;
}
