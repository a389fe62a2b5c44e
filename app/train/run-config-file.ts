import { z } from '../vocabulary/zod.js';
import { stage1ConfigSchema, stage2ConfigSchema } from '../vocabulary/index.js';

// A run config file as a person writes it: the JSON Schema editors complete it from (shipped as
// resources/run-config.schema.json, written by `npm run build:schema`), and the commented starting
// config `ddl-lab train --init FILE` writes. The top-level keys "$schema" and "//" are editor aids
// that the trainer's schema drops before parsing (app/vocabulary/run-config.ts).

/** The file the schema ships in, relative to the project root. */
export const runConfigSchemaFile = 'resources/run-config.schema.json';

/** The JSON Schema of a run config file (stage 1 when "stage" is left out, or stage 2). */
export function runConfigJsonSchema(): Record<string, unknown> {
  const stages = [stage1ConfigSchema, stage2ConfigSchema].map((schema, i) => {
    const branch = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
      $schema?: string;
      properties: Record<string, unknown>;
      required?: string[];
    };
    delete branch.$schema;
    branch.properties = {
      $schema: { type: 'string', description: 'This schema, for editor completion; ignored by the trainer.' },
      '//': { description: 'A comment (any JSON value); ignored by the trainer.' },
      ...branch.properties,
    };
    // Stage 1 is the default stage: a file may leave "stage" out.
    if (i === 0) branch.required = branch.required?.filter((key) => key !== 'stage');
    return branch;
  });
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'DDL Lab run config',
    description:
      'A run config for "ddl-lab train --config FILE": stage 1 trains a backbone with a margin head; stage 2 fine-tunes a stage-1 run (parentRunId) with DDL or classification only.',
    anyOf: stages,
  };
}

/** The schema file's text, as written and as checked for freshness. */
export function runConfigSchemaText(): string {
  return `${JSON.stringify(runConfigJsonSchema(), null, 2)}\n`;
}

/**
 * A small stage-1 config that trains as it is (ir-lite at 32 px, CosFace, 200 steps), with a "//"
 * comment on what to change and a "$schema" reference (`schemaUrl`) for editor completion.
 */
export function startingRunConfig(schemaUrl: string): Record<string, unknown> {
  return {
    $schema: schemaUrl,
    '//': [
      'A DDL Lab run config. Train it: ddl-lab train --dataset DATASET --split SPLIT --config THIS_FILE',
      'Stage 1 (this file) trains the backbone with a margin head on all training images.',
      'Stage 2 fine-tunes a stage-1 run on easy/hard batches: set "stage": 2, "parentRunId": RUN,',
      '"objective": "ddl" (or "classification", the fair baseline) and optionally "ddl": { "lambdaPos": 1 }.',
      'backbone.name: ir-lite | ir18 | ir34 | ir50; head.type: softmax | cosface | arcface | curricularface.',
      'schedule.kind: constant | step (milestones, gamma) | cosine. Every field is listed in the $schema file.',
    ],
    stage: 1,
    backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 64 },
    head: { type: 'cosface', s: 30, m: 0.35 },
    batchSize: 64,
    steps: 200,
    lr: 0.1,
    momentum: 0.9,
    weightDecay: 5e-4,
    schedule: { kind: 'step', warmupSteps: 20, milestones: [140, 180], gamma: 0.1 },
    seed: 1,
    checkpointEvery: 100,
  };
}
