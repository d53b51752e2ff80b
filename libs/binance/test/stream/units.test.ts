// The pure parts: connection-attempt window, control-message pacing, frame classification,
// limits. (Conflation is KeyedThrottle's, tested in test/capture.)

import {
  ConnectAttemptWindow,
  DEFAULT_STREAM_LIMITS,
  resolveStreamLimits,
  sharedConnectAttempts,
} from '../../src/stream';
import { classifyFrame } from '../../src/stream/frames';
import { TokenBucket } from '../../src/stream/token-bucket';

describe('ConnectAttemptWindow', () => {
  it('allows limit attempts per sliding window, then says how long until a slot frees', () => {
    const clock = { now: 0 };
    const w = new ConnectAttemptWindow(3, 1000, () => clock.now);
    expect(w.tryAcquire()).toBe(0);
    clock.now = 100;
    expect(w.tryAcquire()).toBe(0);
    clock.now = 200;
    expect(w.tryAcquire()).toBe(0);
    clock.now = 300;
    expect(w.tryAcquire()).toBe(700); // the attempt at 0 leaves the window at 1000
    expect(w.used()).toBe(3); // a refused acquire records nothing
    clock.now = 999;
    expect(w.tryAcquire()).toBe(1);
    clock.now = 1000;
    expect(w.tryAcquire()).toBe(0);
    expect(w.tryAcquire()).toBe(100);
    clock.now = 5000;
    expect(w.used()).toBe(0);
  });

  it('is shared by every client of one host', () => {
    const a = sharedConnectAttempts('wss://stream.binance.com:9443', 300, 300_000);
    expect(sharedConnectAttempts('wss://stream.binance.com:9443/', 300, 300_000)).toBe(a);
    expect(sharedConnectAttempts('wss://fstream.binance.com', 300, 300_000)).not.toBe(a);
  });
});

describe('TokenBucket', () => {
  it('spaces messages evenly, no burst', () => {
    const clock = { now: 0 };
    const b = new TokenBucket(4, () => clock.now);
    expect(b.take()).toBe(0);
    expect(b.take()).toBe(250);
    clock.now = 249;
    expect(b.take()).toBe(1);
    clock.now = 250;
    expect(b.take()).toBe(0);
    clock.now = 10_000; // idle time does not build up a burst
    expect(b.take()).toBe(0);
    expect(b.take()).toBe(250);
  });

  it('keeps any 1 s window under the server limit (sliding, as the server counts)', () => {
    const clock = { now: 0 };
    const limit = DEFAULT_STREAM_LIMITS.spot.controlMessagesPerSecond;
    const b = new TokenBucket(limit - 1, () => clock.now);
    const sent: number[] = [];
    for (let t = 0; t < 5000; t++) {
      clock.now = t;
      if (b.take() === 0) sent.push(t);
    }
    for (const t of sent) expect(sent.filter((s) => s > t - 1000 && s <= t).length).toBeLessThan(limit);
  });
});

describe('classifyFrame', () => {
  it('tells data, answers, errors, serverShutdown (both shapes) and malformed apart', () => {
    expect(classifyFrame('{"stream":"btcusdt@ticker","data":{"E":1}}')).toEqual({
      kind: 'data',
      stream: 'btcusdt@ticker',
      data: { E: 1 },
    });
    expect(classifyFrame('{"result":null,"id":3}')).toEqual({ kind: 'result', id: 3, result: null });
    expect(classifyFrame('{"error":{"code":2,"msg":"Invalid request"},"id":4}')).toEqual({
      kind: 'error',
      id: 4,
      code: 2,
      msg: 'Invalid request',
    });
    expect(classifyFrame('{"e":"serverShutdown","E":1}')).toEqual({ kind: 'serverShutdown' });
    expect(classifyFrame('{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1}}')).toEqual({
      kind: 'serverShutdown',
    });
    expect(classifyFrame('{"stream":"btcusdt@tick')).toEqual({ kind: 'malformed', reason: 'json' });
    expect(classifyFrame('[1,2]')).toEqual({ kind: 'malformed', reason: 'shape' });
    expect(classifyFrame('{"stream":"x"}')).toEqual({ kind: 'malformed', reason: 'shape' });
    expect(classifyFrame('{"e":"24hrTicker"}')).toEqual({ kind: 'malformed', reason: 'shape' });
  });
});

describe('limits', () => {
  it("Binance's defaults, overridable", () => {
    expect(DEFAULT_STREAM_LIMITS.options.maxStreamsPerConnection).toBe(200);
    expect(DEFAULT_STREAM_LIMITS.spot.controlMessagesPerSecond).toBe(5);
    expect(DEFAULT_STREAM_LIMITS.futures.connectAttempts).toEqual({ limit: 300, windowMs: 300_000 });
    expect(resolveStreamLimits('spot', { maxStreamsPerConnection: 10 }).maxStreamsPerConnection).toBe(10);
    expect(() => resolveStreamLimits('spot', { controlMessagesPerSecond: 1 })).toThrow();
  });
});
