import { assertContract, contractViolation } from '../src/contract';
import { ContractError } from '../src/errors';
import { ALL_TOPICS } from '../src/topics';
import { optionsChain, SAMPLES, spotTicker, unifiedMarket } from './samples';

describe('contract validation', () => {
  it.each(ALL_TOPICS)('accepts the sample %s record', (topic) => {
    expect(contractViolation(topic, SAMPLES[topic]())).toBeUndefined();
  });

  it('rejects a NaN price and names the field', () => {
    expect(contractViolation('market.spot.ticker', { ...spotTicker(), lastPrice: Number.NaN })).toBe(
      'lastPrice: expected a finite double, got NaN',
    );
  });

  it('rejects Infinity in a nullable double', () => {
    expect(contractViolation('market.spot.ticker', { ...spotTicker(), bidPrice: Number.POSITIVE_INFINITY })).toBe(
      'bidPrice: expected a finite double, got Infinity',
    );
  });

  it('rejects a missing field instead of letting Avro fail later', () => {
    const { source: _dropped, ...rest } = spotTicker();
    expect(contractViolation('market.spot.ticker', rest)).toBe(
      'source: expected a string, got undefined (field missing)',
    );
  });

  it('rejects a price sent as a string, as Binance sends it', () => {
    expect(contractViolation('market.spot.ticker', { ...spotTicker(), lastPrice: '60755.18' })).toBe(
      'lastPrice: expected a finite double, got "60755.18"',
    );
  });

  it('rejects a field the schema does not know', () => {
    expect(contractViolation('market.spot.ticker', { ...spotTicker(), lastprice: 1 })).toBe(
      'lastprice: field not in schema marketpipe.contracts.SpotTicker',
    );
  });

  it('names the path inside arrays of nested records', () => {
    const chain = optionsChain();
    const bad = { ...chain, contracts: [chain.contracts[0], { ...chain.contracts[1], strike: Number.NaN }] };
    expect(contractViolation('market.options.chain', bad)).toBe(
      'contracts[1].strike: expected a finite double, got NaN',
    );
  });

  it('rejects an unknown enum symbol', () => {
    const chain = optionsChain();
    const bad = { ...chain, contracts: [{ ...chain.contracts[0], side: 'C' }] };
    expect(contractViolation('market.options.chain', bad)).toBe('contracts[0].side: expected one of CALL|PUT, got "C"');
  });

  it('rejects a fractional or unsafe timestamp', () => {
    expect(contractViolation('market.spot.ticker', { ...spotTicker(), eventTime: 1.5 })).toBe(
      'eventTime: expected a safe integer, got 1.5',
    );
    expect(contractViolation('market.spot.ticker', { ...spotTicker(), eventTime: 2 ** 60 })).toMatch(
      /^eventTime: expected a safe integer/,
    );
  });

  it('checks the source records inlined in a unified record', () => {
    const u = unifiedMarket();
    const bad = { ...u, spot: { ...u.spot, askPrice: Number.NaN } };
    expect(contractViolation('unified-market', bad)).toBe('spot.askPrice: expected a finite double, got NaN');
  });

  it('throws a ContractError that names the topic and the field', () => {
    expect(() => assertContract('market.spot.ticker', { ...spotTicker(), volume: null })).toThrow(
      new ContractError('market.spot.ticker', 'volume: expected a finite double, got null'),
    );
    expect(() => assertContract('market.spot.ticker', { ...spotTicker(), volume: null })).toThrow(
      'invalid record for market.spot.ticker: volume: expected a finite double, got null',
    );
  });
});
