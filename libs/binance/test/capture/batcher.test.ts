import { Batcher } from '../../src/capture/batcher';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Batcher', () => {
  it('hands a burst over in one call, keeping every value in order, even repeated ones', async () => {
    const out: string[][] = [];
    const b = new Batcher<string>((v) => out.push(v), 5);
    b.push('BTC 1m 0');
    b.push('BTC 1m 60000');
    b.push('BTC 1m 60000');
    expect(out).toEqual([]);
    await sleep(20);
    expect(out).toEqual([['BTC 1m 0', 'BTC 1m 60000', 'BTC 1m 60000']]);
    b.push('ETH 1m 0');
    await sleep(20);
    expect(out).toEqual([['BTC 1m 0', 'BTC 1m 60000', 'BTC 1m 60000'], ['ETH 1m 0']]);
    b.stop();
  });

  it('takes nothing after stop and drops its timer', async () => {
    const out: number[][] = [];
    const b = new Batcher<number>((v) => out.push(v), 5);
    b.push(1);
    b.stop();
    b.push(2);
    await sleep(20);
    expect(out).toEqual([]);
  });
});
