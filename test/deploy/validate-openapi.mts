// Validates Kubernetes objects against the Kubernetes OpenAPI schemas shipped in the
// `kubernetes-models` package: `node test/deploy/validate-openapi.mts < objects.json`.
// A separate process because the package is ESM-only and jest here runs CommonJS.
// Prints one JSON array: [{ kind, name, errors: string[] }], one entry per input object.
import { readFileSync } from 'node:fs';

interface Meta {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown };
}

interface Validatable {
  validate(): void;
}

const objects = JSON.parse(readFileSync(0, 'utf8')) as Meta[];
const results: { kind: string; name: string; errors: string[] }[] = [];
for (const o of objects) {
  const apiVersion = String(o.apiVersion);
  const kind = String(o.kind);
  const name = String(o.metadata?.name);
  let model: unknown;
  try {
    // Module layout: kubernetes-models/<group>/<version>/<Kind> ("v1" for the core group).
    const mod = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, unknown>;
    model = mod[kind];
  } catch {
    model = undefined;
  }
  if (typeof model !== 'function') {
    results.push({ kind, name, errors: [`no OpenAPI model for ${apiVersion} ${kind}`] });
    continue;
  }
  try {
    new (model as new (data: unknown) => Validatable)(o).validate();
    results.push({ kind, name, errors: [] });
  } catch (err) {
    results.push({ kind, name, errors: [err instanceof Error ? err.message : String(err)] });
  }
}
process.stdout.write(JSON.stringify(results));
