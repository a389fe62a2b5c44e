import * as tf from '@tensorflow/tfjs';
import { batchNormInfer, batchNormTrain, type BatchNormState } from '../engine/batch-norm.js';
import { prelu } from '../engine/prelu.js';
import type { Random } from '../util/random.js';
import { bnEpsilon, bnMomentum, type NetworkBuilder, type TfPadding } from './network.js';
import type { ParamStore } from './params.js';

// Interprets a network description by running tensors through it, with the engine's fast
// training ops (BatchNorm and PReLU with analytic gradients).

// PyTorch's padding=1 for 3×3 (TF 'same' would pad stride-2 convs only at the bottom/right).
const pad3x3: [[number, number], [number, number], [number, number], [number, number]] = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];

export class ForwardBuilder implements NetworkBuilder<tf.Tensor> {
  constructor(
    private readonly params: ParamStore,
    private readonly training: boolean,
    private readonly dropoutRandom: Random,
  ) {}

  conv(name: string, x: tf.Tensor, kernel: number, stride: number): tf.Tensor {
    const pad = kernel === 1 ? 'valid' : kernel === 3 ? pad3x3 : 'same';
    return tf.conv2d(x as tf.Tensor4D, this.params.get(`${name}/kernel`) as tf.Tensor4D, stride, pad);
  }

  batchNorm(name: string, x: tf.Tensor, _channels: number, scale: boolean): tf.Tensor {
    const state: BatchNormState = {
      gamma: scale ? (this.params.get(`${name}/gamma`) as tf.Tensor1D) : undefined,
      beta: this.params.get(`${name}/beta`) as tf.Tensor1D,
      runningMean: this.params.get(`${name}/moving_mean`) as tf.Variable<tf.Rank.R1>,
      runningVar: this.params.get(`${name}/moving_variance`) as tf.Variable<tf.Rank.R1>,
      epsilon: bnEpsilon,
      momentum: bnMomentum,
    };
    return this.training ? batchNormTrain(x, state) : batchNormInfer(x, state);
  }

  prelu(name: string, x: tf.Tensor): tf.Tensor {
    return prelu(x, this.params.get(`${name}/alpha`) as tf.Tensor1D);
  }

  add(_name: string, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.add(a, b);
  }

  flattenDense(x: tf.Tensor, features: number, _units: number, dropout: number): tf.Tensor {
    let flat = x.reshape([x.shape[0]!, features]);
    if (this.training && dropout > 0) flat = tf.dropout(flat, dropout, undefined, this.dropoutRandom.int(2 ** 31));
    return tf.add(tf.matMul(flat, this.params.get('fc/kernel')), this.params.get('fc/bias'));
  }

  convBias(name: string, x: tf.Tensor, _kernel: number, stride: number, _in: number, _out: number, padding: TfPadding) {
    // Fused: the tape keeps one tensor per layer instead of two (MobileFaceNet at 112 px, batch 64,
    // must fit tfjs-wasm's 4 GB heap).
    return tf.fused.conv2d({
      x: x as tf.Tensor4D,
      filter: this.params.get(`${name}/kernel`) as tf.Tensor4D,
      strides: stride,
      pad: padding,
      bias: this.params.get(`${name}/bias`),
    });
  }

  depthwise(
    name: string,
    x: tf.Tensor,
    _kernel: number,
    stride: number,
    _channels: number,
    padding: TfPadding,
    activation?: 'relu',
  ) {
    const filter = this.params.get(`${name}/depthwise_kernel`) as tf.Tensor4D;
    return tf.fused.depthwiseConv2d({
      x: x as tf.Tensor4D,
      filter,
      strides: stride,
      pad: padding,
      bias: this.params.get(`${name}/bias`),
      activation: activation ?? 'linear',
    });
  }

  relu(_name: string, x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }

  flatten(_name: string, x: tf.Tensor, features: number): tf.Tensor {
    return x.reshape([x.shape[0]!, features]);
  }
}
