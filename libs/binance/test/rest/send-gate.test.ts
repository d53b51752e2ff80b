// The single-flight gate of a weight budget (issue 13, "never a 418"): after a 429, near the limit
// or with nothing known, requests go out one at a time; with room shown, they overlap again.
import { headerShowsRoom, SendGate, WeightBudget, type Permit } from '../../src/rest';

/** A clock that moves only when the test moves it, and a sleep that wakes when the clock passes its end. */
function manualClock(start: number) {
  let now = start;
  const sleepers: { until: number; wake: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number, signal?: AbortSignal): Promise<void> =>
      new Promise((resolve, reject) => {
        const sleeper = { until: now + ms, wake: resolve };
        sleepers.push(sleeper);
        signal?.addEventListener('abort', () => {
          sleepers.splice(sleepers.indexOf(sleeper), 1);
          reject(new Error('aborted'));
        });
      }),
    async advance(ms: number): Promise<void> {
      now += ms;
      for (const s of sleepers.filter((x) => x.until <= now)) {
        sleepers.splice(sleepers.indexOf(s), 1);
        s.wake();
      }
      await flush();
    },
  };
}

/** Lets every pending promise continuation run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

/** Starts spends and records the permits in the order the budget lets them out. */
function spenders(budget: WeightBudget, n: number, signal?: AbortSignal) {
  const out: Permit[] = [];
  const done = Array.from({ length: n }, () =>
    budget.spend(1, 'openInterest', signal).then((p) => {
      out.push(p);
      return p;
    }),
  );
  return { out, done };
}

// 2026-11-25 08:30:15.250 UTC: mid-minute.
const T0 = Date.UTC(2026, 10, 25, 8, 30, 15, 250);
const MINUTE_END = Date.UTC(2026, 10, 25, 8, 31);

describe('SendGate', () => {
  it('is serial with nothing known: one request at a time', () => {
    const gate = new SendGate(2000);
    expect(gate.serial(T0)).toBe(true);
    expect(gate.mayStart(T0)).toBe(true);
    const t = gate.start(T0);
    expect(t.alone).toBe(true);
    expect(gate.mayStart(T0)).toBe(false);
    gate.finish();
    expect(gate.mayStart(T0)).toBe(true);
  });

  it('an answer showing room lets requests overlap for trustMs, never past its window', () => {
    const gate = new SendGate(2000);
    const t = gate.start(T0);
    gate.room(t, T0 + 5, MINUTE_END);
    gate.finish();
    gate.start(T0 + 10);
    expect(gate.mayStart(T0 + 10)).toBe(true); // concurrent: the second may go while the first flies
    expect(gate.serial(T0 + 2004)).toBe(false);
    expect(gate.serial(T0 + 2005)).toBe(true); // trust ran out: the next goes alone once the others land
    expect(gate.mayStart(T0 + 2005)).toBe(false);
    const late = new SendGate(60_000);
    late.room(late.start(MINUTE_END - 100), MINUTE_END - 50, MINUTE_END);
    expect(late.serial(MINUTE_END - 1)).toBe(false);
    expect(late.serial(MINUTE_END)).toBe(true); // a new window: nothing known about it
  });

  it('after a distrust, answers to requests sent before it prove nothing; a later one does', () => {
    const gate = new SendGate(2000);
    gate.room(gate.start(T0), T0, MINUTE_END);
    gate.finish();
    const early = [gate.start(T0 + 1), gate.start(T0 + 1), gate.start(T0 + 1)];
    gate.distrust(); // the first of them came back 429
    gate.finish();
    gate.room(early[1]!, T0 + 3, MINUTE_END); // it left before the 429: no news about room
    gate.finish();
    gate.finish();
    expect(gate.serial(T0 + 4)).toBe(true);
    const probe = gate.start(T0 + 5);
    expect(probe.alone).toBe(true);
    expect(gate.mayStart(T0 + 5)).toBe(false);
    gate.room(probe, T0 + 6, MINUTE_END);
    expect(gate.mayStart(T0 + 6)).toBe(true);
  });
});

describe('headerShowsRoom', () => {
  // futures: limit 2400, ceiling 2160 (90%), margin 216
  it.each([
    [100, 100, true], // plenty of room, nobody else
    [1944, 1944, true], // exactly the margin below the ceiling
    [1945, 1945, false], // near the limit
    [2401, 1, false], // over it (a 429's header)
    [400, 150, false], // someone else spent 250 since our last look
    [300, 150, true], // someone else spent a little
  ])('server %d, ours %d → %s', (server, ours, room) => {
    expect(headerShowsRoom(server, ours, 2160, 216)).toBe(room);
  });
});

describe('WeightBudget gate', () => {
  function budget(clock: ReturnType<typeof manualClock>): WeightBudget {
    return new WeightBudget({ product: 'futures', limit: 2400, now: clock.now, sleep: clock.sleep });
  }

  /** Takes the budget to "room shown": one probe whose answer says 10 used. */
  async function warm(b: WeightBudget): Promise<void> {
    const p = await b.spend(1, 'ping');
    p.observe(10);
    p.release();
  }

  it('the first request of a window goes alone; the others follow once its answer shows room', async () => {
    const clock = manualClock(T0);
    const b = budget(clock);
    const { out } = spenders(b, 5);
    await flush();
    expect(out).toHaveLength(1);
    expect(out[0]?.alone).toBe(true);
    out[0]?.observe(5);
    out[0]?.release();
    await flush();
    expect(out).toHaveLength(5); // room shown: the other four overlap
    expect(out.slice(1).every((p) => !p.alone)).toBe(true);
    expect(b.snapshot()).toMatchObject({ serial: false, inFlight: 4 });
  });

  it('plenty of room: a round goes out at once', async () => {
    const clock = manualClock(T0);
    const b = budget(clock);
    await warm(b);
    const { out } = spenders(b, 20);
    await flush();
    expect(out).toHaveLength(20);
  });

  it('after a 429 nothing is sent while the hold runs, then one at a time until an answer shows room', async () => {
    const clock = manualClock(T0);
    const b = budget(clock);
    await warm(b);
    const first = spenders(b, 4);
    await flush();
    expect(first.out).toHaveLength(4); // concurrent: the window looked fine
    // The first answer is a 429: another client used up the IP's weight. Retry-After: the window's end.
    first.out[0]?.observe(2401);
    b.holdFor(MINUTE_END - T0);
    first.out[0]?.release();
    const queued = spenders(b, 6);
    await flush();
    expect(queued.out).toHaveLength(0);
    // The three in flight land (one with a header from before the 429): still nothing goes out.
    first.out[1]?.observe(12);
    for (const p of first.out.slice(1)) p.release();
    await flush();
    expect(queued.out).toHaveLength(0);
    await clock.advance(MINUTE_END - T0 - 1);
    expect(queued.out).toHaveLength(0); // the hold is not over
    await clock.advance(1);
    expect(queued.out).toHaveLength(1); // hold over: one probe
    await clock.advance(5_000);
    expect(queued.out).toHaveLength(1); // the others wait for its answer, however long it takes
    queued.out[0]?.release(); // it failed, no header: no news about room
    await flush();
    expect(queued.out).toHaveLength(2);
    queued.out[1]?.observe(1100); // someone else spent 1100 of the new window: still one at a time
    queued.out[1]?.release();
    await flush();
    expect(queued.out).toHaveLength(3);
    queued.out[2]?.observe(1101); // only our request since: room
    queued.out[2]?.release();
    await flush();
    expect(queued.out).toHaveLength(6); // the rest overlap
    expect(queued.out.map((p) => p.alone)).toEqual([true, true, true, false, false, false]);
  });

  it('a header near the limit makes the next requests go one at a time', async () => {
    const clock = manualClock(T0);
    const b = budget(clock);
    await warm(b);
    const p = await b.spend(1, 'ticker/24hr');
    p.observe(2100);
    p.release();
    const { out } = spenders(b, 3);
    await flush();
    expect(out).toHaveLength(1);
    expect(b.snapshot()).toMatchObject({ serial: true, inFlight: 1 });
  });

  it('a server count far ahead of ours (someone else spending) makes the next request go alone', async () => {
    const clock = manualClock(T0);
    const b = budget(clock);
    await warm(b);
    const p = await b.spend(1, 'ping');
    p.observe(900); // we had spent 11
    p.release();
    const { out } = spenders(b, 3);
    await flush();
    expect(out).toHaveLength(1);
    out[0]?.observe(901); // no new spending by others: room
    out[0]?.release();
    await flush();
    expect(out).toHaveLength(3);
  });

  it('a request after a quiet spell goes alone first: the window may have been spent meanwhile', async () => {
    const clock = manualClock(T0);
    const b = budget(clock);
    await warm(b);
    await clock.advance(2_000);
    const { out } = spenders(b, 4);
    await flush();
    expect(out).toHaveLength(1);
  });

  it('a queued spend can be aborted', async () => {
    const clock = manualClock(T0);
    const b = budget(clock);
    const first = await b.spend(1, 'ping');
    const controller = new AbortController();
    const queued = b.spend(1, 'ping', controller.signal);
    controller.abort();
    await expect(queued).rejects.toThrow();
    first.release();
    expect(b.snapshot().inFlight).toBe(0);
  });
});
