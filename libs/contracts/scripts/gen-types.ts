// Writes src/generated/types.ts from the .avsc files. Runs on Node 24 without a build (type stripping).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTypes } from '../src/codegen.ts';
import { TOPIC_RECORD } from '../src/topics.ts';

const root = join(import.meta.dirname, '..');
const schemaDir = join(root, 'schemas');
const schemas = readdirSync(schemaDir)
  .filter((f) => f.endsWith('.avsc'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(schemaDir, f), 'utf8')));
const out = join(root, 'src', 'generated', 'types.ts');
writeFileSync(out, generateTypes(schemas, TOPIC_RECORD));
console.log(`wrote ${out}`);
