// Rendered kustomize overlays as data, and each container's environment resolved the way the
// kubelet resolves it: envFrom ConfigMaps/Secrets (their keys read from the rendered manifests),
// then env entries (literal values, or valueFrom references).
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ContainerEnv, EnvEntry } from './env-check';
import { requireTool, run } from './tools';

export const ROOT = join(__dirname, '..', '..');
export const OVERLAYS = ['dev', 'prod'] as const;

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // The manifests are checked field by field below; their shape is the Kubernetes API's.
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface Container {
  name: string;
  image: string;
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      configMapKeyRef?: { name: string; key: string; optional?: boolean };
      secretKeyRef?: { name: string; key: string; optional?: boolean };
      fieldRef?: unknown;
      resourceFieldRef?: unknown;
    };
  }[];
  envFrom?: {
    prefix?: string;
    configMapRef?: { name: string; optional?: boolean };
    secretRef?: { name: string; optional?: boolean };
  }[];
  [key: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  [key: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

export function kustomizeBuild(dir: string): K8sObject[] {
  const kubectl = requireTool('kubectl', "install Debian's kubernetes-client package");
  const r = run(kubectl, ['kustomize', dir]);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed (exit ${r.status}): ${r.stderr}`);
  return parseManifests(r.stdout);
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((o): o is K8sObject => typeof o === 'object' && o !== null);
}

export function render(overlay: string): K8sObject[] {
  return kustomizeBuild(join(ROOT, 'k8s', 'overlays', overlay));
}

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

export function podTemplate(o: K8sObject): PodTemplate | undefined {
  if (!WORKLOADS.has(o.kind)) return undefined;
  return (o.spec as { template?: PodTemplate } | undefined)?.template;
}

function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

function keysOf(o: K8sObject): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const k of Object.keys(o.data ?? {})) out[k] = o.kind === 'Secret' ? undefined : o.data?.[k];
  for (const k of Object.keys(o.stringData ?? {})) out[k] = undefined;
  return out;
}

/** Every container of every workload, with its environment resolved; unresolvable references are problems. */
export function k8sContainers(
  objects: readonly K8sObject[],
  label: string,
): { containers: ContainerEnv[]; problems: string[] } {
  const containers: ContainerEnv[] = [];
  const problems: string[] = [];
  for (const o of objects) {
    const template = podTemplate(o);
    if (template === undefined) continue;
    for (const c of [...(template.spec.initContainers ?? []), ...template.spec.containers]) {
      const where = `${label} ${o.kind}/${o.metadata.name} container ${c.name}`;
      const env: EnvEntry[] = [];
      for (const from of c.envFrom ?? []) {
        const ref = from.configMapRef ?? from.secretRef;
        const kind = from.configMapRef !== undefined ? 'ConfigMap' : 'Secret';
        if (ref === undefined) continue;
        const source = find(objects, kind, ref.name);
        if (source === undefined) {
          // Its keys cannot be known, so neither can the variables it sets.
          problems.push(`${where}: envFrom ${kind} ${ref.name} is not in the rendered manifests`);
          continue;
        }
        for (const [key, value] of Object.entries(keysOf(source))) {
          env.push({ name: `${from.prefix ?? ''}${key}`, value, source: `${kind} ${ref.name}` });
        }
      }
      for (const e of c.env ?? []) {
        const cmRef = e.valueFrom?.configMapKeyRef;
        if (cmRef !== undefined) {
          const cm = find(objects, 'ConfigMap', cmRef.name);
          const value = cm?.data?.[cmRef.key];
          if (value === undefined && cmRef.optional !== true)
            problems.push(`${where}: ${e.name} refers to missing key ${cmRef.key} of ConfigMap ${cmRef.name}`);
          env.push({ name: e.name, value, source: `ConfigMap ${cmRef.name}` });
        } else if (e.valueFrom !== undefined) {
          env.push({ name: e.name, value: undefined, source: 'valueFrom' });
        } else {
          env.push({ name: e.name, value: e.value ?? '', source: 'env' });
        }
      }
      containers.push({ where, image: c.image, env });
    }
  }
  return { containers, problems };
}
