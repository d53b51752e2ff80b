import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MemorySnapshotStore } from '@marketpipe/consolidator';
import type { Registry } from 'prom-client';

/**
 * The embedded mode's read API, the in-process twin of the Redis keys: GET /snapshot/:symbol
 * (= GET <prefix>unified:<SYMBOL>), GET /snapshot (all symbols), GET /global, plus /healthz and
 * /metrics.
 */
export async function serveSnapshots(
  store: MemorySnapshotStore,
  metrics: Registry,
  port: number,
  host: string,
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, { error: 'GET only' });
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/snapshot') return json(200, Object.fromEntries(store.unified));
    if (path === '/global')
      return store.global === null ? json(404, { error: 'no global metrics yet' }) : json(200, store.global);
    const m = /^\/snapshot\/([A-Za-z0-9_-]{1,30})$/.exec(path);
    if (m !== null) {
      const u = store.unified.get((m[1] as string).toUpperCase());
      return u === undefined ? json(404, { error: `no snapshot for ${m[1] as string}` }) : json(200, u);
    }
    if (path === '/metrics') {
      metrics.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        (err: unknown) => json(500, { error: String(err) }),
      );
      return undefined;
    }
    return json(404, { error: 'not found: try /snapshot, /snapshot/BTCUSDT, /global' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

export function serverUrl(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}
