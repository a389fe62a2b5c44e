import * as tf from '@tensorflow/tfjs';
import { cosineLogits, labelMask, targetCosine, withTarget } from './cosine-logits.js';
import type { HeadConfig, MarginHead } from './head-config.js';

/** CosFace: the target logit is s * (cos(theta_y) - m). */
export class CosFaceHead implements MarginHead {
  constructor(readonly config: HeadConfig) {}

  logits(embeddings: tf.Tensor2D, classWeights: tf.Tensor2D, labels: tf.Tensor1D, _training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const cosine = cosineLogits(embeddings, classWeights);
      const mask = labelMask(labels, cosine.shape[1]);
      return withTarget(cosine, mask, targetCosine(cosine, mask).sub(this.config.m)).mul(this.config.s);
    });
  }

  state(): Record<string, number> {
    return {};
  }
  restore(_state: Record<string, number>): void {}
  dispose(): void {}
}
