import * as tf from '@tensorflow/tfjs';
import { Random } from '../util/random.js';
import { ForwardBuilder } from './forward-builder.js';
import { saveLayersModel } from './layers-format.js';
import type { NetworkBuilder } from './network.js';
import { ParamStore } from './params.js';
import type { Backbone, ResolvedBackboneSpec, TrainableVariable } from './types.js';
import { WeightsBuilder } from './weights-builder.js';

/** A family's architecture: the network as NetworkBuilder calls (see iresnet.ts). */
export type Describe = <T>(spec: ResolvedBackboneSpec, input: T, net: NetworkBuilder<T>) => T;

// A Backbone built from a family's description: weights in a ParamStore, forward via
// ForwardBuilder, export via the layers twin.
export class NetworkBackbone implements Backbone {
  readonly inputSize: number;
  readonly embeddingSize: number;
  private readonly params: ParamStore;
  // Dropout masks come from their own stream so they do not shift with other randomness.
  private dropoutRandom: Random;

  /** initialise = false leaves zero weights, for a load to fill. */
  constructor(
    readonly spec: ResolvedBackboneSpec,
    private readonly describe: Describe,
    initialise = true,
  ) {
    this.inputSize = spec.inputSize;
    this.embeddingSize = spec.embeddingSize;
    this.params = new ParamStore(initialise ? new Random(spec.seed) : undefined);
    this.dropoutRandom = new Random(spec.seed ^ 0x5eed);
    try {
      describe(spec, null, new WeightsBuilder(this.params));
    } catch (error) {
      this.params.dispose();
      throw error;
    }
  }

  embed(images: tf.Tensor4D, training: boolean): tf.Tensor2D {
    const [, h, w, c] = images.shape;
    if (images.rank !== 4 || h !== this.inputSize || w !== this.inputSize || c !== 3) {
      throw new Error(
        `${this.spec.name} expects images [N, ${this.inputSize}, ${this.inputSize}, 3], got [${images.shape}]`,
      );
    }
    if (training && images.shape[0] < 2)
      throw new Error(
        `${this.spec.name} needs a batch of at least 2 images in training (BatchNorm), got ${images.shape[0]}`,
      );
    return tf.tidy(
      () =>
        this.describe(
          this.spec,
          images as tf.Tensor,
          new ForwardBuilder(this.params, training, this.dropoutRandom),
        ) as tf.Tensor2D,
    );
  }

  trainableVariables(): TrainableVariable[] {
    return this.params.trainable();
  }

  getWeights(): tf.Tensor[] {
    return this.params.values();
  }

  setWeights(weights: tf.Tensor[]): void {
    this.params.assign(weights);
  }

  weightNames(): string[] {
    return this.params.names();
  }

  /** Sets one weight by name (used by loading). */
  setWeight(name: string, value: tf.Tensor): void {
    this.params.assignOne(name, value);
  }

  async save(dir: string): Promise<void> {
    const names = this.params.names();
    const values = this.params.values();
    try {
      await saveLayersModel(dir, this.spec, this.describe, new Map(names.map((n, i) => [n, values[i]!])));
    } finally {
      tf.dispose(values);
    }
  }

  dropoutState(): number {
    return this.dropoutRandom.save();
  }

  restoreDropoutState(state: number): void {
    this.dropoutRandom = Random.restore(state);
  }

  dispose(): void {
    this.params.dispose();
  }
}
