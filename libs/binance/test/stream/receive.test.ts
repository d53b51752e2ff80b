// Every subscribed stream arrives, on each product and path.

import type { Simulator } from '@marketpipe/binance-sim';
import { recordedClient, startSim, stopClients, streamsOf, waitFor } from './helpers';

jest.setTimeout(20_000);

let sim: Simulator;
beforeAll(async () => {
  sim = await startSim({ ws: { tickMs: 200 } });
});
afterEach(() => stopClients());
afterAll(() => sim.close());

describe('StreamClient receives', () => {
  it('six spot @ticker streams on one connection', async () => {
    const streams = ['btcusdt', 'ethusdt', 'bnbusdt', 'solusdt', 'xrpusdt', 'adausdt'].map((s) => `${s}@ticker`);
    const r = recordedClient({ product: 'spot', baseUrl: sim.wsUrl, streams });
    r.client.start();
    await waitFor(() => streams.every((s) => streamsOf(r.frames).has(s)), 5000, 'all six streams');
    expect(r.client.isUp()).toBe(true);
    expect(r.states).toEqual([{ up: true, at: expect.any(Number) as unknown }]);
    const stats = r.client.stats();
    expect(stats).toMatchObject({ connections: 1, streams: 6, reconnects: 0, malformed: 0, gaps: 0 });
    const frame = r.frames.find((f) => f.stream === 'btcusdt@ticker');
    expect(frame?.data).toMatchObject({ e: '24hrTicker', s: 'BTCUSDT' });
    expect(await r.client.listSubscriptions()).toEqual([...streams].sort());
    const metrics = await r.registry.getSingleMetricAsString('marketpipe_stream_up');
    expect(metrics).toContain('marketpipe_stream_up{stream_client="spot"} 1');
    await r.client.stop();
    expect(r.client.isUp()).toBe(false);
    expect(r.states.at(-1)?.up).toBe(false);
  });

  it('futures !ticker@arr and !markPrice@arr@1s on /market', async () => {
    const streams = ['!ticker@arr', '!markPrice@arr@1s'];
    const r = recordedClient({ product: 'futures', baseUrl: sim.wsUrl, path: '/market', streams });
    r.client.start();
    await waitFor(() => streams.every((s) => streamsOf(r.frames).has(s)), 5000, 'both arrays');
    const mark = r.frames.find((f) => f.stream === '!markPrice@arr@1s');
    expect(Array.isArray(mark?.data)).toBe(true);
    await r.client.stop();
  });

  it('options: optionMarkPrice and !index@arr on /market, an optionTicker on /public', async () => {
    const info = (await (await fetch(`${sim.url}/eapi/v1/exchangeInfo`)).json()) as {
      optionSymbols: { symbol: string }[];
    };
    const symbol = (info.optionSymbols[0]?.symbol ?? '').toLowerCase();
    const market = recordedClient({
      product: 'options',
      baseUrl: sim.wsUrl,
      path: '/market',
      name: 'options-market',
      streams: ['btcusdt@optionMarkPrice', '!index@arr'],
    });
    const pub = recordedClient({
      product: 'options',
      baseUrl: sim.wsUrl,
      path: '/public',
      name: 'options-public',
      metrics: market.registry,
      streams: [`${symbol}@optionTicker`],
    });
    market.client.start();
    pub.client.start();
    await waitFor(
      () => streamsOf(market.frames).has('btcusdt@optionMarkPrice') && streamsOf(market.frames).has('!index@arr'),
      5000,
      'options market streams',
    );
    await waitFor(() => streamsOf(pub.frames).has(`${symbol}@optionTicker`), 5000, 'option ticker');
    // Two clients, one registry: both labelled series exist.
    const text = await market.registry.metrics();
    expect(text).toContain('marketpipe_stream_messages_total{stream_client="options-market"}');
    expect(text).toContain('marketpipe_stream_messages_total{stream_client="options-public"}');
    await Promise.all([market.client.stop(), pub.client.stop()]);
  });
});
