import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TopicStatus } from '@marketpipe/bus';
import { asOf } from '@marketpipe/consolidator';
import { unifiedMarket } from '../../libs/contracts/test/samples';
import { cliEnv, parseCliArgs, renderSnapshots, renderSubjects, tailTarget, topicProblems } from '../src';

describe('marketpipe command line', () => {
  it('parses each command', () => {
    expect(parseCliArgs(['snapshot', 'btcusdt', 'ethusdt'])).toEqual({
      name: 'snapshot',
      symbols: ['BTCUSDT', 'ETHUSDT'],
      all: false,
      json: false,
    });
    expect(parseCliArgs(['snapshot', '--all', '--json'])).toMatchObject({ all: true, json: true });
    expect(parseCliArgs(['tail', 'unified-market', '--from-beginning', '--max', '5', '--key', 'BTCUSDT'])).toEqual({
      name: 'tail',
      topic: 'unified-market',
      fromBeginning: true,
      max: 5,
      key: 'BTCUSDT',
    });
    expect(parseCliArgs(['topics', '--create'])).toEqual({ name: 'topics', create: true, json: false });
    expect(parseCliArgs(['schemas', '--check'])).toEqual({ name: 'schemas', check: true, json: false });
    expect(parseCliArgs([])).toEqual({ name: 'help' });
  });

  it('names what is wrong with a command line', () => {
    expect(() => parseCliArgs(['snapshot'])).toThrow('snapshot needs a symbol (e.g. BTCUSDT) or --all');
    expect(() => parseCliArgs(['snapshot', 'BTCUSDT', '--all'])).toThrow('snapshot takes symbols or --all, not both');
    expect(() => parseCliArgs(['tail'])).toThrow('tail needs exactly one topic');
    expect(() => parseCliArgs(['tail', 'x', '--max', '0'])).toThrow('--max must be a positive integer, got "0"');
    expect(() => parseCliArgs(['topics', '--all'])).toThrow('topics does not take --all');
    expect(() => parseCliArgs(['frobnicate'])).toThrow('unknown command "frobnicate"');
    expect(() => parseCliArgs(['snapshot', '--bogus'])).toThrow("Unknown option '--bogus'");
  });

  it('tails contract topics decoded and DLQs raw, and refuses other topics', () => {
    expect(tailTarget('unified-market')).toEqual({ kind: 'contract', topic: 'unified-market' });
    expect(tailTarget('analytics.psych.dlq')).toEqual({ kind: 'dlq', topic: 'analytics.psych.dlq' });
    expect(() => tailTarget('orders')).toThrow('unknown topic "orders"; marketpipe topics are market.spot.ticker');
  });

  it('takes connection settings from the environment over .infra/env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-cli-'));
    expect(cliEnv(dir, { A: '1' })).toEqual({ A: '1' });
    mkdirSync(join(dir, '.infra'));
    writeFileSync(join(dir, '.infra', 'env'), 'KAFKA_BROKERS=127.0.0.1:9092\nREDIS_URL=redis://local:6379\n');
    expect(cliEnv(dir, { REDIS_URL: 'redis://mine:6379' })).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      REDIS_URL: 'redis://mine:6379',
    });
  });
});

describe('snapshot output', () => {
  const u = unifiedMarket('ETHUSDT'); // written at emitTime, spot 120 ms old then

  it('ages every source by the time since the snapshot was written, so a stopped writer reads stale', () => {
    const later = asOf(u, u.emitTime + 15_000, 10_000);
    const spot = later.freshness.find((f) => f.source === 'SPOT');
    expect(spot).toMatchObject({ ageMs: 15_120, stale: true });
    expect(later.confidence).toBe(0);
    const same = asOf(u, u.emitTime, 10_000);
    expect(same.freshness).toEqual(u.freshness);
    expect(same.confidence).toBeCloseTo(u.confidence, 12);
  });

  it('prints a table with ages as of now and says which symbols have no snapshot', () => {
    const { lines, exitCode } = renderSnapshots(
      [
        { symbol: 'ETHUSDT', unified: u },
        { symbol: 'XRPUSDT', missing: 'expired' },
        { symbol: 'NOPEUSDT', missing: 'unknown' },
      ],
      null,
      { json: false, all: false, now: u.emitTime + 12_000, staleMs: 10_000 },
    );
    const text = lines.join('\n');
    expect(text).toMatch(/^SYMBOL/);
    expect(text).toContain('ETHUSDT');
    expect(text).toContain('S12.1s*');
    expect(text).toContain('XRPUSDT (expired: the consolidator stopped writing it)');
    expect(text).toContain('NOPEUSDT (never written)');
    expect(exitCode).toBe(1);
  });

  it('prints the stored JSON, one object per line', () => {
    const { lines, exitCode } = renderSnapshots([{ symbol: 'ETHUSDT', unified: u }], null, {
      json: true,
      all: false,
      now: u.emitTime,
      staleMs: 10_000,
    });
    expect(exitCode).toBe(0);
    expect(JSON.parse(lines[0] as string)).toEqual(asOf(u, u.emitTime, 10_000));
  });
});

describe('topics and schemas output', () => {
  const status = (over: Partial<TopicStatus>): TopicStatus => ({
    topic: 'unified-market',
    exists: true,
    partitions: 6,
    wantedPartitions: 6,
    configDiff: {},
    overrides: {},
    ...over,
  });

  it('lists what differs from what marketpipe wants', () => {
    expect(topicProblems(status({}))).toEqual([]);
    expect(topicProblems(status({ exists: false, partitions: null }))).toEqual(['missing']);
    expect(
      topicProblems(status({ partitions: 3, configDiff: { 'cleanup.policy': ['delete', 'compact,delete'] } })),
    ).toEqual(['3 partitions, want 6', 'cleanup.policy=delete, want compact,delete']);
  });

  it('says why a schema is refused', () => {
    const lines = renderSubjects([
      {
        topic: 'unified-market',
        subject: 'unified-market-value',
        latest: { id: 8, version: 1 },
        registered: false,
        compatible: false,
        reasons: ['field "confidence" removed without a default'],
        compatibility: 'FULL_TRANSITIVE',
      },
    ]);
    expect(lines[1]).toContain('INCOMPATIBLE (FULL_TRANSITIVE): field "confidence" removed without a default');
  });
});
