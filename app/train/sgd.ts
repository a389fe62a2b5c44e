import * as tf from '@tensorflow/tfjs';
import { sgdMomentumUpdate } from '../engine/sgd-update.js';

// SGD with momentum and decoupled-from-BN weight decay, written out so the update reads like the
// maths (PyTorch semantics, as insightface uses): g += wd * w (decayed weights only);
// buf = momentum * buf + g; w -= lr * buf.

export interface Parameter {
  variable: tf.Variable;
  /** Weight decay applies (conv / FC / classifier weights); false for BN scales and biases. */
  decay: boolean;
}

export interface SgdOptions {
  momentum: number;
  weightDecay: number;
}

/** Momentum buffers as plain arrays, in parameter order, for a checkpoint. */
export interface SgdState {
  names: string[];
  shapes: number[][];
  values: Float32Array[];
}

export class SgdMomentum {
  private readonly buffers: tf.Variable[];

  constructor(
    readonly parameters: Parameter[],
    readonly options: SgdOptions,
  ) {
    // tidy: the zeros a variable is made from would otherwise stay behind.
    this.buffers = parameters.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false)));
  }

  /** One update from `grads` (keyed by variable name, as tf.variableGrads returns them). */
  apply(grads: tf.NamedTensorMap, lr: number): void {
    const { momentum, weightDecay } = this.options;
    tf.tidy(() => {
      this.parameters.forEach((p, i) => {
        const grad = grads[p.variable.name];
        if (!grad) return; // a parameter the loss does not reach (e.g. frozen): leave it alone
        const buffer = this.buffers[i] as tf.Variable;
        const next = sgdMomentumUpdate(p.variable, buffer, grad, { lr, momentum, decay: p.decay ? weightDecay : 0 });
        buffer.assign(next.v);
        p.variable.assign(next.w);
      });
    });
  }

  async state(): Promise<SgdState> {
    return {
      names: this.parameters.map((p) => p.variable.name),
      shapes: this.buffers.map((b) => b.shape),
      values: (await Promise.all(this.buffers.map((b) => b.data()))) as Float32Array[],
    };
  }

  restore(state: SgdState): void {
    if (state.values.length !== this.buffers.length) {
      throw new Error(
        `optimiser state has ${state.values.length} momentum buffers; the model has ${this.buffers.length} parameters (was the checkpoint made with another backbone?)`,
      );
    }
    this.buffers.forEach((buffer, i) => {
      const shape = state.shapes[i] as number[];
      if (shape.join('x') !== buffer.shape.join('x')) {
        throw new Error(
          `optimiser state: buffer ${i} (${state.names[i]}) has shape [${shape}], the model's is [${buffer.shape}]`,
        );
      }
      tf.tidy(() => buffer.assign(tf.tensor(state.values[i] as Float32Array, shape)));
    });
  }

  dispose(): void {
    for (const b of this.buffers) b.dispose();
  }
}

/** The global L2 norm of the gradients, as a tensor (the trainer reads it with the step's other scalars). */
export function globalNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))))) as tf.Scalar;
}

/**
 * Scales gradients so their global L2 norm is at most `maxNorm` (insightface clips at 5).
 * Returns the new gradients and the norm before clipping (NaN/inf if the gradients are bad).
 */
export async function clipByGlobalNorm(
  grads: tf.NamedTensorMap,
  maxNorm: number,
): Promise<{ grads: tf.NamedTensorMap; norm: number }> {
  const normTensor = globalNorm(grads);
  const norm = (await normTensor.data())[0] as number;
  normTensor.dispose();
  return { grads: clipToNorm(grads, norm, maxNorm), norm };
}

/** The gradients scaled to `maxNorm` when their global norm `norm` (already read) is above it; else the same map. */
export function clipToNorm(grads: tf.NamedTensorMap, norm: number, maxNorm: number): tf.NamedTensorMap {
  if (!(maxNorm > 0) || !Number.isFinite(norm) || norm <= maxNorm) return grads;
  const scale = maxNorm / (norm + 1e-6);
  const clipped: tf.NamedTensorMap = {};
  for (const [name, g] of Object.entries(grads)) clipped[name] = tf.mul(g, scale);
  return clipped;
}
