// Losses (drop, stall, refuse) end in a reconnect and one onGap; malformed frames are counted
// and change nothing else.

import type { Simulator } from '@marketpipe/binance-sim';
import { ConnectAttemptWindow, type StreamClientOptions } from '../../src/stream';
import { longestSilence, type Recorded, recordedClient, sleep, startSim, stopClients, waitFor } from './helpers';

jest.setTimeout(20_000);

const TICK = 200;
const STREAMS = ['btcusdt@ticker', 'ethusdt@ticker', 'bnbusdt@ticker'];

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim({ ws: { tickMs: TICK, shutdownGraceMs: 200 } });
});
afterEach(() => stopClients());
afterAll(() => sim.close());
afterEach(() => sim.clearWsFaults());

async function upClient(extra: Partial<StreamClientOptions> = {}): Promise<Recorded> {
  const r = recordedClient({ product: 'spot', baseUrl: sim.wsUrl, streams: STREAMS, silenceMs: 800, ...extra });
  r.client.start();
  await waitFor(() => r.client.isUp() && r.frames.length > 0, 5000, 'client up');
  return r;
}

describe('StreamClient faults', () => {
  it('drop: resumes within 2 s, one onGap with the streams, reconnect counted', async () => {
    const r = await upClient();
    const cut = Date.now();
    sim.wsFault({ kind: 'drop', product: 'spot' });
    await waitFor(() => r.gaps.length === 1, 3000, 'onGap');
    const resumedAt = r.frames.find((f) => f.at > cut + 1)?.at ?? Infinity;
    await waitFor(() => r.frames.some((f) => f.at > cut + 1), 2000, 'data again');
    const resume = (r.frames.find((f) => f.at > cut + 1)?.at ?? resumedAt) - cut;
    console.log(`drop: data again after ${resume} ms, up again after ${(r.states.at(-1)?.at ?? 0) - cut} ms`);
    expect(resume).toBeLessThan(2000);
    expect([...(r.gaps[0]?.streams ?? [])].sort()).toEqual([...STREAMS].sort());
    expect(r.gaps[0]?.reason).toBe('drop');
    expect(r.states.map((s) => s.up)).toEqual([true, false, true]);
    expect(r.client.stats()).toMatchObject({ reconnects: 1, gaps: 1, stale: 0, connections: 1 });
    const text = await r.registry.metrics();
    expect(text).toContain('marketpipe_stream_reconnects_total{stream_client="spot",reason="drop"} 1');
    expect(text).toContain('marketpipe_stream_gaps_total{stream_client="spot"} 1');
    await sleep(300);
    expect(r.gaps).toHaveLength(1);
    await r.client.stop();
  });

  it('stall: declared stale after silenceMs, replaced, one onGap once data flows again', async () => {
    // The simulator drops (rather than delays) the SUBSCRIBE answers of a stalled connection, so
    // a connection opened during the stall is caught by the ack timeout.
    const r = await upClient({ ackTimeoutMs: 1000 });
    const start = Date.now();
    sim.wsFault({ kind: 'stall', product: 'spot', durationMs: 1500 });
    await waitFor(() => r.client.stats().stale >= 1, 3000, 'stale');
    const staleAfter = Date.now() - start;
    await waitFor(() => r.gaps.length === 1 && r.client.isUp(), 5000, 'recovered');
    console.log(`stall: stale after ${staleAfter} ms, gap reported after ${(r.gaps[0]?.at ?? 0) - start} ms`);
    expect(staleAfter).toBeGreaterThanOrEqual(800);
    expect(r.gaps[0]?.reason).toBe('stale');
    const n = r.frames.length;
    await waitFor(() => r.frames.length > n, 1000, 'data after the stall');
    expect(r.client.stats().connections).toBe(1);
    await r.client.stop();
  });

  it('malformed: counted, no reconnect, data keeps flowing', async () => {
    const r = await upClient();
    sim.wsFault({ kind: 'malformed', product: 'spot', count: 3 });
    await sleep(3 * TICK);
    const n = r.frames.length;
    await waitFor(() => r.frames.length > n + 3, 2000, 'more data');
    // The cut JSON is the transport's to count; the envelope with a gutted payload is a data
    // frame for the mappers to reject.
    expect(r.client.stats()).toMatchObject({ malformed: 3, reconnects: 0, gaps: 0 });
    expect(r.client.isUp()).toBe(true);
    expect(await r.registry.getSingleMetricAsString('marketpipe_stream_malformed_total')).toContain(
      'marketpipe_stream_malformed_total{stream_client="spot"} 3',
    );
    await r.client.stop();
  });

  it('refuse for 1 s: retries with backoff, comes up after, never crashes', async () => {
    const r = await upClient();
    const refusedBefore = sim.wsStats().refusedByReason.fault ?? 0;
    const cut = Date.now();
    sim.wsFault({ kind: 'refuse', product: 'spot', durationMs: 1000 });
    sim.wsFault({ kind: 'drop', product: 'spot' });
    await waitFor(() => r.gaps.length === 1 && r.client.isUp(), 6000, 'up after refusals');
    const back = Date.now() - cut;
    const refused = (sim.wsStats().refusedByReason.fault ?? 0) - refusedBefore;
    console.log(`refuse: ${refused} refused attempts, up again after ${back} ms`);
    expect(back).toBeGreaterThanOrEqual(1000);
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(r.client.stats().reconnects).toBe(1 + refused);
    expect(await r.registry.getSingleMetricAsString('marketpipe_stream_reconnects_total')).toContain(
      'reason="refused"',
    );
    await r.client.stop();
  });

  it('a client started while upgrades are refused comes up after, without a gap', async () => {
    sim.wsFault({ kind: 'refuse', product: 'spot', durationMs: 700 });
    const r = recordedClient({ product: 'spot', baseUrl: sim.wsUrl, streams: STREAMS });
    r.client.start();
    await waitFor(() => r.client.isUp(), 5000, 'up');
    expect(r.gaps).toHaveLength(0);
    await r.client.stop();
  });

  it('connection-attempt window: waits for a free slot instead of being refused', async () => {
    const attempts = new ConnectAttemptWindow(2, 1500);
    const r = await upClient({ connectAttempts: attempts });
    const rateLimitedBefore = sim.wsStats().refusedByReason.rateLimit ?? 0;
    sim.wsFault({ kind: 'drop', product: 'spot' }); // second attempt: allowed
    await waitFor(() => r.client.isUp() && r.gaps.length === 1, 3000, 'first recovery');
    const cut = Date.now();
    sim.wsFault({ kind: 'drop', product: 'spot' }); // third: waits until the first leaves the window
    await waitFor(() => r.client.isUp() && r.gaps.length === 2, 4000, 'second recovery');
    expect(attempts.used()).toBeLessThanOrEqual(2);
    console.log(`attempt window: third connection after ${Date.now() - cut} ms`);
    expect(sim.wsStats().refusedByReason.rateLimit ?? 0).toBe(rateLimitedBefore);
    await r.client.stop();
  });

  it('stop(): closes everything and never reconnects', async () => {
    const r = await upClient();
    const accepted = sim.wsStats().accepted;
    await r.client.stop();
    await sleep(300);
    expect(sim.wsStats().accepted).toBe(accepted);
    expect(r.client.stats().connections).toBe(0);
    expect(longestSilence(r.frames, 'btcusdt@ticker')).toBeLessThan(1000);
  });
});
