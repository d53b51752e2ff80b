// Runs validate-openapi.mts on a set of objects (see there why in a child process).
import { join } from 'node:path';
import type { K8sObject } from './kustomize';
import { run } from './tools';

export interface ValidationResult {
  kind: string;
  name: string;
  errors: string[];
}

export function validateOpenApi(objects: readonly K8sObject[]): ValidationResult[] {
  const r = run(process.execPath, [join(__dirname, 'validate-openapi.mts')], { input: JSON.stringify(objects) });
  if (r.status !== 0) throw new Error(`validate-openapi.mts failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as ValidationResult[];
}
