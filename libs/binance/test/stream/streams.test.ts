// The stream set: spread over connections under the per-connection cap, changed at run time,
// and a name the server refuses given up without a loop.

import type { Simulator } from '@marketpipe/binance-sim';
import { recordedClient, sleep, startSim, stopClients, streamsOf, waitFor } from './helpers';

jest.setTimeout(30_000);

let sim: Simulator;
afterEach(async () => {
  await stopClients();
  await sim.close();
});

describe('StreamClient stream set', () => {
  it('spreads 2,100 spot streams over 3 connections within the message rate', async () => {
    sim = await startSim({ universe: 'full', ws: { tickMs: 500 } });
    const info = (await (await fetch(`${sim.url}/api/v3/exchangeInfo`)).json()) as {
      symbols: { symbol: string; status: string }[];
    };
    const symbols = info.symbols.filter((s) => s.status === 'TRADING').map((s) => s.symbol.toLowerCase());
    const streams = [...symbols.map((s) => `${s}@ticker`), ...symbols.map((s) => `${s}@miniTicker`)].slice(0, 2100);
    expect(streams).toHaveLength(2100);
    const r = recordedClient({ product: 'spot', baseUrl: sim.wsUrl, streams, silenceMs: 5000 });
    const start = Date.now();
    r.client.start();
    await waitFor(() => r.client.isUp(), 10_000, 'all subscribed');
    const upAfter = Date.now() - start;
    await waitFor(() => streamsOf(r.frames).size === 2100, 10_000, 'data on every stream');
    console.log(`2100 streams: up after ${upAfter} ms, data on all after ${Date.now() - start} ms`);
    const ws = sim.wsStats();
    expect(ws.open.spot).toBe(3);
    expect(ws.subscriptions).toBe(2100);
    expect(ws.closes.messageRate ?? 0).toBe(0);
    expect(r.client.stats()).toMatchObject({ connections: 3, streams: 2100, reconnects: 0, controlErrors: 0 });
  });

  it('setStreams subscribes the additions, unsubscribes the removals, opens and closes connections', async () => {
    sim = await startSim({ ws: { tickMs: 200 } });
    const base = ['btcusdt@ticker', 'ethusdt@ticker', 'bnbusdt@ticker'];
    const r = recordedClient({
      product: 'spot',
      baseUrl: sim.wsUrl,
      streams: base,
      limits: { maxStreamsPerConnection: 4 },
    });
    r.client.start();
    await waitFor(() => r.client.isUp(), 5000, 'up');
    const next = ['ethusdt@ticker', 'bnbusdt@ticker', 'solusdt@ticker', 'xrpusdt@ticker', 'adausdt@ticker'];
    r.client.setStreams(next);
    await waitFor(() => r.client.isUp() && r.client.stats().connections === 2, 5000, 'two connections');
    expect(await r.client.listSubscriptions()).toEqual([...next].sort());
    expect(sim.wsStats().subscriptions).toBe(5);
    const after = Date.now() + 300;
    await sleep(1000);
    const later = r.frames.filter((f) => f.at > after);
    expect(streamsOf(later)).toEqual(new Set(next));
    r.client.setStreams(['xrpusdt@ticker']);
    await waitFor(() => r.client.stats().connections === 1, 3000, 'one connection');
    expect(await r.client.listSubscriptions()).toEqual(['xrpusdt@ticker']);
    expect(r.client.stats().streams).toBe(1);
    expect(r.gaps).toHaveLength(0);
  });

  it('a stream the server refuses is logged, counted and given up; the others flow and the client is up', async () => {
    sim = await startSim({ ws: { tickMs: 200 } });
    const streams = ['btcusdt@ticker', 'ethusdt@ticker', 'btcusdt@nosuchstream', 'bnbusdt@ticker'];
    const r = recordedClient({ product: 'spot', baseUrl: sim.wsUrl, streams });
    r.client.start();
    await waitFor(() => r.client.isUp(), 5000, 'up');
    await waitFor(() => streamsOf(r.frames).size === 3, 3000, 'three streams');
    const stats = r.client.stats();
    expect(stats).toMatchObject({ rejected: 1, streams: 3, reconnects: 0 });
    // One batch of 4, halved twice: 3 failed requests before the bad name stands alone.
    expect(stats.controlErrors).toBe(3);
    expect((await r.client.listSubscriptions()).sort()).toEqual(
      ['bnbusdt@ticker', 'btcusdt@ticker', 'ethusdt@ticker'].sort(),
    );
    await sleep(500);
    expect(r.client.stats().controlErrors).toBe(3);
  });
});
