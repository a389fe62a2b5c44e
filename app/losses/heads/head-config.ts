import type * as tf from '@tensorflow/tfjs';
import type { HeadConfig } from '../../vocabulary/index.js';

// The head's config (type, s, m, tMomentum) is the lab's vocabulary; this is what a head does with it.
export * from '../../vocabulary/heads.js';

/** Maps embeddings to (margin-adjusted, scaled) cosine logits; the cross-entropy is separate. */
export interface MarginHead {
  readonly config: HeadConfig;
  /**
   * embeddings [batch, embDim] (raw, normalised inside), classWeights [embDim, classes] (raw,
   * normalised per column), labels [batch] int32. `training` lets stateful heads update their state.
   */
  logits(embeddings: tf.Tensor2D, classWeights: tf.Tensor2D, labels: tf.Tensor1D, training: boolean): tf.Tensor2D;
  /** Plain numbers to store in a checkpoint (empty for stateless heads). */
  state(): Record<string, number>;
  /** The same, read without blocking (GPU backends cannot read synchronously); heads with tensor state have it. */
  readState?(): Promise<Record<string, number>>;
  restore(state: Record<string, number>): void;
  /** Frees any tensors the head owns. */
  dispose(): void;
}
