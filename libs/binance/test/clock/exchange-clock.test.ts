import { ExchangeClock } from '../../src/clock';

describe('ExchangeClock', () => {
  let now = 1_800_000_000_000;
  const clock = () => new ExchangeClock(() => now);
  beforeEach(() => (now = 1_800_000_000_000));

  it('takes the local clock at its word until it has evidence', () => {
    const c = clock();
    expect(c.estimate()).toEqual({ offsetMs: 0, errorMs: 0, known: false });
    expect(c.earliestExchangeTime(1_000)).toBe(1_000);
  });

  it('places the offset in the middle of the narrowest round trip, its error half the trip', () => {
    const c = clock();
    // Exchange 2 s behind: stamped 1 800 000 000 040 − 2 000 on a trip 1 800 000 000 000 … +100.
    c.observeRoundTrip(now, now + 100, now + 40 - 2_000);
    expect(c.estimate()).toEqual({ offsetMs: -2_010, errorMs: 50, known: true });
    // A slower trip (queued behind the weight budget) does not widen it.
    c.observeRoundTrip(now + 1_000, now + 3_000, now + 1_500 - 2_000);
    expect(c.estimate()).toEqual({ offsetMs: -2_010, errorMs: 50, known: true });
    // A narrower one does.
    c.observeRoundTrip(now + 5_000, now + 5_010, now + 5_004 - 2_000);
    expect(c.estimate()).toEqual({ offsetMs: -2_001, errorMs: 5, known: true });
    expect(c.earliestExchangeTime(10_000)).toBe(10_000 - 2_001 - 5);
  });

  it('narrows a round trip with stream events, whose latency makes them a lower bound', () => {
    const c = clock();
    c.observeRoundTrip(now, now + 200, now + 100 + 3_000); // offset in 2 900 … 3 100
    c.observeEvent(now + 500 + 3_000, now + 500 + 40); // offset ≥ 2 960
    c.observeEvent(now + 600 + 3_000, now + 600 + 15); // offset ≥ 2 985
    expect(c.estimate()).toEqual({ offsetMs: (2_985 + 3_100) / 2, errorMs: (3_100 - 2_985) / 2, known: true });
  });

  it('follows events alone, and lets them win over a round trip the clock has stepped away from', () => {
    const events = clock();
    events.observeEvent(now + 7_000, now + 20);
    expect(events.estimate()).toEqual({ offsetMs: 6_980, errorMs: 0, known: true });

    const stepped = clock();
    stepped.observeRoundTrip(now, now + 10, now + 5); // offset ≈ 0
    stepped.observeEvent(now + 5_000, now + 10); // the exchange is at least 4.99 s ahead now
    expect(stepped.estimate().offsetMs).toBe(4_990);
  });

  it('forgets evidence older than its window, so a changed offset is followed', () => {
    const c = new ExchangeClock(() => now, 10 * 60_000, 60_000);
    c.observeRoundTrip(now, now + 2, now + 1 + 1_000); // +1 s, very precise
    now += 5 * 60_000;
    c.observeRoundTrip(now, now + 50, now + 25 - 500); // −0.5 s, less precise: the older one still wins
    expect(c.estimate().offsetMs).toBe(1_000);
    now += 6 * 60_000; // the +1 s bucket has left the window
    expect(c.estimate()).toEqual({ offsetMs: -500, errorMs: 25, known: true });
    now += 10 * 60_000;
    expect(c.estimate().known).toBe(false);
  });

  it('ignores evidence that is not finite or runs backwards', () => {
    const c = clock();
    c.observeRoundTrip(now, now - 1, now);
    c.observeRoundTrip(Number.NaN, now, now);
    c.observeEvent(Number.POSITIVE_INFINITY, now);
    expect(c.estimate().known).toBe(false);
  });
});
