import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../engine/backend.js';
import { relativeError, seededNormal } from '../engine/testing.js';
import { createBackbone, loadBackbone } from './index.js';
import type { BackboneSpec } from './types.js';

const spec: BackboneSpec = {
  name: 'ir-lite',
  inputSize: 32,
  widths: [4, 8, 8, 8],
  depths: [1, 2, 1, 1],
  embeddingSize: 16,
  dropout: 0.2,
  seed: 9,
};

describe('backbone save and load (tfjs layers-model format)', () => {
  let dir: string;
  beforeAll(async () => {
    await initBackend({ preferred: 'wasm' });
    dir = await mkdtemp(join(tmpdir(), 'ddl-backbone-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const images = () =>
    tf.tidy(() => tf.clipByValue(tf.tensor4d(seededNormal([3, 32, 32, 3], 1), [3, 32, 32, 3]), -1, 1) as tf.Tensor4D);

  it('reloads to identical embeddings, spec and BN running statistics', async () => {
    const original = createBackbone(spec);
    const x = images();
    try {
      tf.tidy(() => {
        original.embed(x, true);
      }); // move the running statistics off their initial values
      const before = tf.tidy(() => original.embed(x, false).dataSync());
      await original.save(join(dir, 'a'));
      const loaded = await loadBackbone(join(dir, 'a'));
      try {
        expect(loaded.spec).toEqual(original.spec);
        expect(Array.from(tf.tidy(() => loaded.embed(x, false).dataSync()))).toEqual(Array.from(before));
      } finally {
        loaded.dispose();
      }
    } finally {
      x.dispose();
      original.dispose();
    }
  });

  it('leaves no tensors behind when saving', async () => {
    const original = createBackbone(spec);
    try {
      await original.save(join(dir, 'leak-warmup'));
      const tensors = tf.memory().numTensors,
        dataIds = tf.engine().backend.numDataIds();
      await original.save(join(dir, 'leak'));
      expect(tf.memory().numTensors).toBe(tensors);
      expect(tf.engine().backend.numDataIds()).toBe(dataIds);
    } finally {
      original.dispose();
    }
  });

  it('writes a model tf.loadLayersModel runs to the same embeddings', async () => {
    const original = createBackbone(spec);
    const x = images();
    try {
      tf.tidy(() => {
        original.embed(x, true);
      });
      await original.save(join(dir, 'b'));
      const json = JSON.parse(await readFile(join(dir, 'b', 'model.json'), 'utf8')) as tf.io.ModelJSON;
      expect(json.format).toBe('layers-model');
      expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
      const bytes = await readFile(join(dir, 'b', 'weights.bin'));
      const model = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0]!.weights,
          weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
        }),
      );
      const viaLayers = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync());
      const ours = tf.tidy(() => original.embed(x, false).dataSync());
      model.dispose();
      expect(relativeError(viaLayers, ours)).toBeLessThan(1e-4);
    } finally {
      x.dispose();
      original.dispose();
    }
  });

  it('round-trips getWeights/setWeights, BN statistics included', () => {
    const a = createBackbone(spec),
      b = createBackbone({ ...spec, seed: 10 });
    const x = images();
    try {
      tf.tidy(() => {
        a.embed(x, true);
      });
      const weights = a.getWeights();
      b.setWeights(weights);
      tf.dispose(weights);
      expect(Array.from(tf.tidy(() => b.embed(x, false).dataSync()))).toEqual(
        Array.from(tf.tidy(() => a.embed(x, false).dataSync())),
      );
      expect(() => b.setWeights([tf.zeros([1])])).toThrow(/expected \d+ tensors/);
    } finally {
      x.dispose();
      a.dispose();
      b.dispose();
    }
  });

  it('says what is wrong with a missing or damaged folder', async () => {
    await expect(loadBackbone(join(dir, 'nothing-here'))).rejects.toThrow(
      /model\.json not found: is .* a backbone folder saved by DDL Lab\?/,
    );
    const backbone = createBackbone(spec);
    await backbone.save(join(dir, 'c'));
    backbone.dispose();
    await writeFile(join(dir, 'c', 'weights.bin'), Buffer.alloc(12));
    await expect(loadBackbone(join(dir, 'c'))).rejects.toThrow(
      /holds 12 bytes but .* lists \d+; the folder is incomplete/,
    );
    await writeFile(join(dir, 'c', 'model.json'), '{"modelTopology": {}}');
    await expect(loadBackbone(join(dir, 'c'))).rejects.toThrow(/has no DDL Lab backbone spec/);
  });
});
