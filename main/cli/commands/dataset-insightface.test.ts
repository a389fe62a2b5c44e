import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainedFixture, type TrainedFixture } from '../../../app/eval/run/test-support/trained-run.js';
import { runCli, type CliResult } from '../test-support/run-cli.js';

// The acceptance path for insightface's verification sets: `ddl-lab dataset import lfw-like.bin`,
// then `ddl-lab eval RUN --pairs ID` with a real (tiny) trained run reports 10-fold accuracy on
// the file's own ten contiguous folds.

const bin = fileURLToPath(new URL('../../../app/data/insightface/fixtures/lfw-like-p4.bin', import.meta.url));
let fixture: TrainedFixture;

beforeAll(async () => {
  fixture = await createTrainedFixture({ identities: 8, perIdentity: 5, steps: 10 });
}, 120_000);
afterAll(() => fixture?.cleanup());

function ddlLab(...args: string[]): Promise<CliResult> {
  return runCli([...args, '--data-dir', fixture.dataDir]);
}

describe('ddl-lab dataset import FILE.bin, then ddl-lab eval', () => {
  it("reports 10-fold accuracy on the .bin's own folds", async () => {
    const imported = await ddlLab('dataset', 'import', bin, '--size', '32');
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(
      /^Dataset \d+ "lfw-like-p4" \(list\): 25 images of \d+ identities from .*extracted\/lfw-like-p4-1/m,
    );
    expect(imported.stdout).toMatch(/^Extracted 40 images \(15 repeats written once\) from .*lfw-like-p4\.bin into /m);
    expect(imported.stdout).toMatch(/^Pairs: 20 from .*lfw-like-p4-pairs\.csv\.$/m);
    const shown = JSON.parse((await ddlLab('dataset', 'show', 'lfw-like-p4', '--json')).stdout);
    const listId = shown.pairLists[0].id as number;

    const text = await ddlLab('eval', String(fixture.runId), '--pairs', String(listId));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^accuracy \(10-fold\)\s+\d\.\d{4}±\d\.\d{4}/m);
    expect(text.stdout).toContain("10-fold accuracy: the pair list's own folds.");

    const json = await ddlLab('eval', String(fixture.runId), '--pairs', String(listId), '--json');
    expect(json.code, json.stderr).toBe(0);
    const accuracy = JSON.parse(json.stdout).evaluation.report.overall.accuracy;
    expect(accuracy).toMatchObject({ folds: 10, assignment: 'list', seed: null });
    // Pairs 2f and 2f+1 are fold f in the file: every fold holds one genuine and one impostor pair.
    expect(accuracy.perFold.map((f: { pairs: number }) => f.pairs)).toEqual(new Array(10).fill(2));
  }, 120_000);
});
