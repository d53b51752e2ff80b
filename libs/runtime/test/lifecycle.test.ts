import { createLogger, Lifecycle } from '../src';

const logger = createLogger('test', 'silent');

describe('Lifecycle', () => {
  it('runs stop hooks in reverse order of registration, once, however often stop is called', async () => {
    const order: string[] = [];
    const life = new Lifecycle(logger);
    life.onStop('kafka', () => void order.push('kafka'));
    life.onStop('publisher', async () => {
      await new Promise((r) => setTimeout(r, 10));
      order.push('publisher');
    });
    await Promise.all([life.stop('test'), life.stop('again')]);
    await life.stop('third');
    expect(order).toEqual(['publisher', 'kafka']);
    expect(life.signal.aborted).toBe(true);
  });

  it('keeps stopping the others when one hook fails', async () => {
    const order: string[] = [];
    const life = new Lifecycle(logger);
    life.onStop('a', () => void order.push('a'));
    life.onStop('b', () => {
      throw new Error('b failed');
    });
    await life.stop('test');
    expect(order).toEqual(['a']);
  });

  it('gives up at the deadline instead of hanging', async () => {
    const life = new Lifecycle(logger, 50);
    life.onStop('stuck', () => new Promise(() => undefined));
    await expect(life.stop('test')).rejects.toThrow('shutdown did not finish within 50 ms');
  });
});
