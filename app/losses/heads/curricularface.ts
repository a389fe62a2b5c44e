import * as tf from '@tensorflow/tfjs';
import { isGreater, stopGradient } from '../stop-gradient.js';
import { AngularMargin } from './arcface.js';
import { cosineLogits, labelMask, targetCosine, withTarget } from './cosine-logits.js';
import type { HeadConfig, MarginHead } from './head-config.js';

/**
 * CurricularFace: ArcFace's target logit, plus hard negatives (cos(theta_j) > cos(theta_y + m))
 * re-weighted to cos(theta_j) * (t + cos(theta_j)), where t is a running mean of the target cosine:
 * easy negatives early in training, hard ones later.
 */
export class CurricularFaceHead implements MarginHead {
  private readonly margin: AngularMargin;
  // Not trainable: updated by the forward pass while training, saved in checkpoints as a number.
  private readonly t: tf.Variable;

  constructor(readonly config: HeadConfig) {
    this.margin = new AngularMargin(config.m);
    this.t = tf.variable(tf.scalar(0), false);
  }

  logits(embeddings: tf.Tensor2D, classWeights: tf.Tensor2D, labels: tf.Tensor1D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const cosine = cosineLogits(embeddings, classWeights);
      const mask = labelMask(labels, cosine.shape[1]);
      const target = targetCosine(cosine, mask);
      const { withMargin, adjusted } = this.margin.apply(target); // cos(theta_y + m), ArcFace's fallback
      if (training) {
        const alpha = this.config.tMomentum;
        this.t.assign(
          stopGradient(target)
            .mean()
            .mul(alpha)
            .add(this.t.mul(1 - alpha)),
        );
      }
      const hard = isGreater(cosine, withMargin);
      const emphasised = tf.where(hard, cosine.mul(this.t.add(cosine)), cosine) as tf.Tensor2D;
      return withTarget(emphasised, mask, adjusted).mul(this.config.s);
    });
  }

  state(): Record<string, number> {
    return { t: this.t.dataSync()[0] as number };
  }

  async readState(): Promise<Record<string, number>> {
    return { t: (await this.t.data())[0] as number };
  }

  restore(state: Record<string, number>): void {
    const t = state.t;
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw new Error(
        `CurricularFace state: "t" must be a finite number, got ${JSON.stringify(t)}; pass the object state() returned`,
      );
    }
    this.t.assign(tf.scalar(t));
  }

  dispose(): void {
    this.t.dispose();
  }
}
