// Just enough NetworkPolicy semantics to test who may talk to what: which policies select a pod
// (matchLabels only, as the manifests use) and what their egress rules allow.
import type { K8sObject } from './kustomize';

export interface PolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string; except?: string[] };
}

export interface EgressRule {
  to?: PolicyPeer[];
  ports?: { port?: number | string; protocol?: string }[];
}

interface PolicySpec {
  podSelector?: { matchLabels?: Record<string, string> };
  policyTypes?: string[];
  egress?: EgressRule[];
}

export function selects(
  selector: { matchLabels?: Record<string, string> } | undefined,
  labels: Record<string, string>,
): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** The egress rules that apply to a pod with these labels. */
export function egressRules(objects: readonly K8sObject[], labels: Record<string, string>): EgressRule[] {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .map((o) => o.spec as PolicySpec)
    .filter((spec) => selects(spec.podSelector, labels))
    .flatMap((spec) => spec.egress ?? []);
}

function isDnsOnly(rule: EgressRule): boolean {
  return (rule.ports ?? []).length > 0 && (rule.ports ?? []).every((p) => Number(p.port) === 53);
}

/** A rule reaches the public internet if it has no peers or an ipBlock covering 0.0.0.0/0. */
export function allowsInternet(rule: EgressRule): boolean {
  if (isDnsOnly(rule)) return false;
  if (rule.to === undefined || rule.to.length === 0) return true;
  return rule.to.some((peer) => peer.ipBlock?.cidr === '0.0.0.0/0');
}

/** A rule reaches Redis if it names the redis pods or a Redis port. */
export function allowsRedis(rule: EgressRule, redisPorts: readonly number[]): boolean {
  if (rule.to?.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'redis')) return true;
  return (rule.ports ?? []).some((p) => redisPorts.includes(Number(p.port)));
}
