// The live control protocol (SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET/GET_PROPERTY), its
// error bodies, paths, and the protocol limits: streams per connection, inbound message rate,
// connection attempts per IP.

import { startTestSim, type TestSim } from './helpers';
import { connect, isObject, onStream, refusedStatus, type Rec, sleep } from './ws-helpers';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim({ ws: { tickMs: 100, spot: { maxStreams: 3 }, options: { maxStreams: 2 } } });
});
afterAll(() => sim.close());

describe('control messages', () => {
  it('SUBSCRIBE, LIST_SUBSCRIPTIONS, UNSUBSCRIBE', async () => {
    const c = await connect(`${sim.wsUrl}/stream`);
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@ticker', 'ethusdt@ticker'], id: 1 });
    expect(await c.reply(1)).toEqual({ result: null, id: 1 });
    await c.next(onStream('btcusdt@ticker'));
    await c.next(onStream('ethusdt@ticker'));
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    expect(await c.reply(2)).toEqual({ result: ['btcusdt@ticker', 'ethusdt@ticker'], id: 2 });
    c.send({ method: 'UNSUBSCRIBE', params: ['btcusdt@ticker'], id: 3 });
    expect(await c.reply(3)).toEqual({ result: null, id: 3 });
    c.mark();
    await sleep(400);
    await c.next(onStream('ethusdt@ticker'));
    await expect(c.next(onStream('btcusdt@ticker'), 100)).rejects.toThrow();
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 'abc' });
    expect(await c.reply('abc')).toEqual({ result: ['ethusdt@ticker'], id: 'abc' });
    expect(sim.wsStats().subscriptions).toBeGreaterThanOrEqual(1);
    await c.close();
  });

  it('SET_PROPERTY combined switches a raw connection to envelopes; GET_PROPERTY reads it', async () => {
    const c = await connect(`${sim.wsUrl}/ws/btcusdt@ticker`);
    await c.next((f) => isObject(f) && f.e === '24hrTicker');
    c.send({ method: 'GET_PROPERTY', params: ['combined'], id: 1 });
    expect(await c.reply(1)).toEqual({ result: false, id: 1 });
    c.send({ method: 'SET_PROPERTY', params: ['combined', true], id: 2 });
    expect(await c.reply(2)).toEqual({ result: null, id: 2 });
    await c.next(onStream('btcusdt@ticker'));
    c.send({ method: 'SET_PROPERTY', params: ['combined', 'yes'], id: 3 });
    expect(await c.reply(3)).toEqual({ error: { code: 1, msg: 'Invalid value type: expected Boolean' }, id: 3 });
    c.send({ method: 'GET_PROPERTY', params: ['colour'], id: 4 });
    expect(await c.reply(4)).toEqual({ error: { code: 0, msg: 'Unknown property' }, id: 4 });
    await c.close();
  });

  it("answers bad requests with Binance's error codes", async () => {
    const c = await connect(`${sim.wsUrl}/ws`);
    c.send('{"method":');
    expect(await c.next((f) => isObject(f) && 'error' in f)).toEqual({
      error: { code: 3, msg: 'Invalid JSON: expected value at line 1 column 1' },
      id: null,
    });
    c.mark();
    c.send({ method: 'SUBSCRIBED', params: [], id: 5 });
    const unknown = await c.next<{ error: { code: number; msg: string } }>((f) => isObject(f) && 'error' in f);
    expect(unknown.error.code).toBe(2);
    expect(unknown.error.msg).toMatch(/^Invalid request: unknown variant `SUBSCRIBED`, expected one of `SUBSCRIBE`/);
    c.mark();
    c.send({ params: [], id: 6 });
    expect((await c.next<Rec>((f) => isObject(f) && 'error' in f)).error).toEqual({
      code: 2,
      msg: expect.stringMatching(/^Invalid request: missing field `method`/) as unknown,
    });
    c.send({ method: 'SUBSCRIBE', params: ['btcusdt@trades'], id: 7 });
    expect(await c.reply(7)).toEqual({ error: { code: 2, msg: 'Invalid request: invalid stream' }, id: 7 });
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 8 });
    expect(await c.reply(8)).toEqual({ result: [], id: 8 }); // a failed SUBSCRIBE adds nothing
    await c.close();
  });

  it('USD-M and options take only unsigned integer ids', async () => {
    const c = await connect(`${sim.wsUrl}/market/ws`);
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 'abc' });
    expect(await c.next((f) => isObject(f) && 'error' in f)).toEqual({
      error: { code: 2, msg: 'Invalid request: request ID must be an unsigned integer' },
      id: null,
    });
    await c.close();
  });

  it('an unknown symbol is accepted and silent; a stream on the wrong path is listed and silent', async () => {
    const c = await connect(`${sim.wsUrl}/public/stream?streams=!index@arr`);
    c.send({ method: 'SUBSCRIBE', params: ['zzzusdt@optionMarkPrice'], id: 1 });
    expect(await c.reply(1)).toEqual({ result: null, id: 1 });
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 2 });
    expect(await c.reply(2)).toEqual({ result: ['!index@arr', 'zzzusdt@optionMarkPrice'], id: 2 });
    await sleep(400);
    expect(c.frames.filter((f) => isObject(f) && 'stream' in f)).toEqual([]);
    await c.close();
  });

  it('unknown names in the URL are dropped; unknown paths get 404', async () => {
    const c = await connect(`${sim.wsUrl}/stream?streams=btcusdt@depth/btcusdt@ticker`);
    c.send({ method: 'LIST_SUBSCRIPTIONS', id: 1 });
    expect(await c.reply(1)).toEqual({ result: ['btcusdt@ticker'], id: 1 });
    await c.close();
    expect(await refusedStatus(`${sim.wsUrl}/streams?streams=btcusdt@ticker`)).toBe(404);
    expect(await refusedStatus(`${sim.wsUrl}/futures/ws/btcusdt@ticker`)).toBe(404);
  });
});

describe('limits', () => {
  it('streams per connection: too many in the URL → HTTP 400, in a SUBSCRIBE → error', async () => {
    expect(
      await refusedStatus(`${sim.wsUrl}/stream?streams=a1usdt@ticker/a2usdt@ticker/a3usdt@ticker/a4usdt@ticker`),
    ).toBe(400);
    const c = await connect(`${sim.wsUrl}/stream?streams=a1usdt@ticker/a2usdt@ticker`);
    c.send({ method: 'SUBSCRIBE', params: ['a3usdt@ticker', 'a4usdt@ticker'], id: 1 });
    expect(await c.reply(1)).toEqual({
      error: { code: 2, msg: 'Invalid request: too many streams; current limit is 3 streams per connection' },
      id: 1,
    });
    c.send({ method: 'SUBSCRIBE', params: ['a3usdt@ticker', 'a1usdt@ticker'], id: 2 });
    expect(await c.reply(2)).toEqual({ result: null, id: 2 });
    await c.close();
    // Options (200 by default, 2 here) once the first stream is an options one.
    const o = await connect(`${sim.wsUrl}/market/ws`);
    o.send({ method: 'SUBSCRIBE', params: ['btcusdt@optionMarkPrice', 'ethusdt@optionMarkPrice'], id: 1 });
    expect(await o.reply(1)).toEqual({ result: null, id: 1 });
    o.send({ method: 'SUBSCRIBE', params: ['!index@arr'], id: 2 });
    expect((await o.reply<Rec>(2)).error).toBeDefined();
    await o.close();
  });

  it('inbound messages: over 5/s on spot closes the connection; 8/s on USD-M is fine', async () => {
    const spot = await connect(`${sim.wsUrl}/ws`);
    for (let i = 1; i <= 6; i++) spot.send({ method: 'LIST_SUBSCRIPTIONS', id: i });
    const closed = await spot.closed;
    expect(closed.code).toBe(1008);
    const fut = await connect(`${sim.wsUrl}/market/ws`);
    for (let i = 1; i <= 8; i++) fut.send({ method: 'LIST_SUBSCRIPTIONS', id: i });
    expect(await fut.reply(8)).toEqual({ result: [], id: 8 });
    await fut.close();
    await sleep(50); // the server sees the close a moment after the client
    expect(sim.wsStats().closes.messageRate).toBe(1);
  });

  it('connection attempts per IP: over the limit → HTTP 429', async () => {
    const small = await startTestSim({ ws: { connectionAttempts: { limit: 3, windowMs: 60_000 } } });
    try {
      const open = [];
      for (let i = 0; i < 3; i++) open.push(await connect(`${small.wsUrl}/ws`));
      expect(await refusedStatus(`${small.wsUrl}/ws`)).toBe(429);
      for (const c of open) await c.close();
      expect(small.wsStats()).toMatchObject({ accepted: 3, refused: 1, refusedByReason: { rateLimit: 1 } });
    } finally {
      await small.close();
    }
  });
});
