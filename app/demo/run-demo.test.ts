import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLabDatabase } from '../store/db.js';
import { metricSeries } from '../store/runs-series.js';
import { describeDemoDdl, fullDemo, quickDemo, type DemoSettings } from './demo-settings.js';
import { formatSummaryTable, summaryByMetric } from './demo-table.js';
import { runDemo, stage2Request } from './run-demo.js';

// The demo's whole path at toy scale: data made once, stage 1, two fine-tunes, evaluation, table.

const dataDir = mkdtempSync(join(tmpdir(), 'ddl-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const toy: DemoSettings = {
  ...quickDemo,
  imageSize: 32,
  train: { identities: 12, perIdentity: 5, seed: 5 },
  validation: { identities: 8, perIdentity: 5, seed: 6 },
  backbone: { name: 'ir-lite', inputSize: 32, embeddingSize: 16, widths: [8, 8, 16, 16], depths: [1, 1, 1, 1] },
  stage1: { batchSize: 16, steps: 6, lr: 0.05, schedule: { kind: 'constant', warmupSteps: 0 } },
  stage2: { batchSize: 4, steps: 3, lr: 0.01, schedule: { kind: 'constant', warmupSteps: 0 }, histogramEvery: 3 },
};

describe('demo', () => {
  it('trains stage 1, fine-tunes it twice on the same batches and compares both on held-out identities', async () => {
    const db = openLabDatabase(dataDir);
    try {
      const phases: string[] = [];
      const result = await runDemo(db, { dataDir, settings: toy, seeds: 1, onPhase: (p) => phases.push(p) });
      expect(phases[0]).toBe('datasets');
      expect(result.train.created && result.validation.created).toBe(true);
      expect(result.train.datasetId).not.toBe(result.validation.datasetId);
      const [seed] = result.seeds;
      expect(seed!.runs.ddl.parentRunId).toBe(seed!.runs.stage1.id);
      expect(seed!.runs.classification.parentRunId).toBe(seed!.runs.stage1.id);
      // Same checkpoint, seed and batches: the first step's classification terms agree.
      const first = (runId: number) => metricSeries(db, runId, { names: ['clsEasy', 'clsHard'] });
      const ddl = first(seed!.runs.ddl.id);
      const cls = first(seed!.runs.classification.id);
      expect(ddl.clsEasy![0]!.value).toBeCloseTo(cls.clsEasy![0]!.value!, 5);
      expect(ddl.clsHard![0]!.value).toBeCloseTo(cls.clsHard![0]!.value!, 5);

      const margin = result.summary.find((r) => r.key === 'easy-hard.margin')!;
      for (const arm of ['stage1', 'classification', 'ddl'] as const)
        expect(margin.arms[arm].mean).toEqual(expect.any(Number));
      const table = formatSummaryTable(result.summary, 1);
      expect(table).toContain('easy-hard margin E[S+]-E[S-]');
      expect(table).toContain('DDL - cls');

      // A second demo finds the datasets again instead of generating them; any seeds can be drawn.
      const again = await runDemo(db, {
        dataDir,
        seeds: 2,
        firstSeed: 7,
        settings: { ...toy, stage1: { ...toy.stage1, steps: 2 }, stage2: { ...toy.stage2, steps: 1 } },
      });
      expect(again.train.created).toBe(false);
      expect(again.train.datasetId).toBe(result.train.datasetId);
      expect(again.seeds.map((s) => s.seed)).toEqual([7, 8]);
      expect(again.seeds.map((s) => s.runs.ddl.seed)).toEqual([7, 8]);
      // The --json summary: per metric each arm's mean and sd, and the paired difference with CI and p.
      const gap = summaryByMetric(again.summary).marginGap!;
      const perSeed = again.seeds.map((s) => {
        const m = (arm: 'ddl' | 'classification', type: string) =>
          s.evaluations[arm].verification.byType.find((t) => t.type === type)!.distributions.margin!;
        return (
          m('ddl', 'easy-easy') -
          m('ddl', 'easy-hard') -
          (m('classification', 'easy-easy') - m('classification', 'easy-hard'))
        );
      });
      expect(gap.difference.mean).toBeCloseTo((perSeed[0]! + perSeed[1]!) / 2, 10);
      const [low, high] = gap.difference.ci95!;
      expect(low).toBeLessThanOrEqual(gap.difference.mean!);
      expect(high).toBeGreaterThanOrEqual(gap.difference.mean!);
      // Two seeds: the half-width is t(0.975, 1) = 12.706 times the standard error.
      expect(high - gap.difference.mean!).toBeCloseTo((12.7062047364 * Math.abs(perSeed[0]! - perSeed[1]!)) / 2, 6);
      expect(gap.difference.p).toEqual(expect.any(Number));
      expect(gap.clsOnly.mean).toEqual(expect.any(Number));
      expect(gap.ddl.sd).toEqual(expect.any(Number));
      expect(formatSummaryTable(again.summary, 2)).toContain('95% CI');
    } finally {
      db.close();
    }
  }, 300_000); // nine run processes: minutes on a loaded 2-core machine
});

describe('demo DDL settings', () => {
  const train = { datasetId: 1, splitId: 1, pairListId: 1, name: 'train', images: 10, identities: 2, created: false };
  it("gives the DDL fine-tune the settings' DDL weights and says they are not the reference ones", () => {
    const config = stage2Request(quickDemo, train, 7, 'ddl', 1, 'x').config as {
      ddl?: { lambdaPos?: number };
      parentRunId: number;
    };
    expect(config.ddl?.lambdaPos).toBe(quickDemo.stage2.ddl?.lambdaPos);
    expect(config.parentRunId).toBe(7);
    expect(describeDemoDdl(quickDemo)).toContain("the demo's choice");
    expect(describeDemoDdl(fullDemo)).toContain("the demo's choice");
    const referenceWeights = { ...fullDemo, stage2: { ...fullDemo.stage2, ddl: undefined } };
    expect(describeDemoDdl(referenceWeights)).toBe('DDL λpos 0.1, λneg 0.02, λorder 0.5 (reference)');
  });
});
