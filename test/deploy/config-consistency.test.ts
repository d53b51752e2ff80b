// One source of truth for configuration: docker-compose.yml and every rendered k8s overlay set
// only variables the services' config specs know, set every required one, and set values that
// parse. A variable renamed in code and not in the manifests fails here, not in production.
import { join } from 'node:path';
import { composeContainers, parseCompose, readCompose, readEnvFile } from './compose';
import { checkContainerEnv, type ContainerEnv } from './env-check';
import { k8sContainers, OVERLAYS, parseManifests, render, ROOT } from './kustomize';
import { marketpipeImage, SERVICES } from './service-configs';

function problemsOf(containers: readonly ContainerEnv[]): string[] {
  return containers.flatMap(checkContainerEnv);
}

function imagesOf(containers: readonly ContainerEnv[]): string[] {
  return containers.map((c) => marketpipeImage(c.image)).filter((k): k is string => k !== undefined);
}

describe('docker-compose.yml matches the services configuration', () => {
  const containers = composeContainers(readCompose(join(ROOT, 'docker-compose.yml')), 'docker-compose.yml');

  it('runs the seven services, the provision job and the simulator from marketpipe images', () => {
    expect(imagesOf(containers).sort()).toEqual([...SERVICES, 'provision', 'binance-sim'].sort());
  });

  it('sets only known variables, every required one, with values that parse', () => {
    expect(problemsOf(containers)).toEqual([]);
  });

  it('does so with the sim profile too (compose/sim.env)', () => {
    const vars = readEnvFile(join(ROOT, 'compose', 'sim.env'));
    const sim = composeContainers(readCompose(join(ROOT, 'docker-compose.yml')), 'docker-compose.yml', vars);
    expect(problemsOf(sim)).toEqual([]);
    const spot = sim.find((c) => c.where.endsWith('service capture-spot'));
    expect(spot?.env.find((e) => e.name === 'BINANCE_SPOT_URL')?.value).toBe('http://binance-sim:8090');
  });
});

describe.each(OVERLAYS)('k8s overlay %s matches the services configuration', (overlay) => {
  const { containers, problems } = k8sContainers(render(overlay), `overlays/${overlay}`);

  it('runs the seven services and the provision job from marketpipe images', () => {
    const expected = [...SERVICES, 'provision', ...(overlay === 'dev' ? ['binance-sim'] : [])];
    expect(imagesOf(containers).sort()).toEqual(expected.sort());
  });

  it('resolves every envFrom and valueFrom reference', () => {
    expect(problems).toEqual([]);
  });

  it('sets only known variables, every required one, with values that parse', () => {
    expect(problemsOf(containers)).toEqual([]);
  });
});

// The check itself must be able to fail: each case is a small manifest with one mistake.
describe('the consistency check catches', () => {
  it('a misspelled variable in compose (unknown, and the required one it replaced is missing)', () => {
    const file = parseCompose(`
services:
  quantum:
    image: marketpipe/quantum:0.1.0
    environment:
      KAFKA_BROKER: kafka:9092
      SCHEMA_REGISTRY_URL: http://registry:8080/apis/ccompat/v7
`);
    expect(problemsOf(composeContainers(file, 'test.yml'))).toEqual([
      'test.yml service quantum (image quantum): KAFKA_BROKER (from environment) is not a variable quantum reads',
      'test.yml service quantum (image quantum): required variable KAFKA_BROKERS is not set',
    ]);
  });

  it('a variable set on a service that does not read it (REDIS_URL outside the consolidator)', () => {
    const file = parseCompose(`
services:
  psych:
    image: marketpipe/psych:0.1.0
    environment:
      KAFKA_BROKERS: kafka:9092
      SCHEMA_REGISTRY_URL: http://registry:8080/apis/ccompat/v7
      REDIS_URL: redis://redis:6379
`);
    expect(problemsOf(composeContainers(file, 'test.yml'))).toEqual([
      'test.yml service psych (image psych): REDIS_URL (from environment) is not a variable psych reads',
    ]);
  });

  it('a value the service would refuse at start-up', () => {
    const file = parseCompose(`
services:
  srona:
    image: marketpipe/srona:0.1.0
    environment:
      KAFKA_BROKERS: kafka
      SCHEMA_REGISTRY_URL: http://registry:8080/apis/ccompat/v7
      KAFKA_SASL_MECHANISM: SCRAM-SHA-512
`);
    const problems = problemsOf(composeContainers(file, 'test.yml'));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/KAFKA_BROKERS="kafka": item 1 \("kafka"\): expected host:port/);
    expect(problems[1]).toMatch(/KAFKA_SASL_MECHANISM="SCRAM-SHA-512": expected one of none, plain/);
  });

  it('a required variable a k8s ConfigMap no longer provides, and an envFrom that cannot be resolved', () => {
    const objects = parseManifests(`
apiVersion: v1
kind: ConfigMap
metadata: { name: kafka }
data: { KAFKA_BROKERS: 'kafka:9092', SCHEMA_REGISTRY_URL: 'http://registry:8080' }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: consolidator }
spec:
  selector: { matchLabels: { app: c } }
  template:
    metadata: { labels: { app: c } }
    spec:
      containers:
        - name: consolidator
          image: registry.example/marketpipe/consolidator:0.1.0
          envFrom: [{ configMapRef: { name: kafka } }, { configMapRef: { name: redis } }]
          env:
            - name: KAFKA_SASL_PASSWORD
              valueFrom: { secretKeyRef: { name: creds, key: password } }
            - name: CONSOLIDATOR_TICK
              value: '100'
`);
    const { containers, problems } = k8sContainers(objects, 'test');
    expect(problems).toEqual([
      'test Deployment/consolidator container consolidator: envFrom ConfigMap redis is not in the rendered manifests',
    ]);
    expect(problemsOf(containers)).toEqual([
      'test Deployment/consolidator container consolidator (image consolidator): CONSOLIDATOR_TICK (from env) is not a variable consolidator reads',
      'test Deployment/consolidator container consolidator (image consolidator): required variable REDIS_URL is not set',
    ]);
  });

  it('nothing on third-party images, whose variables are their own', () => {
    const file = parseCompose(
      'services:\n  kafka:\n    image: apache/kafka:3.9.2\n    environment: { KAFKA_NODE_ID: 1 }\n',
    );
    expect(problemsOf(composeContainers(file, 'test.yml'))).toEqual([]);
  });
});
