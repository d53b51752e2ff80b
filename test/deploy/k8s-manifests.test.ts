// The Kubernetes manifests, validated offline: each overlay builds with the kubectl on PATH
// (Debian's kubernetes-client in CI: kustomize v2.0.3), every object validates against the
// Kubernetes OpenAPI schemas (kubernetes-models), and the rules of the deployment hold.
import { validateOpenApi } from './openapi';
import { OVERLAYS, parseManifests, podTemplate, render, type Container, type K8sObject } from './kustomize';
import { allowsInternet, allowsRedis, egressRules, selects } from './network-policy';
import { marketpipeImage, SERVICES } from './service-configs';

const CAPTURES = ['capture-spot', 'capture-futures', 'capture-options'];

interface DeploymentSpec {
  replicas?: number;
  strategy?: { type?: string };
  selector?: { matchLabels?: Record<string, string> };
}

function workload(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (o === undefined) throw new Error(`${kind}/${name} is not in the rendered manifests`);
  return o;
}

function mainContainer(o: K8sObject): Container {
  const c = podTemplate(o)?.spec.containers[0];
  if (c === undefined) throw new Error(`${o.kind}/${o.metadata.name} has no container`);
  return c;
}

function redisPorts(objects: readonly K8sObject[]): number[] {
  const urls = objects
    .filter((o) => o.kind === 'ConfigMap')
    .map((o) => o.data?.['REDIS_URL'])
    .filter((u): u is string => u !== undefined);
  return urls.map((u) => Number(new URL(u).port || 6379));
}

describe('the OpenAPI validation', () => {
  it('reports an invalid object and a kind it has no schema for', () => {
    const results = validateOpenApi(
      parseManifests(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: broken }
spec: { replicas: two, selector: { matchLabels: { a: b } }, template: { spec: { containers: [{ name: c, image: 'x:1', ports: [{ containerPort: http }] }] } } }
---
apiVersion: example.com/v1
kind: Widget
metadata: { name: w }
`),
    );
    expect(results[0]?.errors.join()).toMatch(/spec\/replicas must be integer/);
    expect(results[0]?.errors.join()).toMatch(/containerPort must be integer/);
    expect(results[1]?.errors).toEqual(['no OpenAPI model for example.com/v1 Widget']);
  });
});

describe.each(OVERLAYS)('k8s/overlays/%s', (overlay) => {
  const objects = render(overlay);
  const deployments = SERVICES.map((s) => workload(objects, 'Deployment', s));

  it('validates every object against the Kubernetes OpenAPI schemas', () => {
    const invalid = validateOpenApi(objects).filter((r) => r.errors.length > 0);
    expect(invalid).toEqual([]);
  });

  it('puts everything in one namespace', () => {
    const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace));
    expect([...namespaces]).toEqual([overlay === 'prod' ? 'marketpipe' : 'marketpipe-dev']);
  });

  it.each(SERVICES)('%s: probes, resources, security context and Prometheus annotations', (name) => {
    const d = workload(objects, 'Deployment', name);
    const template = podTemplate(d);
    const c = mainContainer(d);
    expect(c).toMatchObject({
      readinessProbe: { httpGet: { path: '/readyz', port: 'ops' } },
      livenessProbe: { httpGet: { path: '/healthz', port: 'ops' } },
      ports: [{ name: 'ops', containerPort: 8080 }],
      resources: {
        requests: { cpu: expect.anything(), memory: expect.anything() },
        limits: { cpu: expect.anything(), memory: expect.anything() },
      },
      securityContext: {
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      },
    });
    expect(template?.spec).toMatchObject({
      securityContext: { runAsNonRoot: true },
      automountServiceAccountToken: false,
    });
    expect(template?.metadata?.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '8080',
      'prometheus.io/path': '/metrics',
    });
    expect(c.image).not.toMatch(/:latest$/);
    expect(c.image).toMatch(/:[\w.-]+$/);
  });

  it('runs one replica of each capture service with the Recreate strategy', () => {
    for (const name of CAPTURES) {
      const spec = workload(objects, 'Deployment', name).spec as DeploymentSpec;
      expect({ name, replicas: spec.replicas, strategy: spec.strategy?.type }).toEqual({
        name,
        replicas: 1,
        strategy: 'Recreate',
      });
    }
  });

  it('gives every Deployment a PodDisruptionBudget that selects its pods', () => {
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
    for (const d of deployments) {
      const labels = podTemplate(d)?.metadata?.labels ?? {};
      const pdb = pdbs.find((p) => selects((p.spec as DeploymentSpec).selector, labels));
      expect({ deployment: d.metadata.name, pdb: pdb?.metadata.name }).toEqual({
        deployment: d.metadata.name,
        pdb: d.metadata.name,
      });
    }
  });

  it('has a provision Job that runs the provision image with the Kafka configuration', () => {
    const job = workload(objects, 'Job', 'marketpipe-provision');
    expect(marketpipeImage(mainContainer(job).image)).toBe('provision');
  });

  it('lets only the consolidator reach Redis', () => {
    const ports = redisPorts(objects);
    const reaching = deployments
      .filter((d) => egressRules(objects, podTemplate(d)?.metadata?.labels ?? {}).some((r) => allowsRedis(r, ports)))
      .map((d) => d.metadata.name);
    expect(reaching).toEqual(['consolidator']);
  });

  it('lets only the capture services reach Binance (the internet)', () => {
    const marketpipePods = objects
      .map((o) => ({ name: o.metadata.name, labels: podTemplate(o)?.metadata?.labels }))
      .filter((p): p is { name: string; labels: Record<string, string> } => p.labels !== undefined);
    const reaching = marketpipePods
      .filter((p) => egressRules(objects, p.labels).some(allowsInternet))
      .map((p) => p.name)
      .sort();
    expect(reaching).toEqual([...CAPTURES].sort());
  });

  it('denies all other traffic by default', () => {
    const deny = workload(objects, 'NetworkPolicy', 'marketpipe-default-deny');
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  it(
    overlay === 'dev'
      ? 'runs Kafka and Redis as in-cluster StatefulSets'
      : 'has no in-cluster Kafka, registry or Redis (external)',
    () => {
      const stateful = objects
        .filter((o) => o.kind === 'StatefulSet')
        .map((o) => o.metadata.name)
        .sort();
      expect(stateful).toEqual(overlay === 'dev' ? ['kafka', 'redis'] : []);
      const thirdParty = objects
        .map((o) => podTemplate(o)?.spec.containers[0]?.image)
        .filter((i): i is string => i !== undefined && marketpipeImage(i) === undefined);
      expect(thirdParty.length > 0).toBe(overlay === 'dev');
      if (overlay === 'dev') {
        // KRaft storage is formatted with CLUSTER_ID, which must be a Kafka Uuid (16 bytes, base64url).
        const id = mainContainer(workload(objects, 'StatefulSet', 'kafka')).env?.find((e) => e.name === 'CLUSTER_ID');
        expect(Buffer.from(id?.value ?? '', 'base64url')).toHaveLength(16);
      }
    },
  );
});
