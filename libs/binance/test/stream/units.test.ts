// The pure parts: connection-attempt window, control-message pacing, frame classification,
// limits, and the conflator.

import {
  ConnectAttemptWindow,
  Conflator,
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

describe('Conflator', () => {
  afterEach(() => jest.useRealTimers());

  it('interval: the latest value per key once per interval, nothing for keys not offered', () => {
    jest.useFakeTimers();
    const clock = { now: 0 };
    const out: string[][] = [];
    const c = new Conflator<string>(
      { kind: 'interval', intervalMs: 1000 },
      (v) => out.push(v),
      () => clock.now,
    );
    c.start();
    c.offer('a', 'a1');
    c.offer('b', 'b1');
    c.offer('a', 'a2');
    expect(c.pending()).toBe(2);
    clock.now = 1000;
    jest.advanceTimersByTime(1000);
    expect(out).toEqual([['b1', 'a2']]);
    expect(c.pending()).toBe(0);
    c.offer('b', 'b2');
    clock.now = 2000;
    jest.advanceTimersByTime(1000);
    expect(out).toEqual([['b1', 'a2'], ['b2']]);
    clock.now = 3000;
    jest.advanceTimersByTime(1000);
    expect(out).toHaveLength(2); // nothing offered, nothing emitted
    c.stop();
  });

  it('interval: an offer after a late timer does not emit a key twice within one interval', () => {
    const clock = { now: 0 };
    const out: string[][] = [];
    // Not started: emission rides on offers and the injected clock.
    const c = new Conflator<string>(
      { kind: 'interval', intervalMs: 1000 },
      (v) => out.push(v),
      () => clock.now,
    );
    c.offer('a', 'a1');
    expect(out).toEqual([]);
    clock.now = 999;
    c.offer('a', 'a2');
    expect(out).toEqual([]);
    clock.now = 1000;
    c.offer('a', 'a3');
    expect(out).toEqual([['a3']]);
    clock.now = 1500;
    c.offer('a', 'a4');
    expect(out).toEqual([['a3']]);
    expect(c.pending()).toBe(1);
  });

  it('change: emits every offer at once', () => {
    const out: number[][] = [];
    const c = new Conflator<number>({ kind: 'change' }, (v) => out.push(v));
    c.start();
    c.offer('a', 1);
    c.offer('a', 2);
    c.offer('b', 3);
    expect(out).toEqual([[1], [2], [3]]);
    expect(c.pending()).toBe(0);
    c.stop();
  });

  it('flush emits what is pending now; stop emits the rest and ends the timer', () => {
    jest.useFakeTimers();
    const out: string[][] = [];
    const c = new Conflator<string>({ kind: 'interval', intervalMs: 1000 }, (v) => out.push(v));
    c.start();
    c.offer('a', 'a1');
    c.flush();
    expect(out).toEqual([['a1']]);
    c.flush();
    expect(out).toHaveLength(1);
    c.offer('b', 'b1');
    c.stop();
    expect(out).toEqual([['a1'], ['b1']]);
    c.offer('c', 'c1');
    jest.advanceTimersByTime(5000);
    expect(out).toHaveLength(2);
    expect(c.pending()).toBe(1);
  });
});
