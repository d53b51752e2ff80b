import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';

interface ReadinessCheck {
  ready: boolean;
  detail: string;
}

/**
 * Liveness, readiness and Prometheus metrics of one service. `/healthz` answers while the event
 * loop runs; `/readyz` answers 200 only when every named check (Kafka connected, caught up, Redis…)
 * reports ready, and lists them either way so an operator sees which one holds it back.
 */
export class OpsServer {
  readonly metrics: Registry;
  private readonly checks = new Map<string, ReadinessCheck>();
  private server: Server | undefined;

  constructor(service: string) {
    this.metrics = new Registry();
    this.metrics.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.metrics });
  }

  /** Declares a readiness check (initially not ready) or updates it. */
  setReady(name: string, ready: boolean, detail = ''): void {
    this.checks.set(name, { ready, detail });
  }

  isReady(): boolean {
    for (const check of this.checks.values()) if (!check.ready) return false;
    return true;
  }

  readiness(): Record<string, ReadinessCheck> {
    return Object.fromEntries(this.checks);
  }

  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/healthz') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else if (path === '/readyz') {
        const ready = this.isReady();
        res
          .writeHead(ready ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ status: ready ? 'ready' : 'not-ready', checks: this.readiness() }));
      } else if (path === '/metrics') {
        this.metrics.metrics().then(
          (text) => res.writeHead(200, { 'content-type': this.metrics.contentType }).end(text),
          (err: unknown) => res.writeHead(500).end(String(err)),
        );
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
