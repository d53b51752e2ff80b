import { unifiedMarket } from '../../libs/contracts/test/samples';
import { parseStartArgs } from '../src/args';
import { renderRow, renderView } from '../src/view';

describe('the live terminal view', () => {
  it('shows price, change, funding, ATM IV, psych, quantum, best SRONA and ages with stale ones starred', () => {
    const row = renderRow(unifiedMarket('ETHUSDT'));
    expect(row).toContain('ETHUSDT');
    expect(row).toContain('60755.18');
    expect(row).toContain('-3.00%');
    expect(row).toContain('+0.0100%');
    expect(row).toContain('70.9%');
    expect(row).toContain('PESIMISMO');
    expect(row).toContain('0.453');
    expect(row).toContain('ETH-231229-3000-C 0.61');
    expect(row).toContain('S120ms');
    const stale = {
      ...unifiedMarket('ETHUSDT'),
      freshness: [{ source: 'SPOT' as const, present: true, ageMs: 12_000, stale: true }],
    };
    expect(renderRow(stale)).toContain('S12.0s*');
  });

  it('sorts symbols under a header and ends with the status line', () => {
    const screen = renderView([unifiedMarket('XRPUSDT'), unifiedMarket('BTCUSDT')], 'status here').split('\n');
    expect(screen[0]).toMatch(/^SYMBOL/);
    expect(screen[1]).toMatch(/^BTCUSDT/);
    expect(screen[2]).toMatch(/^XRPUSDT/);
    expect(screen.at(-1)).toBe('status here');
  });
});

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
