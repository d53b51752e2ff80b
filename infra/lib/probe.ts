// Dependency-free health checks that speak each service's real protocol, so an unrelated
// program squatting on a port is told apart from a working service.
import { request as httpRequest } from 'node:http';
import { Socket } from 'node:net';

/** closed: nothing listens; wrong: something listens but does not answer like the service. */
export type Probe<T> = { state: 'ok'; value: T } | { state: 'closed' } | { state: 'wrong'; detail: string };

export interface KafkaBroker {
  nodeId: number;
  host: string;
  port: number;
}

const DEFAULT_TIMEOUT_MS = 2000;

/**
 * Sends `payload` and resolves with the bytes received once `complete` says the reply is whole.
 * ECONNREFUSED is the only error that means "free port"; anything else is a squatter or a hang.
 */
function exchange(
  host: string,
  port: number,
  payload: Buffer,
  complete: (received: Buffer) => boolean,
  timeoutMs: number,
): Promise<Probe<Buffer>> {
  return new Promise((resolvePromise) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (result: Probe<Buffer>): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolvePromise(result);
    };
    socket.setTimeout(timeoutMs, () => finish({ state: 'wrong', detail: `no complete reply within ${timeoutMs} ms` }));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      finish(err.code === 'ECONNREFUSED' ? { state: 'closed' } : { state: 'wrong', detail: err.message }),
    );
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (complete(received)) finish({ state: 'ok', value: received });
    });
    socket.on('close', () => finish({ state: 'wrong', detail: `connection closed after ${received.length} bytes` }));
    socket.connect(port, host, () => {
      socket.write(payload);
    });
  });
}

/** True when something accepts TCP connections on the port (used for the controller port). */
export function isListening(host: string, port: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = new Socket();
    const done = (open: boolean): void => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(true));
    socket.on('error', (err: NodeJS.ErrnoException) => done(err.code !== 'ECONNREFUSED'));
    socket.connect(port, host, () => done(true));
  });
}

// ---------------------------------------------------------------- Kafka

const METADATA_API_KEY = 3;
// v4 is the oldest Metadata version that is non-flexible yet still accepted by Kafka 4.x
// (KIP-896 dropped v0-v3), so the probe keeps working across a broker upgrade.
const METADATA_VERSION = 4;

function kafkaString(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const len = Buffer.alloc(2);
  len.writeInt16BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

/** Metadata v4 for no topics: the reply then carries just the broker list. */
export function metadataRequest(correlationId: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(METADATA_API_KEY, 0);
  header.writeInt16BE(METADATA_VERSION, 2);
  header.writeInt32BE(correlationId, 4);
  const body = Buffer.alloc(5);
  body.writeInt32BE(0, 0); // topics: empty array = none (null would mean all)
  body.writeInt8(0, 4); // allow_auto_topic_creation = false
  const message = Buffer.concat([header, kafkaString('marketpipe-infra-probe'), body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(message.length);
  return Buffer.concat([size, message]);
}

function sizePrefixedComplete(received: Buffer): boolean {
  return received.length >= 4 && received.length >= 4 + received.readInt32BE(0);
}

/** Reads big-endian fields in order; throws RangeError on a truncated frame. */
class Cursor {
  private offset = 0;
  private readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  int32(): number {
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }
  nullableString(): string | null {
    const len = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    if (len < 0) return null;
    if (this.offset + len > this.buf.length) throw new RangeError('string runs past the frame');
    const v = this.buf.toString('utf8', this.offset, this.offset + len);
    this.offset += len;
    return v;
  }
}

export function parseMetadataResponse(frame: Buffer, correlationId: number): KafkaBroker[] {
  const c = new Cursor(frame);
  c.int32(); // size
  const got = c.int32();
  if (got !== correlationId) throw new Error(`correlation id ${got}, expected ${correlationId}`);
  c.int32(); // throttle_time_ms
  const count = c.int32();
  if (count < 0 || count > 1000) throw new Error(`implausible broker count ${count}`);
  const brokers: KafkaBroker[] = [];
  for (let i = 0; i < count; i++) {
    const nodeId = c.int32();
    const host = c.nullableString() ?? '';
    const port = c.int32();
    c.nullableString(); // rack
    brokers.push({ nodeId, host, port });
  }
  return brokers;
}

/** ok once the broker serves client requests and lists at least itself. */
export async function probeKafka(
  host: string,
  port: number,
  timeoutMs = DEFAULT_TIMEOUT_MS,
): Promise<Probe<KafkaBroker[]>> {
  const correlationId = 0x6d70; // arbitrary, checked in the reply
  const reply = await exchange(host, port, metadataRequest(correlationId), sizePrefixedComplete, timeoutMs);
  if (reply.state !== 'ok') return reply;
  try {
    const brokers = parseMetadataResponse(reply.value, correlationId);
    if (brokers.length === 0) return { state: 'wrong', detail: 'Kafka answered but lists no broker yet' };
    return { state: 'ok', value: brokers };
  } catch (err) {
    return { state: 'wrong', detail: `not a Kafka Metadata reply (${(err as Error).message})` };
  }
}

// ---------------------------------------------------------------- Redis

export async function probeRedis(host: string, port: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Probe<null>> {
  const lineComplete = (received: Buffer): boolean => received.includes('\r\n');
  const reply = await exchange(host, port, Buffer.from('*1\r\n$4\r\nPING\r\n'), lineComplete, timeoutMs);
  if (reply.state !== 'ok') return reply;
  const line = reply.value.toString('utf8').split('\r\n')[0] ?? '';
  // A password-protected Redis answers -NOAUTH: usable by nobody here, so report it verbatim.
  return line === '+PONG'
    ? { state: 'ok', value: null }
    : { state: 'wrong', detail: `PING answered ${line.slice(0, 80)}` };
}

// ---------------------------------------------------------------- HTTP

/**
 * GET without keep-alive (agent: false): a pooled socket would keep a jest globalSetup or the
 * CLI process alive after the check.
 */
export function probeHttp(url: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Probe<string>> {
  return new Promise((resolvePromise) => {
    let settled = false;
    const finish = (result: Probe<string>): void => {
      if (settled) return;
      settled = true;
      resolvePromise(result);
    };
    const req = httpRequest(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) finish({ state: 'ok', value: body });
        else
          finish({
            state: 'wrong',
            detail: `HTTP ${res.statusCode ?? '?'} ${body.replace(/\s+/g, ' ').slice(0, 120)}`,
          });
      });
      res.on('error', (err) => finish({ state: 'wrong', detail: err.message }));
    });
    req.on('timeout', () => {
      req.destroy();
      finish({ state: 'wrong', detail: `no HTTP reply within ${timeoutMs} ms` });
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      finish(err.code === 'ECONNREFUSED' ? { state: 'closed' } : { state: 'wrong', detail: err.message }),
    );
    req.end();
  });
}
