// The two inputs of a stream connection: the upgrade URL (which host path, raw or combined,
// which streams) and the live control messages (SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS,
// SET_PROPERTY, GET_PROPERTY) with the error bodies of Binance's "Error Messages" table.

import { type Product } from '../http/route';
import { type Family } from './streams';

export interface UpgradeTarget {
  readonly family: Family;
  /** /stream (envelope {"stream","data"}) rather than /ws (bare payloads). */
  readonly combined: boolean;
  readonly streams: readonly string[];
}

/** The stream endpoint a URL names, or undefined for a path Binance does not serve (HTTP 404). */
export function parseUpgradeUrl(url: string): UpgradeTarget | undefined {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const m = /^(?:\/(market|public))?\/(ws|stream)(?:\/(.*))?$/.exec(path);
  if (!m) return undefined;
  const family: Family = (m[1] as 'market' | 'public' | undefined) ?? 'root';
  const combined = m[2] === 'stream';
  let names: string[];
  try {
    // Raw: /ws/<a>/<b>; combined: /stream?streams=<a>/<b>.
    const list = combined ? (query.get('streams') ?? '') : decodeURIComponent(m[3] ?? '');
    names = list.split('/').filter((s) => s.length > 0);
  } catch {
    return undefined;
  }
  return { family, combined, streams: [...new Set(names)] };
}

type Id = number | string | null;

export interface ControlTarget {
  readonly product: Product;
  /** Adds streams; an error message (code 2) when one is invalid or the connection would hold too many. */
  subscribe(names: readonly string[]): string | undefined;
  unsubscribe(names: readonly string[]): void;
  list(): string[];
  combined: boolean;
}

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'];
const ID_TEXT = /^[A-Za-z0-9]{1,36}$/;

const error = (code: number, msg: string, id: Id): string => JSON.stringify({ error: { code, msg }, id });
const result = (value: unknown, id: Id): string => JSON.stringify({ result: value, id });

/** The id as Binance accepts it: spot takes a 64-bit integer, an alphanumeric string (max 36) or
 * null; USD-M and options only an unsigned integer. undefined when invalid. */
function requestId(raw: unknown, product: Product): Id | undefined {
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return product === 'spot' || raw >= 0 ? raw : undefined;
  if (product !== 'spot') return undefined;
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'string' && ID_TEXT.test(raw)) return raw;
  return undefined;
}

/** Answers one inbound text message; the reply is always one frame. */
export function handleControl(text: string, target: ControlTarget): string {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return error(3, 'Invalid JSON: expected value at line 1 column 1', null);
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
    return error(2, 'Invalid request: expected a JSON object', null);
  const o = msg as Record<string, unknown>;
  const rawId = o.id;
  const at = `at line 1 column ${text.length}`;
  if (!('method' in o)) return error(2, `Invalid request: missing field \`method\` ${at}`, null);
  if (typeof o.method !== 'string' || !METHODS.includes(o.method))
    return error(
      2,
      `Invalid request: unknown variant \`${String(o.method)}\`, expected one of ${METHODS.map((x) => `\`${x}\``).join(', ')} ${at}`,
      null,
    );
  const id = requestId(rawId, target.product);
  if (id === undefined) return error(2, 'Invalid request: request ID must be an unsigned integer', null);
  for (const k of Object.keys(o))
    if (k !== 'method' && k !== 'params' && k !== 'id') return error(2, 'Invalid request: too many parameters', id);
  const params = o.params;

  switch (o.method) {
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      if (!Array.isArray(params) || !params.every((p): p is string => typeof p === 'string'))
        return error(2, 'Invalid request: invalid stream', id);
      if (o.method === 'UNSUBSCRIBE') {
        target.unsubscribe(params);
        return result(null, id);
      }
      const failure = target.subscribe(params);
      return failure === undefined ? result(null, id) : error(2, failure, id);
    }
    case 'LIST_SUBSCRIPTIONS':
      return result(target.list(), id);
    case 'SET_PROPERTY':
    case 'GET_PROPERTY': {
      const [name, value] = Array.isArray(params) ? (params as unknown[]) : [];
      if (typeof name !== 'string') return error(2, 'Invalid request: property name must be a string', id);
      if (name !== 'combined') return error(0, 'Unknown property', id);
      if (o.method === 'GET_PROPERTY') return result(target.combined, id);
      if (typeof value !== 'boolean') return error(1, 'Invalid value type: expected Boolean', id);
      target.combined = value;
      return result(null, id);
    }
  }
  return error(2, 'Invalid request', id);
}
