// Server pings, the pong timeout, and the lifetime cut-off preceded by serverShutdown.

import { startTestSim, type TestSim } from './helpers';
import { connect, isObject, sleep } from './ws-helpers';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim({
    ws: {
      tickMs: 100,
      pingIntervalMs: 100,
      pongTimeoutMs: 350,
      lifetimeMs: 1500,
      shutdownGraceMs: 500,
      spot: { maxMessagesPerSecond: 50 },
    },
  });
});
afterAll(() => sim.close());

describe('heartbeat', () => {
  it('pings every interval; a client that pongs stays connected', async () => {
    const before = sim.wsStats();
    const c = await connect(`${sim.wsUrl}/ws/btcusdt@ticker`);
    let pings = 0;
    c.ws.on('ping', () => pings++);
    // Five 100 ms intervals, with room for a loaded machine before the 1.5 s lifetime cuts it.
    const pongs = () => sim.wsStats().pongsReceived - before.pongsReceived;
    const deadline = performance.now() + 1200;
    while ((pings < 5 || pongs() < 5) && performance.now() < deadline) await sleep(20);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    expect(pings).toBeGreaterThanOrEqual(5);
    const after = sim.wsStats();
    expect(after.pingsSent - before.pingsSent).toBeGreaterThanOrEqual(5);
    expect(after.pongsReceived - before.pongsReceived).toBeGreaterThanOrEqual(5);
    await c.close();
  });

  it('terminates a connection that does not pong within the timeout', async () => {
    const c = await connect(`${sim.wsUrl}/ws/btcusdt@ticker`, { autoPong: false });
    const started = performance.now();
    const closed = await c.closed;
    const took = performance.now() - started;
    expect(closed.code).toBe(1006); // terminated, no close frame
    expect(took).toBeGreaterThanOrEqual(400); // first ping at 100 ms + 350 ms timeout
    expect(took).toBeLessThan(1200);
    await sleep(50); // the server sees the close a moment after the client
    expect(sim.wsStats().closes.pongTimeout).toBe(1);
  });

  it('unsolicited pongs do not keep a connection alive', async () => {
    const c = await connect(`${sim.wsUrl}/ws`, { autoPong: false });
    const timer = setInterval(() => c.ws.pong('x'), 50);
    const closed = await c.closed;
    clearInterval(timer);
    expect(closed.code).toBe(1006);
  });
});

describe('lifetime', () => {
  it('sends serverShutdown (raw and combined shapes) before closing at the lifetime', async () => {
    const started = performance.now();
    const raw = await connect(`${sim.wsUrl}/ws/btcusdt@ticker`);
    const combined = await connect(`${sim.wsUrl}/stream?streams=btcusdt@ticker`);
    const ev = await raw.next((f) => isObject(f) && f.e === 'serverShutdown', 3000);
    const shutdownAt = performance.now() - started;
    expect(ev).toEqual({ e: 'serverShutdown', E: expect.any(Number) as unknown });
    expect(await combined.next((f) => isObject(f) && f.stream === '!serverShutdown', 3000)).toEqual({
      stream: '!serverShutdown',
      data: { e: 'serverShutdown', E: expect.any(Number) as unknown },
    });
    const [r, c] = await Promise.all([raw.closed, combined.closed]);
    const closedAt = performance.now() - started;
    expect(shutdownAt).toBeGreaterThanOrEqual(900);
    expect(closedAt).toBeGreaterThanOrEqual(1400);
    expect(closedAt).toBeLessThan(2500);
    expect([r.code, c.code]).toEqual([1001, 1001]);
    await sleep(50); // the server sees the close a moment after the client
    expect(sim.wsStats().closes.lifetime).toBeGreaterThanOrEqual(2);
  });
});
