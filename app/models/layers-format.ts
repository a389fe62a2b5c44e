import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Describe } from './backbone.js';
import { LayersTwinBuilder } from './layers-twin.js';
import type { ResolvedBackboneSpec } from './types.js';

// Backbones on disk in the tfjs layers-model format: model.json (topology + weights manifest +
// our spec in userDefinedMetadata) and one weights.bin. tf.loadLayersModel reads it as is.

export const modelFile = 'model.json';
export const weightsFile = 'weights.bin';
const metadataKey = 'ddlLab';

export interface SavedBackbone {
  spec: unknown;
  weights: tf.NamedTensorMap;
}

export async function saveLayersModel(
  dir: string,
  spec: ResolvedBackboneSpec,
  describe: Describe,
  weights: Map<string, tf.Tensor>,
): Promise<void> {
  const model = buildTwin(spec, describe);
  try {
    for (const layer of model.layers) {
      if (layer.weights.length === 0) continue;
      // setWeights copies into the layer's variables; the reshaped views are ours to release.
      const shaped = tf.tidy(() =>
        layer.weights.map((w) => {
          const value = weights.get(w.originalName);
          if (!value) throw new Error(`saving ${spec.name}: no value for weight ${w.originalName}`);
          return value.reshape(w.shape as number[]);
        }),
      );
      try {
        layer.setWeights(shaped);
      } finally {
        tf.dispose(shaped.filter((t) => ![...weights.values()].includes(t)));
      }
    }
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    if (!artifacts?.weightSpecs || !artifacts.weightData)
      throw new Error(`saving ${spec.name}: tfjs produced no weights`);
    const json = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs }],
      userDefinedMetadata: { [metadataKey]: { format: 1, spec } },
    };
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, weightsFile), Buffer.from(tf.io.CompositeArrayBuffer.join(artifacts.weightData)));
    await writeFile(join(dir, modelFile), JSON.stringify(json));
  } finally {
    model.dispose();
  }
}

/** The tf.layers model with the backbone's layer and weight names (weights zero until set). */
export function buildTwin(spec: ResolvedBackboneSpec, describe: Describe): tf.LayersModel {
  const input = tf.input({ shape: [spec.inputSize, spec.inputSize, 3], name: 'images' });
  const output = describe(spec, input, new LayersTwinBuilder());
  return tf.model({ inputs: input, outputs: output, name: spec.name.replace(/-/g, '_') });
}

/** Reads model.json and weights.bin from dir; the caller disposes the weights. */
export async function readLayersModel(dir: string): Promise<SavedBackbone> {
  const jsonPath = join(dir, modelFile);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `${jsonPath} not found: is ${dir} a backbone folder saved by DDL Lab?`
        : `${jsonPath} is not valid JSON (${(error as Error).message}); the save may have been interrupted`,
    );
  }
  const spec = (json.userDefinedMetadata as Record<string, { spec?: unknown }> | undefined)?.[metadataKey]?.spec;
  if (!spec)
    throw new Error(
      `${jsonPath} has no DDL Lab backbone spec (userDefinedMetadata.${metadataKey}); it was not saved by DDL Lab`,
    );
  const manifest = json.weightsManifest ?? [];
  const buffers: ArrayBuffer[] = [];
  for (const path of manifest.flatMap((group) => group.paths)) {
    const file = join(dir, path);
    try {
      const bytes = await readFile(file);
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    } catch {
      throw new Error(`${file} (listed in ${jsonPath}) cannot be read; copy the whole backbone folder`);
    }
  }
  const specs = manifest.flatMap((group) => group.weights);
  const data = tf.io.concatenateArrayBuffers(buffers);
  const expected = specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  if (data.byteLength !== expected)
    throw new Error(
      `${join(dir, weightsFile)} holds ${data.byteLength} bytes but ${jsonPath} lists ${expected}; the folder is incomplete`,
    );
  return { spec, weights: tf.io.decodeWeights(data, specs) };
}
