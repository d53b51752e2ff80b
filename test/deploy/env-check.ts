// The configuration-consistency rule, independent of where the environment comes from (compose or
// rendered k8s manifests): every name set is one the image reads, every required one is set, and
// every known value parses as the service would parse it at start-up.
import { ConfigError, parseConfig, type ConfigSpec } from '@marketpipe/runtime';
import { IMAGE_CONFIG, marketpipeImage } from './service-configs';

export interface EnvEntry {
  name: string;
  /** undefined: set, but the value is not known here (a Secret, an interpolated variable). */
  value: string | undefined;
  /** Where the entry comes from, for messages: `env`, `ConfigMap marketpipe-kafka`, … */
  source: string;
}

export interface ContainerEnv {
  /** e.g. `docker-compose.yml service capture-spot`, `overlays/dev Deployment/capture-spot`. */
  where: string;
  image: string;
  env: EnvEntry[];
}

function isRequired(spec: ConfigSpec, name: string): boolean {
  const v = spec[name];
  return v !== undefined && v.default === undefined && v.optional !== true;
}

/** Problems of one container; empty when its environment matches its image's config spec. */
export function checkContainerEnv(container: ContainerEnv): string[] {
  const key = marketpipeImage(container.image);
  if (key === undefined) return [];
  const spec = IMAGE_CONFIG[key];
  const at = `${container.where} (image ${key})`;
  if (spec === undefined) return [`${at}: no configuration spec is known for this image`];
  const problems: string[] = [];
  const set = new Map<string, EnvEntry>();
  for (const entry of container.env) {
    if (!(entry.name in spec)) {
      problems.push(`${at}: ${entry.name} (from ${entry.source}) is not a variable ${key} reads`);
    }
    set.set(entry.name, entry); // later entries win, as in Kubernetes (env over envFrom)
  }
  for (const name of Object.keys(spec)) {
    const entry = set.get(name);
    if (isRequired(spec, name) && (entry === undefined || entry.value === '')) {
      problems.push(`${at}: required variable ${name} is not set`);
    }
  }
  // Values known here must parse; unknown ones (secrets) only have to be present.
  const known: ConfigSpec = {};
  const values: Record<string, string> = {};
  for (const [name, v] of Object.entries(spec)) {
    const entry = set.get(name);
    if (entry !== undefined && entry.value === undefined) continue;
    if (entry === undefined && isRequired(spec, name)) continue; // reported above
    known[name] = v;
    if (entry?.value !== undefined) values[name] = entry.value;
  }
  try {
    parseConfig(known, values);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) problems.push(`${at}: ${p}`);
  }
  return problems;
}
