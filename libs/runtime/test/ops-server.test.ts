import { Counter } from 'prom-client';
import { OpsServer } from '../src';

describe('OpsServer', () => {
  const ops = new OpsServer('test-service');
  let base: string;

  beforeAll(async () => {
    const port = await ops.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => ops.close());

  it('answers /healthz while the process runs', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 503 until every check is ready, listing the checks', async () => {
    ops.setReady('kafka', false, 'connecting');
    ops.setReady('redis', true);
    let res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not-ready',
      checks: { kafka: { ready: false, detail: 'connecting' }, redis: { ready: true, detail: '' } },
    });
    ops.setReady('kafka', true, 'connected');
    res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
  });

  it('serves Prometheus metrics with the service label', async () => {
    const counter = new Counter({ name: 'marketpipe_test_total', help: 'test', registers: [ops.metrics] });
    counter.inc(3);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('marketpipe_test_total{service="test-service"} 3');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('answers unknown paths with 404', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
