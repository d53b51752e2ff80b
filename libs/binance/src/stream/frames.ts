// What one inbound text frame of a combined-stream connection is.

export type InboundFrame =
  | { kind: 'data'; stream: string; data: unknown }
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number | null; code: number | undefined; msg: string }
  | { kind: 'serverShutdown' }
  | { kind: 'malformed'; reason: 'json' | 'shape' | 'binary' };

const SHUTDOWN_STREAM = '!serverShutdown';

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export function classifyFrame(text: string): InboundFrame {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { kind: 'malformed', reason: 'json' };
  }
  if (!isRecord(msg)) return { kind: 'malformed', reason: 'shape' };
  if (typeof msg.stream === 'string' && 'data' in msg) {
    // Binance's docs show the event in both shapes: wrapped on combined streams, bare on raw ones.
    if (msg.stream === SHUTDOWN_STREAM) return { kind: 'serverShutdown' };
    return { kind: 'data', stream: msg.stream, data: msg.data };
  }
  if (msg.e === 'serverShutdown') return { kind: 'serverShutdown' };
  if ('error' in msg) {
    const err = isRecord(msg.error) ? msg.error : {};
    return {
      kind: 'error',
      id: typeof msg.id === 'number' ? msg.id : null,
      code: typeof err.code === 'number' ? err.code : undefined,
      msg: typeof err.msg === 'string' ? err.msg : JSON.stringify(msg.error),
    };
  }
  if ('result' in msg && typeof msg.id === 'number') return { kind: 'result', id: msg.id, result: msg.result };
  return { kind: 'malformed', reason: 'shape' };
}
