// docker-compose.yml, validated without a Docker engine: Debian's docker-compose (1.29, which
// checks the file against the compose schema it ships) accepts it, with and without the `sim`
// profile, and the file has the shape the README promises.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCompose, type ComposeService } from './compose';
import { ROOT } from './kustomize';
import { marketpipeImage, SERVICES } from './service-configs';
import { requireTool, run } from './tools';

const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const SIM_ENV = join(ROOT, 'compose', 'sim.env');

function composeConfig(args: readonly string[]): { status: number | null; out: string } {
  const tool = requireTool('docker-compose', 'run `apt-get install docker-compose`');
  const r = run(tool, args, { cwd: ROOT });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('docker-compose.yml', () => {
  const file = readCompose(COMPOSE_FILE);
  const service = (name: string): ComposeService => {
    const s = file.services[name];
    if (s === undefined) throw new Error(`no service ${name}`);
    return s;
  };

  it('is accepted by `docker-compose config` (no engine needed)', () => {
    const r = composeConfig(['-f', COMPOSE_FILE, 'config', '-q']);
    expect(r).toEqual({ status: 0, out: '' });
  });

  it('is accepted with the sim profile and its env file, which adds the simulator', () => {
    const r = composeConfig(['--env-file', SIM_ENV, '-f', COMPOSE_FILE, 'config', '-q']);
    expect(r).toEqual({ status: 0, out: '' });
    expect(service('binance-sim').profiles).toEqual(['sim']);
  });

  it('is checked for real: docker-compose rejects an invalid file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    const bad = join(dir, 'docker-compose.yml');
    writeFileSync(
      bad,
      'services:\n  a:\n    image: x:1\n    depends_on:\n      b: { condition: service_done }\n  b:\n    image: y:1\n',
    );
    const r = composeConfig(['-f', bad, 'config', '-q']);
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/condition/);
  });

  it('runs Kafka 3.9 (KRaft), the Apicurio registry the tests use, and Redis, pinned', () => {
    expect(service('kafka').image).toMatch(/^apache\/kafka:3\.9\.\d+$/);
    expect(service('kafka').environment).toMatchObject({ KAFKA_PROCESS_ROLES: 'broker,controller' });
    expect(service('registry').image).toMatch(/^apicurio\/apicurio-registry:3\.0\.\d+$/);
    expect(service('redis').image).toMatch(/^redis:\d+\.\d+\.\d+/);
  });

  it('gives Kafka a cluster id its storage tool accepts (a Kafka Uuid: 16 bytes, base64url)', () => {
    const id = String((service('kafka').environment as Record<string, unknown>)['CLUSTER_ID']);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });

  it('pins every image tag (no latest, no untagged)', () => {
    for (const [name, s] of Object.entries(file.services)) {
      expect({ name, image: s.image }).toEqual({ name, image: expect.stringMatching(/:[^:/]+$/) });
      expect(s.image).not.toMatch(/:latest$/);
    }
  });

  it('provisions topics and schemas once Kafka and the registry are healthy', () => {
    const p = service('provision');
    expect(marketpipeImage(p.image ?? '')).toBe('provision');
    expect(p.depends_on).toEqual({
      kafka: { condition: 'service_healthy' },
      registry: { condition: 'service_healthy' },
    });
    expect(p.restart).toBe('no');
  });

  it.each(SERVICES)('%s: built from the Dockerfile, health-checked, started after provisioning', (name) => {
    const s = service(name);
    expect(s.build).toMatchObject({ context: '.', dockerfile: 'Dockerfile', args: { PACKAGE: `services/${name}` } });
    expect(JSON.stringify(s.healthcheck?.test)).toContain('/readyz');
    expect(s.depends_on).toMatchObject({ provision: { condition: 'service_completed_successfully' } });
    if (name === 'consolidator') expect(s.depends_on).toMatchObject({ redis: { condition: 'service_healthy' } });
  });

  it('points the capture services at the simulator through the sim env file', () => {
    const r = composeConfig(['--env-file', SIM_ENV, '-f', COMPOSE_FILE, 'config']);
    expect(r.status).toBe(0);
    for (const v of ['BINANCE_SPOT_URL', 'BINANCE_FUTURES_URL', 'BINANCE_OPTIONS_URL'])
      expect(r.out).toContain(`${v}: http://binance-sim:8090`);
  });
});
