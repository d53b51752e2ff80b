import { unifiedMarket } from '../../../libs/contracts/test/samples';
import { renderRow, renderView } from '../src/view/table';

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
