import type * as tf from '@tensorflow/tfjs';
import { channelKernelFunc } from './channel-kernels.js';
import { KernelRunner, replacedKernel, type TensorInfo } from './kernel-runner.js';
import { wasmTrainingKernelsEnabled } from './wasm/wasm-kernels.js';

// Sum over every axis but the last — a bias's gradient (tf.add(conv, bias) reduces dy over
// N, H, W) — on wasm. tfjs-wasm transposes the reduced axes to the end and then reduces: for
// MobileFaceNet's 52 bias gradients that was a fifth of the train step. Our per-channel sums pass
// (the BatchNorm one) reads the tensor once in its own layout and sums in float64. Any other Sum
// stays the stock kernel.

const channelSums = channelKernelFunc({ pass: 'channelSums' });

/** Whether `axis` (possibly negative) names exactly the axes 0 … rank−2. */
export function isLeadingAxes(axis: number | number[], rank: number): boolean {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a)))].sort(
    (a, b) => a - b,
  );
  return rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
}

export function leadingAxesSum(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
  backendName: string,
): TensorInfo {
  const stock = replacedKernel('Sum', backendName);
  if (!stock) throw new Error(`Sum on ${backendName}: the stock kernel is missing`);
  const x = args.inputs.x as TensorInfo;
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const channels = x.shape[x.shape.length - 1] ?? 0;
  const ours =
    wasmTrainingKernelsEnabled() &&
    x.dtype === 'float32' &&
    channels > 0 &&
    channels % 4 === 0 &&
    isLeadingAxes(axis, x.shape.length) &&
    x.shape.every((d) => d > 0);
  if (!ours) return stock.kernelFunc(args) as TensorInfo;
  const [sum] = channelSums({ inputs: { x }, backend: args.backend });
  if (!keepDims) return sum!;
  const run = new KernelRunner(args.backend, backendName);
  run.track(sum!);
  return run.finish(run.reshape(sum!, [...x.shape.map(() => 1).slice(1), channels]));
}
