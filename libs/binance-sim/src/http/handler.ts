// One request through the simulator: route → faults → rate limit → model or replay → body faults.

import { type IncomingMessage, type ServerResponse } from 'node:http';
import { quantize } from '../model/time';
import { handleAdmin, type AdminDeps } from './admin';
import { ApiError } from './errors';
import { type ActiveFault, type Faults, malform, statusBody, wrongTypes } from './faults';
import { rateLimitBodies, type RateLimiter } from './limits';
import { Params } from './params';
import { type Replay } from './replay';
import { type Route } from './route';
import { type Stats } from './stats';

export interface HandlerDeps extends AdminDeps {
  readonly routes: ReadonlyMap<string, Route>;
  readonly limiter: RateLimiter;
  readonly faults: Faults;
  readonly stats: Stats;
  readonly replay: Replay | undefined;
  readonly now: () => number;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const HTML_TYPE = 'text/html';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function createHandler(deps: HandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      console.error('binance-sim: request failed', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': JSON_TYPE });
      res.end(JSON.stringify({ code: -1000, msg: 'An unknown error occurred while processing the request.' }));
    });
  };
}

async function handle(deps: HandlerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const search = q < 0 ? '' : url.slice(q + 1);
  if (path.startsWith('/__sim/')) return handleAdmin(deps, req, res, path);

  const route = deps.routes.get(path);
  if (!route) {
    deps.stats.record(undefined, path, 404);
    res.writeHead(404, { 'content-type': HTML_TYPE, 'content-length': 0 }).end();
    return;
  }
  const { product } = route;
  if (req.method !== 'GET') {
    deps.stats.record(product, path, 405);
    res.writeHead(405, { 'content-type': HTML_TYPE, 'content-length': 0 }).end();
    return;
  }

  const latency = deps.faults.latency(product, path);
  if (latency > 0) {
    deps.stats.fault('latency');
    await sleep(latency);
  }
  const replace = deps.faults.response(product, path);
  if (replace) return respondWithFault(deps, req, res, route, replace);

  const ip = req.socket.remoteAddress ?? 'unknown';
  let params: Params;
  try {
    params = Params.parse(search);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    // A parameter sent twice: answered -1101, charged the smallest weight.
    const verdict = deps.limiter.charge(product, ip, 1, route.cap === 'fundingRate');
    return send(deps, res, route, e.status, weightHeaders(route, verdict.used), e.body());
  }
  const verdict = deps.limiter.charge(product, ip, route.weight(params), route.cap === 'fundingRate');
  const headers = weightHeaders(route, verdict.used);
  if (verdict.kind !== 'ok') {
    headers['retry-after'] = String(verdict.retryAfter);
    return send(deps, res, route, verdict.kind === 'limited' ? 429 : 418, headers, verdict.body);
  }

  const now = deps.now();
  const micros = product === 'spot' && String(req.headers['x-mbx-time-unit'] ?? '').toUpperCase() === 'MICROSECOND';
  let status = 200;
  let body: string | Buffer;
  try {
    if (deps.replay) {
      const recorded = deps.replay.lookup(product, path, params);
      if (!recorded) {
        deps.stats.record(product, path, 404);
        res
          .writeHead(404, { ...headers, 'content-type': 'text/plain' })
          .end(`binance-sim: no recorded response for ${url}\n`);
        return;
      }
      body = recorded;
    } else {
      body = route.handle({ params, now, t: quantize(now), micros });
    }
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    status = e.status;
    body = e.body();
  }

  const broken = deps.faults.body(product, path);
  if (broken) {
    deps.stats.fault(broken.kind);
    const text = body.toString();
    if (broken.kind === 'malformed') body = malform(text);
    else if (broken.kind === 'wrongTypes') body = wrongTypes(text, broken);
    else {
      // truncate: promise the whole body, deliver part of it, close.
      const bytes = Buffer.from(body);
      const part = bytes.subarray(0, Math.floor(bytes.length * (broken.ratio ?? 0.5)));
      deps.stats.record(product, path, status);
      res.writeHead(status, { ...headers, 'content-type': JSON_TYPE, 'content-length': bytes.length });
      res.write(part, () => res.destroy());
      return;
    }
  }
  send(deps, res, route, status, headers, body);
}

function weightHeaders(route: Route, used: number): Record<string, string> {
  const h: Record<string, string> = { 'x-mbx-used-weight-1m': String(used) };
  if (route.product === 'spot') h['x-mbx-used-weight'] = String(used);
  return h;
}

function send(
  deps: HandlerDeps,
  res: ServerResponse,
  route: Route,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  deps.stats.record(route.product, route.path, status);
  res.writeHead(status, { ...headers, 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body) }).end(body);
}

function respondWithFault(
  deps: HandlerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  route: Route,
  f: ActiveFault,
): void {
  deps.stats.fault(f.kind);
  switch (f.kind) {
    case 'hang':
      // Never answer; the connection stays open until the client gives up or the server closes.
      deps.stats.record(route.product, route.path, 'hang');
      return;
    case 'reset':
      deps.stats.record(route.product, route.path, 'reset');
      req.socket.resetAndDestroy();
      return;
    case 'storm429': {
      const ip = req.socket.remoteAddress ?? 'unknown';
      const used = deps.limiter.used(route.product, ip);
      const body = rateLimitBodies(route.product).weight(deps.limiter.config[route.product]);
      const headers = { ...weightHeaders(route, used), 'retry-after': String(f.retryAfterSec ?? 60) };
      return send(deps, res, route, 429, headers, body);
    }
    default: {
      const status = f.status ?? (f.kind === 'html' ? 502 : 503);
      const std = statusBody(status);
      const html = f.kind === 'html' || std.type === 'html';
      const body =
        f.body ??
        (html && std.type !== 'html' ? statusBody(502).body.replace('502 ERROR', `${status} ERROR`) : std.body);
      deps.stats.record(route.product, route.path, status);
      res
        .writeHead(status, { 'content-type': html ? HTML_TYPE : JSON_TYPE, 'content-length': Buffer.byteLength(body) })
        .end(body);
    }
  }
}
