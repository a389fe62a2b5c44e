import * as tf from '@tensorflow/tfjs';
import { NetworkBackbone } from '../backbone.js';
import { parameterCount } from '../index.js';
import type { Backbone } from '../types.js';
import { decodeGraphWeights, packageFile, readGraphModelFiles } from './graph-model-files.js';
import {
  describeMobileFaceNet,
  mobileFaceNet,
  mobileFaceNetEmbeddingBias,
  mobileFaceNetWeights,
  resolveMobileFaceNetSpec,
} from './mobilefacenet.js';

// The model zoo: pretrained face-recognition networks shipped in npm packages, each re-implemented
// as a trainable lab backbone (a family in app/models/index.ts) whose weights we read by name from
// the package's graph-model files. Only MobileFaceNet so far (README.md in this folder).

export { decodeGraphWeights, fsGraphModel, packageFile, readGraphModelFiles } from './graph-model-files.js';

export const pretrainedNames = ['mobilefacenet'] as const;
export type PretrainedName = (typeof pretrainedNames)[number];

export interface PretrainedInfo {
  name: PretrainedName;
  /** Human-readable name for menus. */
  label: string;
  /** Where the weights come from: package and file. */
  source: string;
  inputSize: number;
  embeddingSize: number;
  parameters: number;
  /** True when the lab can fine-tune it (it is a lab backbone family). */
  trainable: boolean;
}

export function isPretrainedName(name: unknown): name is PretrainedName {
  return typeof name === 'string' && (pretrainedNames as readonly string[]).includes(name);
}

function checkName(name: string): PretrainedName {
  if (!isPretrainedName(name))
    throw new Error(`pretrained model must be one of ${pretrainedNames.join(', ')}, got ${JSON.stringify(name)}`);
  return name;
}

/** Path of the original graph model's model.json (for tf.loadGraphModel via fsGraphModel). */
export function pretrainedGraphPath(name: string): string {
  checkName(name);
  return packageFile(mobileFaceNet.packageName, mobileFaceNet.modelFile);
}

export function listPretrained(): PretrainedInfo[] {
  return [
    {
      name: 'mobilefacenet',
      label: 'MobileFaceNet (pretrained)',
      source: `${mobileFaceNet.packageName}/${mobileFaceNet.modelFile}`,
      inputSize: mobileFaceNet.inputSize,
      embeddingSize: mobileFaceNet.embeddingSize,
      parameters: parameterCount({ name: 'mobilefacenet' }).trainable,
      trainable: true,
    },
  ];
}

/** The pretrained network as a trainable backbone with the package's weights. */
export async function loadPretrained(name: string, options: { seed?: number } = {}): Promise<Backbone> {
  checkName(name);
  const files = await readGraphModelFiles(pretrainedGraphPath(name));
  const graph = decodeGraphWeights(files);
  const spec = resolveMobileFaceNetSpec({ name: 'mobilefacenet', seed: options.seed });
  const backbone = new NetworkBackbone(spec, describeMobileFaceNet, false);
  try {
    const weights = mobileFaceNetWeights(backbone.weightNames(), graph);
    try {
      for (const [labName, value] of weights) backbone.setWeight(labName, value);
    } finally {
      tf.dispose([...weights.values()].filter((t) => !Object.values(graph).includes(t)));
    }
    return backbone;
  } catch (error) {
    backbone.dispose();
    throw error;
  } finally {
    tf.dispose(Object.values(graph));
  }
}

/**
 * Shifts every raw embedding of a zoo model by −`mean` (length embeddingSize), exactly: the bias of
 * its last linear layer, which only a reshape follows, becomes bias − mean. The model's weights
 * change (a checkpoint saves them like any others).
 */
export function subtractFromEmbeddings(backbone: Backbone, mean: Float32Array): void {
  const names = backbone.weightNames();
  const index = names.indexOf(mobileFaceNetEmbeddingBias);
  if (backbone.spec.name !== 'mobilefacenet' || index < 0)
    throw new Error(`only a zoo model's embeddings can be shifted (mobilefacenet), not a ${backbone.spec.name}`);
  if (mean.length !== backbone.embeddingSize)
    throw new Error(`the mean has ${mean.length} values, the embedding ${backbone.embeddingSize}`);
  const weights = backbone.getWeights();
  try {
    const shifted = Float32Array.from(weights[index]!.dataSync(), (b, d) => b - mean[d]!);
    const value = tf.tensor(shifted, weights[index]!.shape);
    try {
      backbone.setWeights(weights.map((w, i) => (i === index ? value : w)));
    } finally {
      value.dispose();
    }
  } finally {
    tf.dispose(weights);
  }
}
