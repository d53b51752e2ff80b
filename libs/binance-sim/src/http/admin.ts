// The admin API under /__sim/ (a path Binance does not use): stats, faults, rate-limit reset, and
// the WebSocket side's faults and stats under /__sim/ws/.

import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Faults, parseFaultRule } from './faults';
import { type RateLimiter } from './limits';
import { type Stats } from './stats';
import { parseWsFault, type WsFault } from '../ws/faults';
import { type WsStats } from '../ws/stats';

/** The WebSocket side's run-time controls. */
export interface WsAdmin {
  fault(f: WsFault): void;
  clearFaults(): void;
  stats(): WsStats;
}

export interface AdminDeps {
  readonly faults: Faults;
  readonly limiter: RateLimiter;
  readonly stats: Stats;
  readonly info: () => object;
  readonly ws: WsAdmin;
}

const MAX_BODY = 1 << 20;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

export async function handleAdmin(
  deps: AdminDeps,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  try {
    if (route === 'GET /__sim/stats') return json(res, 200, deps.stats.snapshot());
    if (route === 'DELETE /__sim/stats') {
      deps.stats.reset();
      return void res.writeHead(204).end();
    }
    if (route === 'GET /__sim/faults') return json(res, 200, deps.faults.list());
    if (route === 'POST /__sim/faults') {
      const parsed = JSON.parse(await readBody(req)) as unknown;
      const list = Array.isArray(parsed)
        ? parsed
        : typeof parsed === 'object' && parsed !== null && 'rules' in parsed
          ? (parsed as { rules: unknown }).rules
          : [parsed];
      if (!Array.isArray(list)) throw new Error('rules must be an array');
      const rules = list.map(parseFaultRule);
      return json(res, 201, { ids: rules.map((r) => deps.faults.add(r)) });
    }
    if (route === 'DELETE /__sim/faults') {
      deps.faults.clear();
      return void res.writeHead(204).end();
    }
    if (req.method === 'DELETE' && path.startsWith('/__sim/faults/')) {
      const removed = deps.faults.remove(path.slice('/__sim/faults/'.length));
      return void res.writeHead(removed ? 204 : 404).end();
    }
    if (route === 'POST /__sim/limits/reset') {
      deps.limiter.reset();
      return void res.writeHead(204).end();
    }
    if (route === 'POST /__sim/limits/weight') {
      // Another client on the caller's IP (or `ip`) spent `weight`: see RateLimiter.addWeight.
      const body = JSON.parse(await readBody(req)) as { product?: unknown; weight?: unknown; ip?: unknown };
      if (body.product !== 'spot' && body.product !== 'futures' && body.product !== 'options')
        throw new Error('product must be spot, futures or options');
      const ip = typeof body.ip === 'string' ? body.ip : (req.socket.remoteAddress ?? 'unknown');
      const used = deps.limiter.addWeight(body.product, ip, Number(body.weight));
      return json(res, 200, { product: body.product, ip, used });
    }
    if (route === 'GET /__sim/info') return json(res, 200, deps.info());
    if (route === 'POST /__sim/ws/faults') {
      const parsed = JSON.parse(await readBody(req)) as unknown;
      const list = (Array.isArray(parsed) ? parsed : [parsed]).map(parseWsFault);
      for (const f of list) deps.ws.fault(f);
      return json(res, 201, { applied: list });
    }
    if (route === 'DELETE /__sim/ws/faults') {
      deps.ws.clearFaults();
      return void res.writeHead(204).end();
    }
    if (route === 'GET /__sim/ws/stats') return json(res, 200, deps.ws.stats());
    json(res, 404, { error: `unknown admin endpoint ${route}` });
  } catch (e) {
    json(res, 400, { error: e instanceof Error ? e.message : String(e) });
  }
}
