// When frames leave: on the real clock each 1 s stream goes out as its model second begins, so the
// gap between a frame's event time and its arrival is the push itself, not a random phase within
// the second (which would add up to 1 s to every event-time latency measured downstream).

import { startTestSim, type TestSim } from './helpers';
import { connect, onStream, type Rec } from './ws-helpers';

let sim: TestSim;
beforeAll(async () => {
  sim = await startTestSim({ now: Date.now });
});
afterAll(() => sim.close());

it('1 s streams leave within a few ms of their model second, every second', async () => {
  const c = await connect(`${sim.wsUrl}/stream?streams=btcusdt@ticker`);
  const arrivals: { at: number; E: number }[] = [];
  c.ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as { stream?: string; data?: Rec };
    if (f.stream !== undefined && onStream('btcusdt@ticker')(f))
      arrivals.push({ at: Date.now(), E: Number(f.data?.['E']) });
  });
  while (arrivals.length < 4) await new Promise((r) => setTimeout(r, 50));
  await c.close();
  const lags = arrivals.map((a) => a.at - a.E);
  // Each frame carries a new second, one second after the previous one.
  for (let i = 1; i < arrivals.length; i++) expect((arrivals[i]?.E ?? 0) - (arrivals[i - 1]?.E ?? 0)).toBe(1000);
  // A random phase would put three of four frames over 250 ms late; the margin is for a loaded CI machine.
  expect(lags.filter((l) => l < 250).length).toBeGreaterThanOrEqual(3);
  for (const l of lags) expect(l).toBeGreaterThanOrEqual(0);
});

it('a model clock a ms behind the wall clock still sends each new second on its tick', async () => {
  // The frames of a tick are rendered ahead from the model clock read next to the wall clock; a
  // read landing a ms short of the boundary once sent the ending second again and skipped the new one.
  const behind = await startTestSim({ now: () => Date.now() - 1 });
  try {
    const c = await connect(`${behind.wsUrl}/stream?streams=btcusdt@ticker`);
    const arrivals: { at: number; E: number }[] = [];
    c.ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as { stream?: string; data?: Rec };
      if (f.stream === 'btcusdt@ticker') arrivals.push({ at: Date.now(), E: Number(f.data?.['E']) });
    });
    while (arrivals.length < 3) await new Promise((r) => setTimeout(r, 50));
    await c.close();
    for (let i = 1; i < arrivals.length; i++) expect((arrivals[i]?.E ?? 0) - (arrivals[i - 1]?.E ?? 0)).toBe(1000);
    expect(arrivals.filter((a) => a.at - a.E < 250).length).toBeGreaterThanOrEqual(2);
  } finally {
    await behind.close();
  }
});
