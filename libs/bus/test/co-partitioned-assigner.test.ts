import { coPartitionedAssignment } from '../src';

describe('coPartitionedAssignment', () => {
  it('gives partition p of every topic to the same member', () => {
    const topics = new Map([
      ['market.spot.ticker', [0, 1, 2]],
      ['analytics.psych', [2, 1, 0]],
      ['market.options.chain', [0, 1, 2]],
    ]);
    const a = coPartitionedAssignment(['m-b', 'm-a'], topics);
    expect(a.get('m-a')).toEqual({
      'market.spot.ticker': [0, 2],
      'analytics.psych': [0, 2],
      'market.options.chain': [0, 2],
    });
    expect(a.get('m-b')).toEqual({ 'market.spot.ticker': [1], 'analytics.psych': [1], 'market.options.chain': [1] });
  });

  it('assigns every partition exactly once, whatever the member count', () => {
    const topics = new Map([
      ['t1', [0, 1, 2, 3, 4, 5]],
      ['t2', [0, 1, 2, 3, 4, 5]],
    ]);
    for (const n of [1, 2, 4, 7]) {
      const a = coPartitionedAssignment(
        Array.from({ length: n }, (_, i) => `m${i}`),
        topics,
      );
      const seen = [...a.values()].flatMap((x) =>
        (x['t1'] ?? []).map((p) => `t1:${p}`).concat((x['t2'] ?? []).map((p) => `t2:${p}`)),
      );
      expect(seen.sort()).toEqual([...topics].flatMap(([t, ps]) => ps.map((p) => `${t}:${p}`)).sort());
    }
  });
});
