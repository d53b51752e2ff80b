import { ConfigError, bool, defineConfig, hostPort, int, list, num, oneOf, parseConfig, url } from '../src';

const spec = defineConfig({
  BROKERS: { doc: 'brokers', parse: list(hostPort(), { min: 1 }) },
  PORT: { doc: 'port', parse: int({ min: 1, max: 65535 }), default: '8080' },
  RATIO: { doc: 'ratio', parse: num({ min: 0, max: 1 }), default: '0.5' },
  TLS: { doc: 'tls', parse: bool(), default: 'false' },
  MODE: { doc: 'mode', parse: oneOf(['ws', 'rest', 'auto'] as const), default: 'auto' },
  REGISTRY: { doc: 'registry', parse: url(['http', 'https']), optional: true },
  PASSWORD: { doc: 'password', parse: int(), optional: true, secret: true },
});

describe('parseConfig', () => {
  it('parses set values and fills defaults', () => {
    const c = parseConfig(spec, { BROKERS: 'a:9092, b:9093', TLS: 'true' });
    expect(c).toEqual({
      BROKERS: ['a:9092', 'b:9093'],
      PORT: 8080,
      RATIO: 0.5,
      TLS: true,
      MODE: 'auto',
      REGISTRY: undefined,
      PASSWORD: undefined,
    });
  });

  it('names a missing required variable', () => {
    expect(() => parseConfig(spec, {})).toThrow('invalid configuration: BROKERS is required (brokers)');
  });

  it('names the variable, the value and what is wrong', () => {
    expect(() => parseConfig(spec, { BROKERS: 'kafka' })).toThrow(
      'BROKERS="kafka": item 1 ("kafka"): expected host:port',
    );
    expect(() => parseConfig(spec, { BROKERS: 'a:1', PORT: '70000' })).toThrow('PORT="70000": must be <= 65535');
    expect(() => parseConfig(spec, { BROKERS: 'a:1', PORT: '80.5' })).toThrow('PORT="80.5": expected an integer');
    expect(() => parseConfig(spec, { BROKERS: 'a:1', RATIO: 'NaN' })).toThrow('RATIO="NaN": expected a finite number');
    expect(() => parseConfig(spec, { BROKERS: 'a:1', MODE: 'grpc' })).toThrow(
      'MODE="grpc": expected one of ws, rest, auto',
    );
    expect(() => parseConfig(spec, { BROKERS: 'a:1', REGISTRY: 'ftp://x' })).toThrow(
      'REGISTRY="ftp://x": expected a http or https URL',
    );
    expect(() => parseConfig(spec, { BROKERS: 'a:1', TLS: 'maybe' })).toThrow('TLS="maybe": expected true or false');
  });

  it('reports every bad variable at once and never echoes a secret', () => {
    let caught: unknown;
    try {
      parseConfig(spec, { PORT: 'x', PASSWORD: 'hunter2' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      'BROKERS is required (brokers)',
      'PORT="x": expected an integer',
      'PASSWORD=(secret): expected an integer',
    ]);
    expect((caught as Error).message).not.toContain('hunter2');
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig(spec, { BROKERS: 'a:1', PORT: '' }).PORT).toBe(8080);
  });
});
