import type * as tf from '@tensorflow/tfjs';
import type { BackboneName } from '../vocabulary/index.js';

// The backbone contract the trainer and evaluator use (app/models/index.ts).

export { backboneNames, type BackboneName } from '../vocabulary/index.js';

export interface BackboneSpec {
  name: BackboneName;
  /** Square input side in pixels (ir-lite 32–64, default 32; IResNets 112). */
  inputSize?: number;
  /** Embedding width (ir-lite 128, IResNets 512). */
  embeddingSize?: number;
  /** Channels per stage (4 stages, each halving the resolution). */
  widths?: number[];
  /** Residual blocks per stage. */
  depths?: number[];
  /** Dropout rate before the embedding FC, in training only. */
  dropout?: number;
  /** Initialisation seed: same seed, same weights. */
  seed?: number;
}

/** A spec with every field filled in; JSON-serialisable and enough to rebuild the architecture. */
export type ResolvedBackboneSpec = Required<BackboneSpec>;

export interface TrainableVariable {
  variable: tf.Variable;
  /** False for BatchNorm, bias and PReLU parameters (no weight decay). */
  decay: boolean;
}

export interface Backbone {
  readonly spec: ResolvedBackboneSpec;
  readonly inputSize: number;
  readonly embeddingSize: number;
  /**
   * Raw (not L2-normalised) embeddings [N, embeddingSize] of NHWC float32 images in [−1, 1].
   * training = true uses batch statistics, updates the BN running statistics and applies dropout.
   */
  embed(images: tf.Tensor4D, training: boolean): tf.Tensor2D;
  trainableVariables(): TrainableVariable[];
  /** Every weight incl. BN running statistics, in a fixed order; the caller owns (disposes) them. */
  getWeights(): tf.Tensor[];
  /** Sets every weight from getWeights()'s order; shapes must match. */
  setWeights(weights: tf.Tensor[]): void;
  /** Names of getWeights()'s entries, e.g. "layer1_0_conv1/kernel". */
  weightNames(): string[];
  /** Writes model.json + weights.bin (tfjs layers-model format, loadable by tf.loadLayersModel). */
  save(dir: string): Promise<void>;
  /** The dropout mask stream's state, so a resumed run draws the masks it would have drawn. */
  dropoutState(): number;
  restoreDropoutState(state: number): void;
  dispose(): void;
}
