// The simulator on a hand-held clock, and the first stream payload a WebSocket receives. The model
// state is a function of the clock's second, so with the clock held still a REST answer and a
// stream frame describe the same market state (libs/binance-sim README, "WebSocket market streams").
import { startSimulator, type Simulator } from '../src';

/** 2026-11-25 08:30:15.250 UTC, the simulator's own test instant: mid-minute, mid-second. */
export const T0 = Date.UTC(2026, 10, 25, 8, 30, 15, 250);

export interface HeldSim {
  sim: Simulator;
  clock: { now: number };
  rest(path: string): Promise<unknown>;
  /** The `data` of the first combined-stream frame of `stream` on `path` (e.g. /stream, /market/stream). */
  streamData(path: string, stream: string): Promise<unknown>;
}

export async function startHeldSim(): Promise<HeldSim> {
  const clock = { now: T0 };
  // 100 ms per cadence second keeps the wait for a frame short; payload values follow the held clock.
  const sim = await startSimulator({
    seed: 7,
    now: () => clock.now,
    ws: { tickMs: 100, openInterestIntervalMs: 1000 },
  });
  return {
    sim,
    clock,
    rest: async (path) => {
      const res = await fetch(sim.url + path);
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as unknown;
    },
    streamData: (path, stream) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${sim.wsUrl}${path}?streams=${stream}`);
        const timer = setTimeout(() => {
          ws.close();
          reject(new Error(`no ${stream} frame within 5 s`));
        }, 5000);
        ws.onerror = () => {
          clearTimeout(timer);
          reject(new Error(`WebSocket error on ${path}?streams=${stream}`));
        };
        ws.onmessage = (msg: MessageEvent) => {
          const frame = JSON.parse(String(msg.data)) as { stream?: unknown; data?: unknown };
          if (frame.stream !== stream) return;
          clearTimeout(timer);
          ws.close();
          resolve(frame.data);
        };
      }),
  };
}
