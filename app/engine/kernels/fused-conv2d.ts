import * as tf from '@tensorflow/tfjs';
import { conv2dForward } from './conv2d-forward.js';
import { KernelRunner, replacedKernel, type TensorInfo } from './kernel-runner.js';
import { wasmTrainingKernelsEnabled } from './wasm/wasm-kernels.js';

// FusedConv2D (a conv plus a bias, tf.fused.conv2d: MobileFaceNet's dense convs) on wasm: our
// Conv2D kernel (conv2d-forward.ts: faster than XNNPACK's here and split over the kernel pool's
// threads, where XNNPACK runs on one) followed by one broadcast Add. Only the plain bias form;
// an activation, a PReLU or another layout keeps XNNPACK's fused kernel.

let lastPath: 'conv kernel + add' | 'stock' | undefined;

/** Test hook: how the last FusedConv2D ran. */
export function lastFusedConv2dPath(): typeof lastPath {
  return lastPath;
}

export function fusedConv2d(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
  backendName: string,
): TensorInfo {
  const stock = replacedKernel(tf.FusedConv2D, backendName);
  if (!stock) throw new Error(`FusedConv2D on ${backendName}: the stock kernel is missing`);
  const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
  const attrs = args.attrs as unknown as tf.FusedConv2DAttrs;
  const plain =
    x &&
    filter &&
    bias &&
    !preluActivationWeights &&
    (attrs.activation === undefined || attrs.activation === 'linear') &&
    bias.shape.length === 1 &&
    bias.shape[0] === filter.shape[3] &&
    // What our Conv2D kernel takes (else it would fall back to XNNPACK's unfused conv).
    x.dtype === 'float32' &&
    (attrs.dataFormat ?? 'NHWC') === 'NHWC' &&
    [attrs.dilations ?? 1].flat().every((d) => d === 1) &&
    x.shape[3]! >= 8 &&
    filter.shape[3]! % 8 === 0 &&
    wasmTrainingKernelsEnabled();
  lastPath = plain ? 'conv kernel + add' : 'stock';
  if (!plain) return stock.kernelFunc(args) as TensorInfo;
  const run = new KernelRunner(args.backend, backendName);
  const conv = run.track(
    conv2dForward(
      {
        inputs: { x, filter },
        backend: args.backend,
        attrs: {
          strides: attrs.strides,
          pad: attrs.pad,
          dataFormat: attrs.dataFormat,
          dilations: attrs.dilations,
          dimRoundingMode: attrs.dimRoundingMode,
        } as unknown as tf.NamedAttrMap,
      },
      backendName,
    ),
  );
  return run.finish(run.run('Add', { a: conv, b: bias }));
}
