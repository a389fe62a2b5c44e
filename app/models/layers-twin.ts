import * as tf from '@tensorflow/tfjs';
import { bnEpsilon, bnMomentum, type NetworkBuilder, type TfPadding } from './network.js';

// Interprets a network description as a tf.layers model with the same layer and weight names,
// so a backbone saves in the standard layers-model format any tfjs program can load
// (tf.loadLayersModel) and run in inference mode.

export class LayersTwinBuilder implements NetworkBuilder<tf.SymbolicTensor> {
  conv(
    name: string,
    x: tf.SymbolicTensor,
    kernel: number,
    stride: number,
    _in: number,
    outChannels: number,
  ): tf.SymbolicTensor {
    let input = x;
    let padding: 'same' | 'valid' = kernel === 1 ? 'valid' : 'same';
    if (kernel > 1 && stride > 1) {
      // Symmetric padding (PyTorch style); Keras 'same' would pad stride-2 convs asymmetrically.
      input = tf.layers.zeroPadding2d({ name: `${name}_pad`, padding: (kernel - 1) / 2 }).apply(x) as tf.SymbolicTensor;
      padding = 'valid';
    }
    return tf.layers
      .conv2d({
        name,
        filters: outChannels,
        kernelSize: kernel,
        strides: stride,
        padding,
        useBias: false,
        kernelInitializer: 'zeros',
      })
      .apply(input) as tf.SymbolicTensor;
  }

  batchNorm(name: string, x: tf.SymbolicTensor, _channels: number, scale: boolean): tf.SymbolicTensor {
    return tf.layers
      .batchNormalization({ name, axis: -1, epsilon: bnEpsilon, momentum: 1 - bnMomentum, scale, center: true })
      .apply(x) as tf.SymbolicTensor;
  }

  prelu(name: string, x: tf.SymbolicTensor): tf.SymbolicTensor {
    return tf.layers.prelu({ name, sharedAxes: [1, 2], alphaInitializer: 'zeros' }).apply(x) as tf.SymbolicTensor;
  }

  add(name: string, a: tf.SymbolicTensor, b: tf.SymbolicTensor): tf.SymbolicTensor {
    return tf.layers.add({ name }).apply([a, b]) as tf.SymbolicTensor;
  }

  flattenDense(x: tf.SymbolicTensor, _features: number, units: number, dropout: number): tf.SymbolicTensor {
    let flat = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
    if (dropout > 0) flat = tf.layers.dropout({ name: 'dropout', rate: dropout }).apply(flat) as tf.SymbolicTensor;
    return tf.layers
      .dense({ name: 'fc', units, useBias: true, kernelInitializer: 'zeros' })
      .apply(flat) as tf.SymbolicTensor;
  }

  convBias(
    name: string,
    x: tf.SymbolicTensor,
    kernel: number,
    stride: number,
    _in: number,
    outChannels: number,
    padding: TfPadding,
  ): tf.SymbolicTensor {
    return tf.layers
      .conv2d({
        name,
        filters: outChannels,
        kernelSize: kernel,
        strides: stride,
        padding,
        useBias: true,
        kernelInitializer: 'zeros',
      })
      .apply(x) as tf.SymbolicTensor;
  }

  depthwise(
    name: string,
    x: tf.SymbolicTensor,
    kernel: number,
    stride: number,
    _channels: number,
    padding: TfPadding,
    activation?: 'relu',
  ): tf.SymbolicTensor {
    return tf.layers
      .depthwiseConv2d({
        activation: activation ?? 'linear',
        name,
        kernelSize: kernel,
        strides: stride,
        padding,
        depthMultiplier: 1,
        useBias: true,
        depthwiseInitializer: 'zeros',
      })
      .apply(x) as tf.SymbolicTensor;
  }

  relu(name: string, x: tf.SymbolicTensor): tf.SymbolicTensor {
    return tf.layers.reLU({ name }).apply(x) as tf.SymbolicTensor;
  }

  flatten(name: string, x: tf.SymbolicTensor): tf.SymbolicTensor {
    return tf.layers.flatten({ name }).apply(x) as tf.SymbolicTensor;
  }
}
