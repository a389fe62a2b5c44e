import * as tf from '@tensorflow/tfjs';
import { isGreater } from '../stop-gradient.js';
import { cosineLogits, labelMask, sineOf, targetCosine, withTarget } from './cosine-logits.js';
import type { HeadConfig, MarginHead } from './head-config.js';

/**
 * ArcFace's additive angular margin on the target cosine, shared with CurricularFace: cos(theta + m),
 * with the usual fallback when theta + m > pi.
 */
export class AngularMargin {
  private readonly cosM: number;
  private readonly sinM: number;
  // theta + m > pi exactly when cos(theta) < cos(pi - m); there cos(theta + m) would stop falling.
  private readonly threshold: number;
  // ...so the fallback subtracts a CosFace-like margin instead: cos(theta) - m * sin(m).
  private readonly fallbackMargin: number;

  constructor(m: number) {
    this.cosM = Math.cos(m);
    this.sinM = Math.sin(m);
    this.threshold = Math.cos(Math.PI - m);
    this.fallbackMargin = Math.sin(Math.PI - m) * m;
  }

  /** For the target cosines [b, 1]: cos(theta + m), and the target logit (that, or the fallback). */
  apply(target: tf.Tensor2D): { withMargin: tf.Tensor2D; adjusted: tf.Tensor2D } {
    const withMargin = target.mul(this.cosM).sub(sineOf(target).mul(this.sinM)) as tf.Tensor2D; // cos(theta + m)
    const adjusted = tf.where(isGreater(target, this.threshold), withMargin, target.sub(this.fallbackMargin));
    return { withMargin, adjusted: adjusted as tf.Tensor2D };
  }
}

/** ArcFace: the target logit is s * cos(theta_y + m), with the usual fallback when theta_y + m > pi. */
export class ArcFaceHead implements MarginHead {
  private readonly margin: AngularMargin;

  constructor(readonly config: HeadConfig) {
    this.margin = new AngularMargin(config.m);
  }

  logits(embeddings: tf.Tensor2D, classWeights: tf.Tensor2D, labels: tf.Tensor1D, _training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const cosine = cosineLogits(embeddings, classWeights);
      const mask = labelMask(labels, cosine.shape[1]);
      const { adjusted } = this.margin.apply(targetCosine(cosine, mask));
      return withTarget(cosine, mask, adjusted).mul(this.config.s);
    });
  }

  state(): Record<string, number> {
    return {};
  }
  restore(_state: Record<string, number>): void {}
  dispose(): void {}
}
