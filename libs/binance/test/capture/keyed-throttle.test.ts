import { KeyedThrottle } from '../../src/capture/keyed-throttle';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyedThrottle', () => {
  it('sends the first value of a key at once, batched with the others of the same moment', async () => {
    const out: string[][] = [];
    const t = new KeyedThrottle<string>(1000, (v) => out.push(v), { batchMs: 5 });
    t.offer('BTC', 'b1');
    t.offer('ETH', 'e1');
    await sleep(20);
    expect(out).toEqual([['b1', 'e1']]);
    t.stop();
  });

  it('holds later values of a key and sends only the newest once an interval and its slack passed without another', async () => {
    let clock = 0;
    const out: string[][] = [];
    const t = new KeyedThrottle<string>(200, (v) => out.push(v), { batchMs: 1, now: () => clock });
    t.offer('BTC', 'b1');
    await sleep(10);
    clock = 50;
    t.offer('BTC', 'b2');
    t.offer('BTC', 'b3');
    await sleep(60);
    expect(out).toEqual([['b1']]); // still inside the interval
    expect(t.pending()).toBe(1);
    clock = 219; // the interval is over, but a next value may still come to carry b3
    await sleep(60);
    expect(out).toEqual([['b1']]);
    clock = 220;
    await sleep(60);
    expect(out).toEqual([['b1'], ['b3']]);
    expect(t.pending()).toBe(0);
    t.stop();
  });

  it('two streams feeding one key each second: one value per second, sent as the first of them arrives', async () => {
    // USD-M ticker and mark price for one symbol, 30 ms apart every second. Sending the held second
    // update at the interval's end would hold the next second's first update for a whole interval.
    let clock = 0;
    const out: string[][] = [];
    const t = new KeyedThrottle<string>(1000, (v) => out.push(v), { batchMs: 1, now: () => clock });
    for (let s = 0; s < 3; s++) {
      clock = s * 1000;
      t.offer('BTC', `ticker${s}`);
      await sleep(10);
      clock = s * 1000 + 30;
      t.offer('BTC', `mark${s}`);
      await sleep(10);
      clock = s * 1000 + 950; // the interval's end, before the next second's updates
      await sleep(120);
    }
    expect(out).toEqual([['ticker0'], ['ticker1'], ['ticker2']]);
    // The last mark update is not lost: it goes out once no next update came to carry it.
    clock = 2000 + 1100;
    await sleep(120);
    expect(out.at(-1)).toEqual(['mark2']);
    t.stop();
  });

  it('sends a value held late in its interval (a jittery 1 s feed) at the interval end, keeping the cadence', async () => {
    let clock = 0;
    const out: string[][] = [];
    const t = new KeyedThrottle<string>(1000, (v) => out.push(v), { batchMs: 1, now: () => clock });
    t.offer('BTC', 'b1');
    await sleep(10);
    clock = 850; // the next second's frame, 150 ms early: more than the slack
    t.offer('BTC', 'b2');
    await sleep(120);
    expect(out).toEqual([['b1']]);
    clock = 900;
    await sleep(120);
    expect(out).toEqual([['b1'], ['b2']]);
    clock = 1_850; // and the one after that is due again
    t.offer('BTC', 'b3');
    await sleep(10);
    expect(out).toEqual([['b1'], ['b2'], ['b3']]);
    t.stop();
  });

  it('sends a value that comes a little early for the next interval at once', async () => {
    let clock = 0;
    const out: string[][] = [];
    const t = new KeyedThrottle<string>(1000, (v) => out.push(v), { batchMs: 1, now: () => clock });
    t.offer('BTC', 'b1');
    await sleep(10);
    clock = 995; // a one-second feed, 5 ms early
    t.offer('BTC', 'b2');
    await sleep(10);
    expect(out).toEqual([['b1'], ['b2']]);
    t.stop();
  });

  it('sends every value with interval 0, and nothing after stop', async () => {
    const out: number[][] = [];
    const t = new KeyedThrottle<number>(0, (v) => out.push(v), { batchMs: 1 });
    t.offer('A', 1);
    await sleep(10);
    t.offer('A', 2);
    await sleep(10);
    t.stop();
    t.offer('A', 3);
    await sleep(10);
    expect(out).toEqual([[1], [2]]);
  });

  it('at most one value per key per interval under a fast stream', async () => {
    const out: number[] = [];
    const t = new KeyedThrottle<number>(100, (v) => out.push(...v), { batchMs: 2 });
    const start = Date.now();
    let i = 0;
    while (Date.now() - start < 450) {
      t.offer('A', i++);
      await sleep(5);
    }
    await sleep(150);
    t.stop();
    expect(out.length).toBeGreaterThanOrEqual(4);
    expect(out.length).toBeLessThanOrEqual(6);
    expect(out.at(-1)).toBe(i - 1); // the newest value is never lost
  });
});
