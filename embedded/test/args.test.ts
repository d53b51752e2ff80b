import { parseStartArgs } from '../src/args';

describe('pnpm start arguments', () => {
  it('defaults to live Binance with the view on a terminal', () => {
    expect(parseStartArgs([], true)).toEqual({
      sim: false,
      universe: 'default',
      seed: '42',
      host: '127.0.0.1',
      port: 8090,
      view: true,
      durationSeconds: 0,
    });
    expect(parseStartArgs(['--sim', '--no-view', '--port', '0'], true)).toMatchObject({
      sim: true,
      view: false,
      port: 0,
    });
    expect(parseStartArgs([], false).view).toBe(false);
  });

  it('names a bad argument', () => {
    expect(() => parseStartArgs(['--universe', 'huge'], true)).toThrow(
      '--universe must be default or full, got "huge"',
    );
    expect(() => parseStartArgs(['--port', 'x'], true)).toThrow('--port must be 0..65535, got "x"');
    expect(() => parseStartArgs(['--bogus'], true)).toThrow("Unknown option '--bogus'");
  });
});
