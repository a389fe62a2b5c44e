import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { embedWithBackbone } from '../eval/run/embed-images.js';
import { loadBackbone, type Backbone } from '../models/index.js';
import { loadPretrained } from '../models/zoo/index.js';
import { checkpointFolder, latestCheckpoint } from '../store/runs-checkpoints.js';
import { getRunRecord } from '../store/runs-repository.js';
import { readCheckpoint } from './checkpoint-files.js';
import { pretrainedRun } from './pretrained-start.js';
import { createSynthFixture, type SynthFixture } from './test-support/synth-fixture.js';
import { trainInProcess } from './test-support/train-in-process.js';

// The centred pretrained start on a real 112 px SynthFaces set: the pretrained run's saved model
// is MobileFaceNet with the dataset's mean raw embedding subtracted in its last bias, so its
// embeddings are the raw model's minus that mean, they average to ≈ 0 over the dataset, and
// different people no longer score a cosine of ≈ 1.

const identities = 6;
const perIdentity = 4;
let fixture: SynthFixture;

beforeAll(async () => {
  await initBackend();
  fixture = await createSynthFixture({ identities, perIdentity, size: 112, seed: 41 });
}, 120_000);
afterAll(() => fixture?.cleanup());

async function rawEmbeddings(backbone: Backbone) {
  return embedWithBackbone(fixture.db, fixture.dataDir, fixture.datasetId, backbone, { raw: true });
}

/** Mean of the rows and its norm. */
function meanOf(rows: Float32Array, dim: number): { mean: Float64Array; norm: number } {
  const count = rows.length / dim;
  const mean = new Float64Array(dim);
  for (let r = 0; r < count; r++) for (let d = 0; d < dim; d++) mean[d]! += rows[r * dim + d]! / count;
  return { mean, norm: Math.hypot(...mean) };
}

function unit(rows: Float32Array, dim: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let start = 0; start < rows.length; start += dim) {
    const row = rows.slice(start, start + dim);
    const norm = Math.hypot(...row);
    out.push(row.map((v) => v / norm));
  }
  return out;
}

/** Mean cosine over pairs of images of different identities. */
function meanImpostorCosine(rows: Float32Array, labels: Int32Array, dim: number): number {
  const units = unit(rows, dim);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < units.length; i++)
    for (let j = i + 1; j < units.length; j++) {
      if (labels[i] === labels[j]) continue;
      sum += units[i]!.reduce((s, v, d) => s + v * units[j]![d]!, 0);
      count += 1;
    }
  return sum / count;
}

describe('centred pretrained run', () => {
  it('saves MobileFaceNet minus its mean embedding over the dataset, beside the raw pretrained run', async () => {
    const { db, dataDir, datasetId } = fixture;
    const { run, created } = await pretrainedRun(db, dataDir, {
      model: 'mobilefacenet',
      datasetId,
      classes: identities,
      centre: true,
    });
    expect(created).toBe(true);
    expect(run).toMatchObject({ name: 'mobilefacenet (pretrained, centred)', totalSteps: 0, status: 'completed' });
    expect(run.config).toMatchObject({ pretrained: 'mobilefacenet', centre: true, classifierInit: 'class-means' });

    const checkpoint = readCheckpoint(checkpointFolder(dataDir, latestCheckpoint(db, run.id)!));
    const centred = await loadBackbone(checkpoint.backboneDir);
    const raw = await loadPretrained('mobilefacenet');
    try {
      const dim = raw.embeddingSize;
      const before = await rawEmbeddings(raw);
      const after = await rawEmbeddings(centred);
      const count = before.imageIds.length;
      expect(count).toBe(identities * perIdentity);
      expect([...after.imageIds]).toEqual([...before.imageIds]);

      // The mean raw embedding over the dataset's images, computed here on its own.
      const mean = new Float64Array(dim);
      for (let r = 0; r < count; r++) for (let d = 0; d < dim; d++) mean[d]! += before.embeddings[r * dim + d]! / count;
      const meanNorm = Math.hypot(...mean);
      expect(meanNorm).toBeGreaterThan(0.1); // a real shift, not a no-op

      // Centred embedding = raw embedding − mean (before normalisation), for every image: within
      // float32 rounding of the raw values (norm ≈ 400 here, so 1e-4 absolute is ~1e-7 of it) …
      const expected = new Float32Array(count * dim);
      let worst = 0;
      for (let r = 0; r < count; r++)
        for (let d = 0; d < dim; d++) {
          expected[r * dim + d] = before.embeddings[r * dim + d]! - mean[d]!;
          worst = Math.max(worst, Math.abs(after.embeddings[r * dim + d]! - expected[r * dim + d]!));
        }
      expect(worst).toBeLessThan(1e-6 * meanNorm);
      // … and after normalisation (what evaluation compares) within 1e-4.
      const [got, want] = [unit(after.embeddings, dim), unit(expected, dim)];
      const worstUnit = Math.max(...got.map((row, r) => Math.max(...row.map((v, d) => Math.abs(v - want[r]![d]!)))));
      expect(worstUnit).toBeLessThan(1e-4);

      // Over the same images the centred model's embeddings average to ≈ 0.
      const centredMean = new Float64Array(dim);
      for (let r = 0; r < count; r++)
        for (let d = 0; d < dim; d++) centredMean[d]! += after.embeddings[r * dim + d]! / count;
      expect(Math.hypot(...centredMean)).toBeLessThan(1e-4 * Math.max(1, meanNorm));

      // Different people: ≈ 1 under the raw model, far lower once centred.
      const rawImpostor = meanImpostorCosine(before.embeddings, before.labels, dim);
      const centredImpostor = meanImpostorCosine(after.embeddings, after.labels, dim);
      expect(rawImpostor).toBeGreaterThan(0.99);
      expect(centredImpostor).toBeLessThan(0.9);

      // The classifier holds the normalised class means of the centred unit embeddings.
      const units = unit(after.embeddings, dim);
      const classes = checkpoint.classifier.shape[1]!;
      expect(checkpoint.classifier.shape).toEqual([dim, identities]);
      for (let c = 0; c < identities; c++) {
        const sum = new Float64Array(dim);
        units.forEach((row, r) => {
          if (after.labels[r] === c) row.forEach((v, d) => (sum[d]! += v));
        });
        const norm = Math.hypot(...sum);
        let cosine = 0;
        for (let d = 0; d < dim; d++) cosine += (sum[d]! / norm) * checkpoint.classifier.values[d * classes + c]!;
        expect(cosine).toBeGreaterThan(0.9999);
      }
    } finally {
      centred.dispose();
      raw.dispose();
    }

    // Found again, not remade; the raw pretrained run is another run, its model untouched.
    const again = await pretrainedRun(db, dataDir, {
      model: 'mobilefacenet',
      datasetId,
      classes: identities,
      centre: true,
    });
    expect(again).toMatchObject({ created: false, run: { id: run.id } });
    const plain = await pretrainedRun(db, dataDir, { model: 'mobilefacenet', datasetId, classes: identities });
    expect(plain.created).toBe(true);
    expect(plain.run.name).toBe('mobilefacenet (pretrained)');
    expect(plain.run.config).not.toHaveProperty('centre');
    const plainModel = await loadBackbone(
      join(checkpointFolder(dataDir, latestCheckpoint(db, plain.run.id)!), 'backbone'),
    );
    const zoo = await loadPretrained('mobilefacenet');
    try {
      const [a, b] = [await rawEmbeddings(plainModel), await rawEmbeddings(zoo)];
      expect([...a.embeddings]).toEqual([...b.embeddings]);
    } finally {
      plainModel.dispose();
      zoo.dispose();
    }
  }, 300_000); // four embedding passes of 24 images through MobileFaceNet at 112 px on a loaded machine

  it('a stage-1 training run with pretrained and centre starts from the centred model', async () => {
    const { db, dataDir, datasetId, splitId } = fixture;
    // One step at a negligible lr: the saved model is the start the trainer made.
    const { runId, outcome } = await trainInProcess(db, dataDir, {
      datasetId,
      splitId,
      config: {
        stage: 1,
        pretrained: 'mobilefacenet',
        centre: true,
        backbone: { name: 'mobilefacenet', inputSize: 112 },
        head: { type: 'arcface' },
        batchSize: 2,
        steps: 1,
        lr: 1e-9,
        momentum: 0,
        weightDecay: 0,
      },
    });
    expect(outcome.status).toBe('completed');
    const trained = await loadBackbone(
      readCheckpoint(checkpointFolder(dataDir, latestCheckpoint(db, runId)!)).backboneDir,
    );
    const raw = await loadPretrained('mobilefacenet');
    try {
      const dim = raw.embeddingSize;
      const rawMean = meanOf((await rawEmbeddings(raw)).embeddings, dim);
      const trainedMean = meanOf((await rawEmbeddings(trained)).embeddings, dim);
      expect(rawMean.norm).toBeGreaterThan(0.1);
      expect(trainedMean.norm).toBeLessThan(1e-4 * rawMean.norm);
    } finally {
      trained.dispose();
      raw.dispose();
    }
  }, 300_000);

  it('a pretrained run that cannot be saved ends failed with the reason, not queued forever', async () => {
    const { db, dataDir, datasetId } = fixture;
    // The folder the next run would be saved in is taken by a file.
    const next = (db.prepare('SELECT coalesce(max(id), 0) + 1 AS id FROM runs').get() as { id: number }).id;
    mkdirSync(join(dataDir, 'runs'), { recursive: true });
    writeFileSync(join(dataDir, 'runs', String(next)), 'not a folder');
    const request = {
      model: 'mobilefacenet' as const,
      datasetId,
      classes: identities,
      classifierInit: 'normal' as const,
    };
    await expect(pretrainedRun(db, dataDir, request)).rejects.toThrow();
    const failed = getRunRecord(db, next)!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^the pretrained run could not be saved: /);
    rmSync(join(dataDir, 'runs', String(next)));
    // The next request makes a new one (a failed run is never the one found).
    const made = await pretrainedRun(db, dataDir, request);
    expect(made.created).toBe(true);
    expect(made.run.id).not.toBe(next);
  }, 120_000);
});
