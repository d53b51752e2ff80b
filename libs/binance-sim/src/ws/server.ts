// WebSocket market streams on the simulator's HTTP server: upgrades (with the connection-attempt
// limit and the refuse fault), the stream registry, one timer that renders each subscribed
// stream once per due tick and fans the same bytes out to its subscribers, and the faults.

import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import { type Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { type Product } from '../http/route';
import { quantize } from '../model/time';
import { type WsConfig } from './config';
import { Connection, type ConnectionHost } from './connection';
import { DEFAULT_FAULT_DURATION_MS, type WsFault, WsFaultWindows } from './faults';
import { Frame } from './frame';
import { ConnectionAttempts } from './limits';
import { type Payloads } from './payloads';
import { handleControl, parseUpgradeUrl } from './router';
import { emptyOpen, WsCounters, type WsStats } from './stats';
import { type Family, isArrayPayload, parseStream, type StreamSpec } from './streams';

/** How long after a tick's instant its timer is set, so the model clock has surely moved on. */
const TICK_LAG_MS = 1;
/** How long before a tick (of 1000 ms) its frames are rendered. */
const PRERENDER_LEAD_MS = 250;
/** How far past a tick's instant the model clock is read for its second (see secondAt). */
const BOUNDARY_SLACK_MS = 3;

interface StreamState {
  readonly spec: StreamSpec;
  readonly subscribers: Set<Connection>;
  /** Tick number at which it is next sent. */
  due: number;
  /** Changed-only arrays: each symbol's state as last sent. */
  sent: Map<string, string> | undefined;
  last: Frame | undefined;
  /** Model second of the last frames sent, so a kline stream knows when its candle changed. */
  pushedAt: number | undefined;
}

export class WsServer implements ConnectionHost {
  readonly counters = new WsCounters();
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly windows = new WsFaultWindows();
  private readonly attempts: ConnectionAttempts;
  private readonly connections = new Set<Connection>();
  private readonly streams = new Map<string, StreamState>();
  private timer: NodeJS.Timeout | undefined;
  private prerenderTimer: NodeJS.Timeout | undefined;
  /** Frames rendered ahead for the next tick. */
  private prepared: Map<StreamState, Frame[]> | undefined;
  private closed = false;
  private tickNo = 0;

  constructor(
    readonly config: WsConfig,
    private readonly payloads: Payloads,
    private readonly now: () => number,
  ) {
    this.attempts = new ConnectionAttempts(config.connectionAttempts.limit, config.connectionAttempts.windowMs);
    this.schedule();
  }

  /**
   * Ticks fall just after each multiple of tickMs of the wall clock, so with the default 1000 ms a
   * frame leaves as its second begins (as Binance pushes an update when it happens), not at a
   * random phase that would add up to a second to every event-time latency. The wall clock, not
   * the model's: an injected test clock may stand still.
   *
   * At the default 1000 ms the frames are rendered PRERENDER_LEAD_MS ahead (the model is a function
   * of time) and the tick only sends them: at the full universe rendering takes tens of ms, which
   * Binance spends on its own machines, not on the one the captures run on, so it must not sit
   * between an update's second and its frame.
   */
  private schedule(): void {
    if (this.closed) return;
    const now = Date.now();
    const due = now - (now % this.config.tickMs) + this.config.tickMs;
    if (this.config.tickMs >= 1000 && due - now > PRERENDER_LEAD_MS) {
      this.prerenderTimer = setTimeout(
        () => {
          this.prepared = this.prepare(this.tickNo + 1, this.secondAt(due));
        },
        due - now - PRERENDER_LEAD_MS,
      );
      this.prerenderTimer.unref();
    }
    this.timer = setTimeout(
      () => {
        this.tick(due);
        this.schedule();
      },
      due - now + TICK_LAG_MS,
    );
    this.timer.unref();
  }

  /**
   * The model second at wall-clock instant `due`, a tick's instant (the model clock may be
   * injected), whether read ahead of it (pre-rendering) or from a timer that fired a little early.
   * The two clocks are read one after the other, so the sum can land a ms short of the boundary:
   * read a few ms after it, or the tick would send the ending second again and skip the new one
   * (seen once a minute or so before this slack).
   */
  private secondAt(due: number): number {
    return quantize(this.now() + Math.max(0, due - Date.now()) + BOUNDARY_SLACK_MS);
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  modelTime(): number {
    return quantize(this.now());
  }

  stalled(product: Product): boolean {
    return this.windows.stalled(product);
  }

  // ---- upgrades

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = parseUpgradeUrl(req.url ?? '/');
    if (!target) return this.refuse(socket, 404, 'notFound', '');
    const ip = req.socket.remoteAddress ?? 'unknown';
    if (!this.attempts.attempt(ip))
      return this.refuse(
        socket,
        429,
        'rateLimit',
        `Too many connection attempts; current limit is ${this.config.connectionAttempts.limit} per ${this.config.connectionAttempts.windowMs / 1000} s.`,
      );
    const specs = target.streams.map((n) => parseStream(target.family, n, this.config.openInterestTicks));
    const first = specs.find((s) => s !== undefined);
    const product: Product = target.family === 'root' ? 'spot' : (first?.product ?? 'futures');
    if (this.windows.refused(product)) {
      return this.refuse(socket, 503, 'fault', 'Service Unavailable.');
    }
    // Unknown names in the URL are dropped: the connection opens and nothing flows for them.
    const valid = specs.filter((s): s is StreamSpec => s !== undefined);
    const max = this.config.products[product].maxStreams;
    if (valid.length > max)
      return this.refuse(socket, 400, 'badRequest', `Too many streams; current limit is ${max} per connection.`);
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, target.family, target.combined, product, valid));
  }

  private refuse(socket: Duplex, status: number, reason: string, body: string): void {
    this.counters.refuse(reason);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  private accept(ws: WebSocket, family: Family, combined: boolean, product: Product, specs: StreamSpec[]): void {
    const conn = new Connection(ws, family, combined, product, this);
    this.connections.add(conn);
    this.counters.accepted++;
    for (const s of specs) this.join(conn, s);
    ws.on('message', (data, isBinary) => {
      if (!conn.inbound()) return;
      const reply = handleControl(isBinary ? '' : String(data), {
        get product() {
          return conn.product;
        },
        subscribe: (names) => this.subscribe(conn, names),
        unsubscribe: (names) => {
          for (const n of names) this.leave(conn, n);
        },
        list: () => [...conn.streams],
        get combined() {
          return conn.combined;
        },
        set combined(v: boolean) {
          conn.combined = v;
        },
      });
      conn.send(reply);
    });
    ws.on('ping', () => conn.inbound());
    ws.on('pong', (data) => {
      if (conn.inbound()) conn.pong(data);
    });
    ws.on('error', () => {
      conn.closeReason ??= 'error';
    });
    ws.on('close', () => {
      this.counters.close(conn.closeReason ?? 'client');
      conn.dispose();
      for (const n of [...conn.streams]) this.leave(conn, n);
      this.connections.delete(conn);
    });
  }

  // ---- subscriptions

  private subscribe(conn: Connection, names: readonly string[]): string | undefined {
    const specs: StreamSpec[] = [];
    for (const n of names) {
      const s = parseStream(conn.family, n, this.config.openInterestTicks);
      if (!s) return 'Invalid request: invalid stream';
      specs.push(s);
    }
    if (conn.streams.size === 0 && conn.family !== 'root' && specs[0]) conn.classify(specs[0].product);
    const added = new Set(specs.map((s) => s.name).filter((n) => !conn.streams.has(n))).size;
    const max = this.config.products[conn.product].maxStreams;
    if (conn.streams.size + added > max)
      return `Invalid request: too many streams; current limit is ${max} streams per connection`;
    for (const s of specs) this.join(conn, s);
    return undefined;
  }

  /** A stream served on another path (e.g. optionTicker on /market) is held and listed but
   * silent, as Binance's retired root URLs were. */
  private join(conn: Connection, spec: StreamSpec): void {
    if (conn.streams.has(spec.name)) return;
    conn.streams.add(spec.name);
    if (spec.family !== conn.family) return;
    let st = this.streams.get(spec.name);
    if (!st) {
      st = {
        spec,
        subscribers: new Set(),
        due: this.tickNo + 1,
        sent: undefined,
        last: undefined,
        pushedAt: undefined,
      };
      this.streams.set(spec.name, st);
    }
    st.subscribers.add(conn);
  }

  private leave(conn: Connection, name: string): void {
    conn.streams.delete(name);
    const st = this.streams.get(name);
    if (!st) return;
    st.subscribers.delete(conn);
    if (st.subscribers.size === 0) this.streams.delete(name);
  }

  // ---- the timer

  private tick(due: number): void {
    this.tickNo++;
    const t = this.secondAt(due);
    const prepared = this.prepared;
    this.prepared = undefined;
    // Streams that came due since the frames were prepared (a new subscription) render now.
    const late = this.prepare(this.tickNo, t);
    for (const [st, frames] of [...(prepared ?? []), ...late]) {
      const last = frames[frames.length - 1];
      if (!last) continue;
      st.last = last;
      for (const c of st.subscribers) for (const f of frames) c.sendFrame(f);
    }
  }

  /** Renders every stream due at tick `tickNo` for model second t, and books it as pushed. */
  private prepare(tickNo: number, t: number): Map<StreamState, Frame[]> {
    const out = new Map<StreamState, Frame[]>();
    for (const st of this.streams.values()) {
      if (tickNo < st.due) continue;
      st.due = tickNo + st.spec.cadence;
      try {
        const frames = this.render(st, t, true, st.pushedAt);
        if (frames.length === 0) continue;
        st.pushedAt = t;
        out.set(st, frames);
      } catch (e) {
        console.error(`binance-sim: stream ${st.spec.name} failed`, e);
      }
    }
    return out;
  }

  /** The frames of one push, in order; none when there is nothing to send. */
  private render(st: StreamState, t: number, changedOnly: boolean, since?: number): Frame[] {
    const p = this.payloads.build(st.spec.kind, t, since);
    if (!p) return [];
    if ('one' in p) return [new Frame(st.spec.name, p.one)];
    if ('sequence' in p) return p.sequence.map((payload) => new Frame(st.spec.name, payload));
    let items = p.many;
    if (changedOnly && st.spec.changedOnly) {
      const sent = (st.sent ??= new Map());
      items = items.filter((i) => sent.get(i.symbol) !== i.key);
      for (const i of items) sent.set(i.symbol, i.key);
    }
    if (items.length === 0) return [];
    return [new Frame(st.spec.name, '[' + items.map((i) => i.json).join(',') + ']')];
  }

  // ---- faults

  fault(f: WsFault): void {
    this.counters.fault(f.kind);
    if (f.kind === 'stall' || f.kind === 'refuse') {
      this.windows.add(f.kind, f.product, f.durationMs ?? DEFAULT_FAULT_DURATION_MS);
      return;
    }
    const targets = [...this.connections].filter((c) => f.product === undefined || c.product === f.product);
    const t = this.modelTime();
    for (const c of targets) {
      switch (f.kind) {
        case 'drop':
          c.terminate('drop');
          break;
        case 'shutdown':
          c.shutdown('shutdown');
          break;
        case 'malformed':
          for (let i = 0; i < (f.count ?? 1); i++) for (const frame of this.malformed(c, t)) c.send(frame);
          break;
        case 'burst':
          for (const name of c.streams) {
            const st = this.streams.get(name);
            if (!st || !st.subscribers.has(c)) continue;
            const frame = st.last ?? this.render(st, t, false).pop();
            if (frame) for (let i = 0; i < (f.count ?? 10); i++) c.sendFrame(frame);
          }
          break;
      }
    }
  }

  /** Cut JSON, then a well-formed frame whose payload lacks every key but e and E. */
  private malformed(c: Connection, t: number): string[] {
    const name = c.streams.values().next().value ?? (c.family === 'root' ? 'btcusdt@ticker' : '!ticker@arr');
    const spec = parseStream(c.family, name, this.config.openInterestTicks);
    const event = `{"e":"${spec?.event ?? '24hrTicker'}","E":${t}}`;
    const payload = spec && isArrayPayload(spec.kind) ? `[${event}]` : event;
    const whole = c.combined ? `{"stream":${JSON.stringify(name)},"data":${payload}}` : payload;
    return [whole.slice(0, Math.max(1, Math.floor(whole.length / 2))), whole];
  }

  clearFaults(): void {
    this.windows.clear();
  }

  stats(): WsStats {
    const open = emptyOpen();
    let subscriptions = 0;
    for (const c of this.connections) {
      open[c.product]++;
      subscriptions += c.streams.size;
    }
    return this.counters.snapshot(open, subscriptions);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.prerenderTimer);
    for (const c of this.connections) c.terminate('serverClose');
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
