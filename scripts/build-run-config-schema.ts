// `npm run build:schema`: writes resources/run-config.schema.json, the JSON Schema of a run config
// file generated from the trainer's zod schema (app/train/run-config-file.test.ts checks it is fresh).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConfigSchemaFile, runConfigSchemaText } from '../app/train/run-config-file.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', runConfigSchemaFile);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, runConfigSchemaText());
console.log(`wrote ${target}`);
