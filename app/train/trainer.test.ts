import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { checkpointFolder, listCheckpoints } from '../store/runs-checkpoints.js';
import { finishRun, getRunRecord, markRunStarted, requeueRun, type RunRecord } from '../store/runs-repository.js';
import { histogramSteps, histogramsAt, metricNames, metricSeries } from '../store/runs-series.js';
import { checkRunRequest, parseResolvedRunConfig } from './run-checks.js';
import { insertRun } from '../store/runs-repository.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StopRequest } from './trainer.js';
import { createSynthFixture, type SynthFixture } from './test-support/synth-fixture.js';
import { train, type TrainOutcome } from './trainer.js';

// The training loop in this process (the run-process tests cover the worker around it).

let fixture: SynthFixture;
beforeAll(async () => {
  await initBackend();
  fixture = await createSynthFixture({ identities: 16, perIdentity: 6 });
});
afterAll(() => fixture?.cleanup());

const tinyBackbone = {
  name: 'ir-lite',
  inputSize: 32,
  embeddingSize: 32,
  widths: [8, 8, 16, 16],
  depths: [1, 1, 1, 1],
};

/** What the worker does around train(): take the run, train, write the final status. */
const tensorsAfterStep = new Map<number, number>();

async function attempt(
  run: RunRecord,
  stopRequested: (step: number) => StopRequest | undefined = () => undefined,
): Promise<TrainOutcome> {
  const { db, dataDir } = fixture;
  markRunStarted(db, run.id, { pid: process.pid, backend: 'test' });
  let step = getRunRecord(db, run.id)!.lastStep;
  tensorsAfterStep.clear();
  const outcome = await train({
    db,
    dataDir,
    run,
    config: parseResolvedRunConfig(run.config),
    callbacks: {
      stopRequested: () => stopRequested(step),
      onStep: (s) => {
        step = s.step;
        tensorsAfterStep.set(s.step, tf.memory().numTensors);
      },
    },
  });
  finishRun(db, run.id, outcome.status, outcome.error, ['running']);
  return outcome;
}

async function trainRun(
  config: unknown,
  stopRequested?: (step: number) => StopRequest | undefined,
): Promise<{ runId: number; outcome: TrainOutcome }> {
  const { db, datasetId, splitId } = fixture;
  const checked = checkRunRequest(db, { datasetId, splitId, config });
  const run = insertRun(db, {
    datasetId,
    splitId,
    stage: checked.config.stage,
    parentRunId: checked.parent?.id ?? null,
    config: checked.config,
    seed: checked.config.seed,
    totalSteps: checked.config.steps,
  });
  return { runId: run.id, outcome: await attempt(run, stopRequested) };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('trainer', () => {
  let stage1Id = 0;

  it('stage 1 lowers the classification loss on a small SynthFaces set', async () => {
    const { runId, outcome } = await trainRun({
      stage: 1,
      backbone: tinyBackbone,
      head: { type: 'cosface', s: 16, m: 0.2 },
      batchSize: 32,
      steps: 60,
      lr: 0.1,
      schedule: { kind: 'constant', warmupSteps: 5 },
      seed: 3,
      checkpointEvery: 30,
    });
    expect(outcome).toEqual({ status: 'completed', step: 60, error: null });
    stage1Id = runId;
    const total = metricSeries(fixture.db, runId, { names: ['total'] }).total!.map((p) => p.value as number);
    expect(total).toHaveLength(60);
    expect(mean(total.slice(-10))).toBeLessThan(mean(total.slice(0, 10)) * 0.9);
    expect(listCheckpoints(fixture.db, runId).map((c) => c.step)).toEqual([30, 60]);
    // Tensor hygiene: no tensor survives a step (a checkpoint in between included).
    expect(tensorsAfterStep.get(50)).toBe(tensorsAfterStep.get(10));
    expect(getRunRecord(fixture.db, runId)?.lastStep).toBe(60);
  });

  it('stage 2 with DDL records every loss term and the four histograms in SQLite', async () => {
    const { runId, outcome } = await trainRun({
      stage: 2,
      parentRunId: stage1Id,
      objective: 'ddl',
      batchSize: 4,
      steps: 6,
      lr: 0.01,
      seed: 3,
      histogramEvery: 3,
      checkpointEvery: 6,
    });
    expect(outcome.status).toBe('completed');
    expect(tensorsAfterStep.get(5)).toBe(tensorsAfterStep.get(2)); // histograms read at step 3 leave nothing behind
    const names = metricNames(fixture.db, runId);
    for (const name of [
      'clsEasy',
      'clsHard',
      'posKL',
      'negKL',
      'order',
      'ddl',
      'total',
      'lr',
      'imagesPerSecond',
      'time',
      'gradNorm',
      'teacherPosMean',
      'studentNegMean',
    ]) {
      expect(names).toContain(name);
    }
    const series = metricSeries(fixture.db, runId, { names: ['total', 'clsEasy', 'clsHard', 'ddl'] });
    series.total!.forEach((p, i) => {
      // L = L_cls(easy) + L_cls(hard) + DDL, step by step.
      expect(p.value).toBeCloseTo(series.clsEasy![i]!.value! + series.clsHard![i]!.value! + series.ddl![i]!.value!, 4);
    });
    expect(histogramSteps(fixture.db, runId)).toEqual([3, 6]);
    const last = histogramsAt(fixture.db, runId, 6)!;
    expect(last.histograms.map((h) => h.branch)).toEqual([
      'teacherPositive',
      'teacherNegative',
      'studentPositive',
      'studentNegative',
    ]);
    for (const h of last.histograms) {
      expect(h.bins.length).toBeLessThanOrEqual(100);
      expect(h.bins.reduce((s, x) => s + x, 0)).toBeCloseTo(h.count > 0 ? 1 : 0, 3);
      expect(h.count).toBeGreaterThanOrEqual(0);
    }
    expect(last.histograms[1]!.count).toBe(4); // b hardest negatives of the easy singles
  });

  it('stage 2 classification-only trains on cls terms alone but still records the DDL terms', async () => {
    const { runId, outcome } = await trainRun({
      stage: 2,
      parentRunId: stage1Id,
      objective: 'classification',
      batchSize: 4,
      steps: 3,
      lr: 0.01,
      seed: 3,
      histogramEvery: 3,
    });
    expect(outcome.status).toBe('completed');
    const series = metricSeries(fixture.db, runId, { names: ['total', 'clsEasy', 'clsHard', 'posKL'] });
    series.total!.forEach((p, i) =>
      expect(p.value).toBeCloseTo(series.clsEasy![i]!.value! + series.clsHard![i]!.value!, 4),
    );
    expect(series.posKL).toHaveLength(3);
  });

  it('resumes from a checkpoint exactly where the uninterrupted run would be (dropout included)', async () => {
    const { db } = fixture;
    const config = {
      stage: 1,
      backbone: { ...tinyBackbone, dropout: 0.3 },
      head: { type: 'cosface', s: 16, m: 0.2 },
      batchSize: 16,
      steps: 8,
      lr: 0.05,
      seed: 5,
      checkpointEvery: 4,
    };
    const whole = await trainRun(config);
    expect(whole.outcome.status).toBe('completed');
    const { runId, outcome: first } = await trainRun(config, (step) => (step >= 4 ? 'suspend' : undefined));
    expect(first).toMatchObject({ status: 'interrupted', step: 4 });
    requeueRun(db, runId);
    expect((await attempt(getRunRecord(db, runId)!)).status).toBe('completed');
    const losses = (id: number) => metricSeries(db, id, { names: ['total'] }).total!.map((p) => p.value);
    expect(losses(runId)).toHaveLength(8);
    expect(losses(runId)).toEqual(losses(whole.runId));
  });

  it('stops a run whose loss turns NaN as failed, keeping its last good checkpoint', async () => {
    const { db } = fixture;
    // Train 2 steps and stop (checkpoint at step 2), then poison the checkpoint's momentum buffers:
    // the resumed step 3 applies them, so step 4's loss is NaN.
    const { runId, outcome: first } = await trainRun(
      {
        stage: 1,
        backbone: tinyBackbone,
        head: { type: 'cosface', s: 16, m: 0.2 },
        batchSize: 16,
        steps: 8,
        lr: 0.05,
        seed: 4,
        checkpointEvery: 2,
      },
      (step) => (step >= 2 ? 'suspend' : undefined),
    );
    expect(first).toMatchObject({ status: 'interrupted', step: 2 });
    const [checkpoint] = listCheckpoints(db, runId);
    const folder = checkpointFolder(fixture.dataDir, checkpoint!);
    const state = JSON.parse(readFileSync(join(folder, 'state.json'), 'utf8')) as {
      arrays: { name: string; offset: number; length: number }[];
    };
    const bytes = readFileSync(join(folder, 'arrays.bin'));
    const values = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    for (const entry of state.arrays.filter((a) => a.name.startsWith('momentum/')))
      values.fill(Number.NaN, entry.offset, entry.offset + entry.length);
    writeFileSync(join(folder, 'arrays.bin'), bytes);

    requeueRun(db, runId);
    const outcome = await attempt(getRunRecord(db, runId)!);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(
      /^the (loss|gradient norm) became NaN at step 4 \(lr 0\.0500\); the update was not applied and its last good checkpoint is step 2\. Lower the learning rate/,
    );
    expect(getRunRecord(db, runId)).toMatchObject({ status: 'failed', lastStep: 3, error: outcome.error });
    expect(listCheckpoints(db, runId).map((c) => c.step)).toEqual([2]);
  });
});
