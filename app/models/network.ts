// The vocabulary a backbone family is written in. A family describes its network once as calls
// on a NetworkBuilder; interpreters create the weights, run tensors, or build a tf.layers twin
// for export — so the three can never disagree about the architecture.

export interface NetworkBuilder<T> {
  /** Bias-free k×k conv, PyTorch-style symmetric padding (k−1)/2, stride 1 or 2. */
  conv(name: string, x: T, kernel: number, stride: number, inChannels: number, outChannels: number): T;
  /** BatchNorm over the channel axis; scale = false fixes γ at 1 (insightface's embedding BN). */
  batchNorm(name: string, x: T, channels: number, scale: boolean): T;
  /** PReLU with one slope per channel. */
  prelu(name: string, x: T, channels: number): T;
  add(name: string, a: T, b: T): T;
  /** Flatten → dropout → FC with bias (name 'fc'): [N, features] → [N, units]. */
  flattenDense(x: T, features: number, units: number, dropout: number): T;
  // For networks ported from TensorFlow graphs (app/models/zoo), where BN is folded into a bias:
  /** k×k conv with bias and TensorFlow padding ('same' pads stride-2 convs at the bottom/right). */
  convBias(
    name: string,
    x: T,
    kernel: number,
    stride: number,
    inChannels: number,
    outChannels: number,
    padding: TfPadding,
  ): T;
  /** k×k depthwise conv (one filter per channel) with bias, TensorFlow padding, optionally a fused ReLU. */
  depthwise(
    name: string,
    x: T,
    kernel: number,
    stride: number,
    channels: number,
    padding: TfPadding,
    activation?: 'relu',
  ): T;
  relu(name: string, x: T): T;
  /** [N, 1, 1, features] (or any [N, …]) → [N, features], no weights. */
  flatten(name: string, x: T, features: number): T;
}

export type TfPadding = 'same' | 'valid';

/** BatchNorm constants shared by every interpreter (PyTorch defaults; momentum in PyTorch's sense). */
export const bnEpsilon = 1e-5;
export const bnMomentum = 0.1;
