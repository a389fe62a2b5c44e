import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLabDatabase } from '../store/db.js';
import { getEvaluation } from '../store/evaluations-repo.js';
import { listRunRecords } from '../store/runs-repository.js';
import { pretrainedDemoSettings, pretrainedStage1 } from './demo-pretrained.js';
import { fullDemo, quickDemo, type DemoSettings } from './demo-settings.js';
import { armTitlesFor, formatSummaryTable, metricRows } from './demo-table.js';
import { runDemo } from './run-demo.js';

// `demo --pretrained mobilefacenet` at toy scale: no stage-1 training; the stage-1 column is the
// untouched pretrained model's own evaluation, and both fine-tunes start from its pretrained run.

const dataDir = mkdtempSync(join(tmpdir(), 'ddl-demo-pretrained-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const quick = pretrainedDemoSettings('mobilefacenet', true);
const toy: DemoSettings = {
  ...quick,
  train: { identities: 6, perIdentity: 4, seed: 5 },
  validation: { identities: 6, perIdentity: 4, seed: 6 },
  stage2: { ...quick.stage2, batchSize: 2, steps: 2, histogramEvery: 2 },
};

describe('demo from a pretrained model', () => {
  it('settings: 112 px images, no stage-1 steps, the full setting larger than the quick one', () => {
    expect(quick).toMatchObject({ pretrained: 'mobilefacenet', imageSize: 112, backbone: { inputSize: 112 } });
    // Centred by default (the raw model's different-person cosines are ≈ 0.9999); --no-centre: raw.
    expect(quick.centre).toBe(true);
    expect(pretrainedDemoSettings('mobilefacenet', true, false).centre).toBe(false);
    expect(quick.stage1.steps).toBe(0);
    const full = pretrainedDemoSettings('mobilefacenet', false);
    expect(full.stage2.steps).toBeGreaterThan(quick.stage2.steps);
    expect(full.validation.identities).toBeGreaterThan(quick.validation.identities);
    // The scratch demo is unchanged.
    expect(quickDemo.pretrained).toBeUndefined();
    expect(fullDemo.pretrained).toBeUndefined();
  });

  it('fine-tunes the pretrained run twice and tabulates the pretrained model beside both', async () => {
    const db = openLabDatabase(dataDir);
    try {
      const phases: string[] = [];
      const result = await runDemo(db, { dataDir, settings: toy, seeds: 1, onPhase: (p) => phases.push(p) });
      const [seed] = result.seeds;
      const { stage1, ddl, classification } = seed!.runs;
      // Stage 1 is the pretrained run: not trained, no split, a step-0 checkpoint.
      expect(stage1).toMatchObject({ stage: 1, totalSteps: 0, splitId: 0, status: 'completed' });
      expect(stage1.config).toMatchObject({ pretrained: 'mobilefacenet', centre: true });
      expect(stage1.name).toBe('mobilefacenet (pretrained, centred)');
      expect(phases.some((p) => p.startsWith('stage 1: the pretrained mobilefacenet, centred'))).toBe(true);
      for (const run of [ddl, classification]) {
        expect(run).toMatchObject({ stage: 2, parentRunId: stage1.id, status: 'completed', lastStep: 2 });
      }
      expect(listRunRecords(db, { stage: 1 })).toHaveLength(1);

      // Every column is a stored evaluation of its own run, at the checkpoint it ended with.
      const rows = metricRows();
      for (const arm of ['stage1', 'classification', 'ddl'] as const) {
        const evaluation = seed!.evaluations[arm];
        const stored = getEvaluation(db, evaluation.evaluationId)!;
        expect(stored.runId).toBe(seed!.runs[arm].id);
        expect(evaluation.step).toBe(arm === 'stage1' ? 0 : 2);
        for (const row of result.summary) {
          const metric = rows.find((r) => r.key === row.key)!;
          expect(row.arms[arm].values).toEqual([metric.get(evaluation)]);
        }
      }
      const margin = result.summary.find((r) => r.key === 'easy-hard.margin')!;
      for (const arm of ['stage1', 'classification', 'ddl'] as const)
        expect(margin.arms[arm].mean).toEqual(expect.any(Number));
      // Two steps moved the weights: the fine-tunes' embeddings are not the pretrained model's.
      expect(margin.arms.ddl.mean).not.toBe(margin.arms.stage1.mean);
      expect(margin.arms.classification.mean).not.toBe(margin.arms.stage1.mean);

      const table = formatSummaryTable(result.summary, 1, armTitlesFor(toy.pretrained, toy.centre));
      expect(table.split('\n')[0]).toMatch(/mobilefacenet \(pretrained, centred\)\s+cls-only FT\s+DDL FT\s+DDL - cls/);

      // Later seeds reuse the pretrained run (found, not made again).
      expect((await pretrainedStage1(db, dataDir, 'mobilefacenet', result.train, true)).id).toBe(stage1.id);
      expect(listRunRecords(db, { stage: 1 })).toHaveLength(1);
      // The raw model's pretrained run is another run beside it (--no-centre).
      const raw = await pretrainedStage1(db, dataDir, 'mobilefacenet', result.train, false);
      expect(raw.id).not.toBe(stage1.id);
      expect(raw.name).toBe('mobilefacenet (pretrained)');
      expect(listRunRecords(db, { stage: 1 })).toHaveLength(2);
    } finally {
      db.close();
    }
  }, 600_000); // two MobileFaceNet run processes and three evaluations at 112 px on a loaded 2-core machine
});
