import * as tf from '@tensorflow/tfjs';
import { NetworkBackbone, type Describe } from './backbone.js';
import { describeIResNet, iresnetPresets, resolveIResNetSpec } from './iresnet.js';
import { readLayersModel } from './layers-format.js';
import { WeightsBuilder } from './weights-builder.js';
import { describeMobileFaceNet, mobileFaceNet, resolveMobileFaceNetSpec } from './zoo/mobilefacenet.js';
import {
  backboneNames,
  type Backbone,
  type BackboneName,
  type BackboneSpec,
  type ResolvedBackboneSpec,
} from './types.js';

// Backbone registry: one family per file, looked up by name (insightface's get_model).

export type { Backbone, BackboneName, BackboneSpec, ResolvedBackboneSpec, TrainableVariable } from './types.js';
export { backboneNames } from './types.js';

interface Family {
  resolve(spec: BackboneSpec): ResolvedBackboneSpec;
  describe: Describe;
  inputSize: { min: number; max: number; default: number };
}

const families: Record<BackboneName, Family> = {
  ...(Object.fromEntries(
    Object.entries(iresnetPresets).map(([name, preset]) => [
      name,
      { resolve: resolveIResNetSpec, describe: describeIResNet as Describe, inputSize: preset.inputSize },
    ]),
  ) as Record<keyof typeof iresnetPresets, Family>),
  // Pretrained weights come from app/models/zoo (loadPretrained); createBackbone gives random ones.
  mobilefacenet: {
    resolve: resolveMobileFaceNetSpec,
    describe: describeMobileFaceNet as Describe,
    inputSize: { min: mobileFaceNet.inputSize, max: mobileFaceNet.inputSize, default: mobileFaceNet.inputSize },
  },
};

function familyOf(name: unknown): Family {
  const family = typeof name === 'string' ? families[name as BackboneName] : undefined;
  if (!family) throw new Error(`backbone name must be one of ${backboneNames.join(', ')}, got ${JSON.stringify(name)}`);
  return family;
}

/** Input sizes a backbone supports (pixels, square). */
export function backboneInputRange(name: BackboneName): { min: number; max: number; default: number } {
  return { ...familyOf(name).inputSize };
}

/** Fills in defaults and validates; throws an Error naming the bad field. */
export function resolveBackboneSpec(spec: BackboneSpec): ResolvedBackboneSpec {
  return familyOf(spec.name).resolve(spec);
}

/** Parameter counts without allocating any weights (trainable ones, and all incl. BN statistics). */
export function parameterCount(spec: BackboneSpec): { trainable: number; total: number } {
  const family = familyOf(spec.name);
  const count = { trainable: 0, total: 0 };
  family.describe(
    family.resolve(spec),
    null,
    new WeightsBuilder({
      add: (_name, shape, _init, options) => {
        const size = shape.reduce((a, b) => a * b, 1);
        count.total += size;
        if (options.trainable) count.trainable += size;
      },
    }),
  );
  return count;
}

/** A freshly initialised backbone (seeded: same spec, same weights). */
export function createBackbone(spec: BackboneSpec): Backbone {
  const family = familyOf(spec.name);
  return new NetworkBackbone(family.resolve(spec), family.describe);
}

/** A backbone saved by Backbone.save(dir), with its spec, weights and BN running statistics. */
export async function loadBackbone(dir: string): Promise<Backbone> {
  const saved = await readLayersModel(dir);
  try {
    const spec = saved.spec as BackboneSpec;
    const family = familyOf(spec.name);
    const backbone = new NetworkBackbone(family.resolve(spec), family.describe, false);
    try {
      for (const name of backbone.weightNames()) {
        const value = saved.weights[name];
        if (!value) throw new Error(`${dir}: weight ${name} is missing from the saved backbone`);
        backbone.setWeight(name, value);
      }
    } catch (error) {
      backbone.dispose();
      throw error;
    }
    return backbone;
  } finally {
    tf.dispose(Object.values(saved.weights));
  }
}
