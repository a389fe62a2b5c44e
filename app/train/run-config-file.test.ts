import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { stage1ConfigSchema, stage2ConfigSchema } from '../vocabulary/index.js';
import { runConfigJsonSchema, runConfigSchemaFile, runConfigSchemaText, startingRunConfig } from './run-config-file.js';
import { parseRunConfig, RunConfigError } from './run-config.js';

// The shipped JSON Schema of a run config file and the starting config `ddl-lab train --init` writes.

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('run config file', () => {
  it('ships a schema that matches the zod schema (run "npm run build:schema" after changing it)', () => {
    expect(readFileSync(`${root}${runConfigSchemaFile}`, 'utf8')).toBe(runConfigSchemaText());
  });

  it('lists every field of both stages, and the editor keys', () => {
    const [stage1, stage2] = (runConfigJsonSchema().anyOf as { properties: object; required?: string[] }[])!;
    expect(Object.keys(stage1!.properties).sort()).toEqual(
      ['$schema', '//', ...Object.keys(stage1ConfigSchema.shape)].sort(),
    );
    expect(Object.keys(stage2!.properties).sort()).toEqual(
      ['$schema', '//', ...Object.keys(stage2ConfigSchema.shape)].sort(),
    );
    expect(stage1!.required).not.toContain('stage');
    expect(stage2!.required).toEqual(expect.arrayContaining(['stage', 'parentRunId', 'batchSize', 'steps', 'lr']));
  });

  it('writes a starting config that the trainer accepts as it is, comments and $schema dropped', () => {
    const text = JSON.stringify(startingRunConfig('file:///opt/ddl-lab/resources/run-config.schema.json'));
    const config = parseRunConfig(JSON.parse(text));
    expect(config).not.toHaveProperty('$schema');
    expect(config).not.toHaveProperty('//');
    expect(config).toMatchObject({ stage: 1, backbone: { name: 'ir-lite' }, steps: 200 });
    // Only the top-level editor keys are dropped: anything else unknown is still refused.
    expect(() => parseRunConfig({ ...JSON.parse(text), '/': 'typo' })).toThrow(RunConfigError);
    expect(() => parseRunConfig({ ...JSON.parse(text), head: { type: 'cosface', '//': 'x' } })).toThrow(
      /unknown field "\/\/" in head/,
    );
  });
});
