// Every WebSocket fault kind, in-process and over the admin API, with the product filter.

import { startTestSim, type TestSim } from './helpers';
import { connect, isObject, onStream, refusedStatus, sleep, type WsClient } from './ws-helpers';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim({ ws: { tickMs: 100, shutdownGraceMs: 200 } });
});
afterAll(() => sim.close());
afterEach(() => sim.clearWsFaults());

const spotUrl = (): string => `${sim.wsUrl}/stream?streams=btcusdt@ticker`;
const futUrl = (): string => `${sim.wsUrl}/market/stream?streams=btcusdt@markPrice@1s`;

async function opened(url: string): Promise<WsClient> {
  const c = await connect(url);
  await c.next((f) => isObject(f) && 'stream' in f);
  return c;
}

const admin = (method: string, body?: unknown): Promise<Response> =>
  fetch(`${sim.url}/__sim/ws/faults`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });

describe('ws faults', () => {
  it('drop: cuts matching connections without a close frame; other products stay', async () => {
    const spot = await opened(spotUrl());
    const fut = await opened(futUrl());
    sim.wsFault({ kind: 'drop', product: 'spot' });
    expect((await spot.closed).code).toBe(1006);
    fut.mark();
    await fut.next(onStream('btcusdt@markPrice@1s'));
    await sleep(50); // the server sees the close a moment after the client
    expect(sim.wsStats().closes.drop).toBe(1);
    await fut.close();
  });

  it('stall: no data and no pings for the duration, then data again', async () => {
    const c = await opened(spotUrl());
    const res = await admin('POST', { kind: 'stall', durationMs: 500 });
    expect(res.status).toBe(201);
    await sleep(50);
    const start = c.frames.length;
    await sleep(350);
    expect(c.frames.length).toBe(start);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.mark();
    await c.next(onStream('btcusdt@ticker'), 1500);
    await c.close();
  });

  it('malformed: cut JSON and an envelope whose payload lacks the required keys, count times', async () => {
    const c = await opened(spotUrl());
    c.mark();
    const start = c.frames.length;
    sim.wsFault({ kind: 'malformed', count: 2 });
    await sleep(60);
    const got = c.frames.slice(start);
    const text = got.filter((f) => typeof f === 'string');
    const broken = got.filter((f) => isObject(f) && isObject(f.data) && !('s' in f.data));
    expect(text).toHaveLength(2);
    expect(broken).toHaveLength(2);
    expect(broken[0]).toEqual({
      stream: 'btcusdt@ticker',
      data: { e: '24hrTicker', E: expect.any(Number) as unknown },
    });
    await c.close();
  });

  it("burst: each stream's current frame count times at once", async () => {
    const c = await opened(`${sim.wsUrl}/stream?streams=btcusdt@ticker/ethusdt@ticker`);
    const start = c.frames.length;
    sim.wsFault({ kind: 'burst', count: 5 });
    await sleep(40); // less than a tick
    const got = c.frames.slice(start);
    expect(got.filter(onStream('btcusdt@ticker')).length).toBeGreaterThanOrEqual(5);
    expect(got.filter(onStream('ethusdt@ticker')).length).toBeGreaterThanOrEqual(5);
    const btc = got.filter(onStream('btcusdt@ticker')).map((f) => JSON.stringify(f));
    expect(new Set(btc).size).toBe(1);
    await c.close();
  });

  it('refuse: upgrades get HTTP 503 for the duration (by product), until cleared', async () => {
    sim.wsFault({ kind: 'refuse', product: 'futures', durationMs: 10_000 });
    expect(await refusedStatus(futUrl())).toBe(503);
    const spot = await connect(spotUrl()); // other products still connect
    await spot.close();
    expect((await admin('DELETE')).status).toBe(204);
    const fut = await connect(futUrl());
    await fut.close();
    expect(sim.wsStats().refusedByReason.fault).toBe(1);
  });

  it('refuse ends by itself after durationMs', async () => {
    sim.wsFault({ kind: 'refuse', durationMs: 200 });
    expect(await refusedStatus(spotUrl())).toBe(503);
    await sleep(250);
    const c = await connect(spotUrl());
    await c.close();
  });

  it('shutdown: serverShutdown, then a close after the grace period', async () => {
    const c = await opened(spotUrl());
    const res = await admin('POST', { kind: 'shutdown', product: 'spot' });
    expect(res.status).toBe(201);
    await c.next(onStream('!serverShutdown'));
    const closed = await c.closed;
    expect(closed.code).toBe(1001);
    await sleep(50); // the server sees the close a moment after the client
    expect(sim.wsStats().closes.shutdown).toBe(1);
  });

  it('the admin API validates bodies and reports stats', async () => {
    expect((await admin('POST', { kind: 'explode' })).status).toBe(400);
    expect((await admin('POST', { kind: 'drop', product: 'margin' })).status).toBe(400);
    expect((await admin('POST', { kind: 'stall', durationMs: -1 })).status).toBe(400);
    const stats = (await (await fetch(`${sim.url}/__sim/ws/stats`)).json()) as Record<string, unknown>;
    expect(Object.keys(stats).sort()).toEqual(
      [
        'accepted',
        'closes',
        'faults',
        'messagesSent',
        'open',
        'pingsSent',
        'pongsReceived',
        'refused',
        'refusedByReason',
        'subscriptions',
      ].sort(),
    );
    expect(stats.faults).toMatchObject({ drop: 1, stall: 1, malformed: 1, burst: 1, refuse: 2, shutdown: 1 });
  });
});
