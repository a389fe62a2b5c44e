import * as tf from '@tensorflow/tfjs';
import { cosineLogits } from './cosine-logits.js';
import type { HeadConfig, MarginHead } from './head-config.js';

/** Normalised softmax (NormFace): logits = s * cos(theta), no margin. */
export class NormalizedSoftmaxHead implements MarginHead {
  constructor(readonly config: HeadConfig) {}

  logits(embeddings: tf.Tensor2D, classWeights: tf.Tensor2D, _labels: tf.Tensor1D, _training: boolean): tf.Tensor2D {
    return tf.tidy(() => cosineLogits(embeddings, classWeights).mul(this.config.s));
  }

  state(): Record<string, number> {
    return {};
  }
  restore(_state: Record<string, number>): void {}
  dispose(): void {}
}
