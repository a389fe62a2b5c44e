import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainedFixture, type TrainedFixture } from '../../../app/eval/run/test-support/trained-run.js';
import { getEvaluation, listEvaluations } from '../../../app/store/evaluations-repo.js';
import { insertRun } from '../../../app/store/runs-repository.js';
import { runCli, type CliResult } from '../test-support/run-cli.js';

// The real `ddl-lab eval` command on a data directory holding a real (tiny) trained run: it
// prints the metrics overall and per pair type, stores the evaluation, and explains bad requests.

let fixture: TrainedFixture;

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 12, perIdentity: 6, steps: 30 });
}, 120_000);
afterAll(() => fixture?.cleanup());

function ddlLab(...args: string[]): Promise<CliResult> {
  return runCli(['eval', ...args, '--data-dir', fixture.dataDir]);
}

describe('ddl-lab eval', () => {
  it('prints the metrics overall and per pair type and stores the evaluation', async () => {
    const { code, stdout, stderr } = await ddlLab(String(fixture.runId), '--pairs', String(fixture.pairListId));
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(
      new RegExp(`^Evaluation \\d+: run ${fixture.runId} at step 30 on pair list ${fixture.pairListId}`),
    );
    expect(stdout).toMatch(/^metric\s+all\s+easy-easy\s+easy-hard\s+hard-hard$/m);
    expect(stdout).toMatch(/^accuracy \(10-fold\)\s+\d\.\d{4}±\d\.\d{4}/m);
    expect(stdout).toContain('Gaps from easy-easy (positive = the type is worse):');
    expect(stdout).toMatch(/rank-1 \d\.\d{4}, rank-5 \d\.\d{4}/);
    expect(stdout).toMatch(/Failures at threshold -?\d\.\d{4} \(chosen for FAR ≤ 1e-2 on all pairs/);
    expect(stderr).toMatch(/stored evaluation \d+/);
    const stored = listEvaluations(fixture.db, { runId: fixture.runId });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ flipTest: false, checkpointStep: 30, status: 'completed' });
  }, 60_000);

  it('prints the stored evaluation as JSON with --json, flip-test and a given threshold', async () => {
    const { code, stdout, stderr } = await ddlLab(
      String(fixture.runId),
      '--pairs',
      String(fixture.pairListId),
      '--flip',
      '--threshold',
      '0.5',
      '--failures',
      '3',
      '--json',
    );
    expect(code, stderr).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.evaluation).toMatchObject({
      runId: fixture.runId,
      flipTest: true,
      threshold: 0.5,
      thresholdSource: { kind: 'given' },
    });
    expect(out.evaluation.report.byType.map((t: { type: string }) => t.type)).toEqual([
      'easy-easy',
      'easy-hard',
      'hard-hard',
    ]);
    expect(out.failures.items.length).toBeLessThanOrEqual(3);
    expect(out.failures.items[0].image1).toMatchObject({
      path: expect.any(String),
      attributes: { yaw: expect.any(Number) },
    });
    expect(getEvaluation(fixture.db, out.evaluation.id)).toEqual(out.evaluation);
  }, 60_000);

  it('explains an unknown run, a run without a checkpoint, an unknown pair list and a missing --pairs', async () => {
    const unknownRun = await ddlLab('999', '--pairs', String(fixture.pairListId));
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr).toMatch(
      /ddl-lab eval: there is no run 999; "ddl-lab runs list" shows the runs there are\./,
    );
    const fresh = insertRun(fixture.db, {
      datasetId: fixture.datasetId,
      splitId: fixture.splitId,
      stage: 1,
      config: {},
      seed: 1,
      totalSteps: 10,
    });
    const noCheckpoint = await ddlLab(String(fresh.id), '--pairs', String(fixture.pairListId));
    expect(noCheckpoint.code).toBe(1);
    expect(noCheckpoint.stderr).toMatch(new RegExp(`run ${fresh.id} has no checkpoint yet`));
    const unknownList = await ddlLab(String(fixture.runId), '--pairs', '999');
    expect(unknownList.code).toBe(1);
    expect(unknownList.stderr).toMatch(/there is no pair list 999/);
    const noPairs = await ddlLab(String(fixture.runId));
    expect(noPairs.code).toBe(2);
    expect(noPairs.stderr).toMatch(/--pairs ID is required/);
    expect(listEvaluations(fixture.db, { runId: fresh.id })).toEqual([]);
  }, 60_000);
});
