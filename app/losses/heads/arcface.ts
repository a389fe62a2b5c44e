import * as tf from '@tensorflow/tfjs';
import { isGreater } from '../stop-gradient.js';
import { cosineLogits, labelMask, sineOf, targetCosine, withTarget } from './cosine-logits.js';
import type { HeadConfig, MarginHead } from './head-config.js';

/** ArcFace: the target logit is s * cos(theta_y + m), with the usual fallback when theta_y + m > pi. */
export class ArcFaceHead implements MarginHead {
  private readonly cosM: number;
  private readonly sinM: number;
  // theta + m > pi exactly when cos(theta) < cos(pi - m); there cos(theta + m) would stop falling.
  private readonly threshold: number;
  // ...so the fallback subtracts a CosFace-like margin instead: cos(theta) - m * sin(m).
  private readonly fallbackMargin: number;

  constructor(readonly config: HeadConfig) {
    this.cosM = Math.cos(config.m);
    this.sinM = Math.sin(config.m);
    this.threshold = Math.cos(Math.PI - config.m);
    this.fallbackMargin = Math.sin(Math.PI - config.m) * config.m;
  }

  logits(embeddings: tf.Tensor2D, classWeights: tf.Tensor2D, labels: tf.Tensor1D, _training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const cosine = cosineLogits(embeddings, classWeights);
      const mask = labelMask(labels, cosine.shape[1]);
      const target = targetCosine(cosine, mask);
      const withMargin = target.mul(this.cosM).sub(sineOf(target).mul(this.sinM)); // cos(theta + m)
      const adjusted = tf.where(isGreater(target, this.threshold), withMargin, target.sub(this.fallbackMargin));
      return withTarget(cosine, mask, adjusted as tf.Tensor2D).mul(this.config.s);
    });
  }

  state(): Record<string, number> {
    return {};
  }
  restore(_state: Record<string, number>): void {}
  dispose(): void {}
}
