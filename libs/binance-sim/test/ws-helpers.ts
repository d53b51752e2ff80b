// WebSocket test helpers: a client that queues every text frame, with waits on predicates.

import WebSocket from 'ws';

export interface WsClient {
  readonly ws: WebSocket;
  /** Every text frame received so far, parsed (or the raw text when it is not JSON). */
  readonly frames: unknown[];
  readonly closed: Promise<{ code: number; reason: string }>;
  send(msg: unknown): void;
  /** Later next() calls look only at frames received after this call. */
  mark(): void;
  /** The first frame (received since the last mark(), or to come) matching `pred`. */
  next<T = unknown>(pred?: (f: unknown) => boolean, timeoutMs?: number): Promise<T>;
  /** A control response with this id. */
  reply<T = unknown>(id: number | string | null, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

export function connect(url: string, options: WebSocket.ClientOptions = {}): Promise<WsClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, options);
    const frames: unknown[] = [];
    const waiters: { pred: (f: unknown) => boolean; done: (f: unknown) => void }[] = [];
    let scanned = 0;
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = String(data);
      let f: unknown;
      try {
        f = JSON.parse(text);
      } catch {
        f = text;
      }
      frames.push(f);
      for (const w of [...waiters])
        if (w.pred(f)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.done(f);
        }
    });
    const closed = new Promise<{ code: number; reason: string }>((res) =>
      ws.on('close', (code, reason) => res({ code, reason: String(reason) })),
    );
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () => {
      scanned = 0;
      const client: WsClient = {
        ws,
        frames,
        closed,
        mark: () => {
          scanned = frames.length;
        },
        send: (msg) => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)),
        next: <T>(pred: (f: unknown) => boolean = () => true, timeoutMs = 3000) =>
          new Promise<T>((res, rej) => {
            const hit = frames.slice(scanned).find(pred);
            if (hit !== undefined) return res(hit as T);
            const timer = setTimeout(() => rej(new Error('no matching frame in time')), timeoutMs);
            waiters.push({
              pred,
              done: (f) => {
                clearTimeout(timer);
                res(f as T);
              },
            });
          }),
        reply: <T>(id: number | string | null, timeoutMs?: number) =>
          client.next<T>((f) => isObject(f) && 'id' in f && f.id === id && ('result' in f || 'error' in f), timeoutMs),
        close: async () => {
          if (ws.readyState === ws.CLOSED) return;
          ws.terminate();
          await closed;
        },
      };
      resolve(client);
    });
  });
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The HTTP status an upgrade was refused with. */
export function refusedStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => {
      ws.terminate();
      reject(new Error('upgrade was accepted'));
    });
    ws.once('error', () => undefined);
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Combined-stream frames of one stream. */
export const onStream =
  (name: string) =>
  (f: unknown): boolean =>
    isObject(f) && f.stream === name;

export type Rec = Record<string, unknown>;
