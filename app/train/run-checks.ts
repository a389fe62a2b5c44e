import type { LabDatabase } from '../store/db.js';
import { getDataset } from '../store/datasets-repo.js';
import { latestCheckpoint } from '../store/runs-checkpoints.js';
import { getRunRecord, type RunRecord } from '../store/runs-repository.js';
import { listCheckpoints } from '../store/runs-checkpoints.js';
import { getSplit } from '../store/splits-repo.js';
import { sql } from '../store/statements.js';
import { checkBackboneSupport } from './backbone-support.js';
import type { Stage1Config, TrainerRunConfig } from '../vocabulary/index.js';
import { parseRunConfig, RunConfigError } from './run-config.js';

// Checks that need the database, run before a run is created: the dataset and split exist,
// the split has enough identities for b, the parent of a stage-2 run is a finished stage-1 run
// of the same dataset, and the backbone supports the input size. All problems are reported at once.

export interface RunRequest {
  datasetId: number;
  splitId: number;
  /** Raw config (JSON); parsed and defaulted here. */
  config: unknown;
  name?: string;
}

export interface CheckedRunRequest {
  datasetId: number;
  splitId: number;
  name: string;
  /** Parsed, with stage 2's inherited parts (backbone, head) filled in from the parent. */
  config: ResolvedRunConfig;
  parent: RunRecord | undefined;
}

/** A config ready to train: every stage knows its backbone and head. */
export type ResolvedRunConfig = TrainerRunConfig & {
  backbone: Stage1Config['backbone'];
  head: NonNullable<TrainerRunConfig['head']>;
};

/** Identities of a split by what they can give a DDL batch. */
export interface SplitIdentityCounts {
  identities: number;
  withEasy: number;
  withTwoEasy: number;
  withHard: number;
  withTwoHard: number;
  withEasyAndHard: number;
}

export function splitIdentityCounts(db: LabDatabase, splitId: number): SplitIdentityCounts {
  const rows = sql<{ easy: number; hard: number }>(
    db,
    `
    SELECT SUM(m.side = 0) AS easy, SUM(m.side = 1) AS hard
    FROM split_members m JOIN images i ON i.id = m.image_id
    WHERE m.split_id = ? GROUP BY i.identity_idx`,
  ).all(splitId);
  const count = (test: (r: { easy: number; hard: number }) => boolean) => rows.filter(test).length;
  return {
    identities: rows.length,
    withEasy: count((r) => r.easy >= 1),
    withTwoEasy: count((r) => r.easy >= 2),
    withHard: count((r) => r.hard >= 1),
    withTwoHard: count((r) => r.hard >= 2),
    withEasyAndHard: count((r) => r.easy >= 1 && r.hard >= 1),
  };
}

const plural = (n: number, word: string) =>
  `${n} ${n === 1 ? word : word.endsWith('y') ? `${word.slice(0, -1)}ies` : `${word}s`}`;

/** Throws RunConfigError listing every problem; returns the request ready to insert. */
export function checkRunRequest(db: LabDatabase, request: RunRequest): CheckedRunRequest {
  const config = parseRunConfig(request.config);
  const problems: string[] = [];

  const dataset = getDataset(db, request.datasetId);
  if (!dataset) problems.push(`dataset ${request.datasetId} does not exist`);
  else if (dataset.status !== 'ready')
    problems.push(
      `dataset ${dataset.id} ("${dataset.name}") is ${dataset.status === 'importing' ? 'still importing' : 'a failed import'}; train on a ready dataset`,
    );

  const split = getSplit(db, request.splitId);
  if (!split) problems.push(`split ${request.splitId} does not exist`);
  else if (split.datasetId !== request.datasetId)
    problems.push(`split ${split.id} belongs to dataset ${split.datasetId}, not to dataset ${request.datasetId}`);

  let parent: RunRecord | undefined;
  let backbone: Stage1Config['backbone'] | undefined;
  let head = config.head;
  let parentCheckpointStep: number | undefined;
  if (config.stage === 1) {
    backbone = config.backbone;
    if (dataset && dataset.identityCount < 2)
      problems.push(
        `dataset ${dataset.id} has ${plural(dataset.identityCount, 'identity')}; classification needs at least 2`,
      );
    if (dataset && dataset.imageCount < config.batchSize)
      problems.push(
        `dataset ${dataset.id} has ${plural(dataset.imageCount, 'image')}, fewer than the batch size ${config.batchSize}`,
      );
  } else {
    parent = getRunRecord(db, config.parentRunId);
    if (!parent) problems.push(`parent run ${config.parentRunId} does not exist`);
    else {
      const parentConfig = parseRunConfig(parent.config);
      if (parent.stage !== 1 || parentConfig.stage !== 1)
        problems.push(`parent run ${parent.id} is a stage-${parent.stage} run; stage 2 fine-tunes a stage-1 run`);
      else {
        backbone = parentConfig.backbone;
        head ??= parentConfig.head;
        if (
          config.backbone &&
          JSON.stringify({ ...config.backbone, seed: undefined }) !== JSON.stringify({ ...backbone, seed: undefined })
        ) {
          problems.push(
            `stage 2 uses its parent's backbone (${JSON.stringify(backbone)}); leave "backbone" out of the config`,
          );
        }
      }
      if (parent.datasetId !== request.datasetId)
        problems.push(
          `parent run ${parent.id} trained on dataset ${parent.datasetId}; stage 2 must use the same dataset (the classifier has its identities)`,
        );
      if (parent.status === 'running' || parent.status === 'queued')
        problems.push(`parent run ${parent.id} is still ${parent.status}; wait for it to finish`);
      else if (config.parentCheckpointStep !== undefined) {
        const steps = listCheckpoints(db, parent.id).map((c) => c.step);
        if (!steps.includes(config.parentCheckpointStep))
          problems.push(
            `parent run ${parent.id} has no checkpoint at step ${config.parentCheckpointStep} (it has ${steps.length > 0 ? steps.join(', ') : 'none'})`,
          );
        parentCheckpointStep = config.parentCheckpointStep;
      } else {
        parentCheckpointStep = latestCheckpoint(db, parent.id)?.step;
        if (parentCheckpointStep === undefined)
          problems.push(`parent run ${parent.id} has no checkpoint to fine-tune from`);
      }
    }
    if (split && split.datasetId === request.datasetId)
      problems.push(...ddlBatchProblems(splitIdentityCounts(db, split.id), config.batchSize, config.ddl.studentPairs));
  }

  const resolvedHead = head ?? { type: 'arcface' as const, s: 64, m: 0.5, tMomentum: 0.01 };
  if (backbone) problems.push(...checkBackboneSupport({ ...backbone, seed: backbone.seed ?? config.seed }));
  if (config.stage === 1 && config.pretrained && config.backbone.name !== config.pretrained)
    problems.push(
      `pretrained ${config.pretrained} needs the backbone "${config.pretrained}" (its architecture), got "${config.backbone.name}"`,
    );
  if (config.stage === 1 && config.centre && !config.pretrained)
    problems.push('centre centres a pretrained model\'s embeddings: give "pretrained" too, or leave centre out');
  if (problems.length > 0) throw new RunConfigError(problems);
  return {
    datasetId: request.datasetId,
    splitId: request.splitId,
    name: request.name ?? config.name ?? '',
    config: {
      ...config,
      ...(config.stage === 2 ? { parentCheckpointStep } : {}),
      backbone: { ...(backbone as Stage1Config['backbone']), seed: backbone?.seed ?? config.seed },
      head: resolvedHead,
    } as ResolvedRunConfig,
    parent,
  };
}

/** A stored run's config (as checkRunRequest resolved it). */
export function parseResolvedRunConfig(stored: unknown): ResolvedRunConfig {
  const config = parseRunConfig(stored);
  if (!config.backbone || !config.head)
    throw new Error('stored run config lacks its backbone or head; was the run created without checkRunRequest?');
  return config as ResolvedRunConfig;
}

/** What a DDL batch of b per branch needs from the split: b distinct identities in each of the four branches. */
export function ddlBatchProblems(
  counts: SplitIdentityCounts,
  b: number,
  studentPairs: 'easy-hard' | 'hard-hard',
): string[] {
  const need = (have: number, what: string) =>
    have < b ? [`split has ${plural(have, 'identity')} ${what}; DDL needs at least b = ${b}`] : [];
  return [
    ...need(counts.withHard, 'with hard images'),
    ...need(counts.withEasy, 'with easy images'),
    ...need(counts.withTwoEasy, 'with at least 2 easy images (easy pairs)'),
    ...(studentPairs === 'easy-hard'
      ? need(counts.withEasyAndHard, 'with both an easy and a hard image (easy-hard pairs)')
      : need(counts.withTwoHard, 'with at least 2 hard images (hard-hard pairs)')),
  ];
}
