import * as tf from '@tensorflow/tfjs';
import { channelKernelFunc, channelKernels } from './kernels/channel-kernels.js';
import { conv2dBackpropFilter } from './kernels/conv2d-backprop-filter.js';
import { conv2dBackpropInput } from './kernels/conv2d-backprop-input.js';
import { conv2dForward } from './kernels/conv2d-forward.js';
import {
  gaussianCountsGradKernel,
  gaussianCountsGradKernelName,
  gaussianCountsKernel,
  gaussianCountsKernelName,
} from './kernels/gaussian-counts-kernel.js';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './kernels/depthwise.js';
import { fusedConv2d } from './kernels/fused-conv2d.js';
import { identityShared } from './kernels/identity-shared.js';
import { leadingAxesSum } from './kernels/leading-axes-sum.js';
import { keyOf, rememberStockKernel, replacedKernel } from './kernels/kernel-runner.js';
import { matMulWithoutTransposes } from './kernels/matmul-transposed.js';
import { sgdKernelName, sgdMomentumKernel } from './kernels/sgd-kernel.js';

export { setWasmTrainingKernels } from './kernels/wasm/wasm-kernels.js';

// The training kernels app/engine adds to the wasm and cpu backends (app/engine/README.md). On wasm the
// convolution (forward too), its gradients and the transposed matmuls are our own wasm SIMD
// kernels (kernels/wasm/) where
// the channel counts allow (multiples of 8), split over worker threads on the threaded build;
// otherwise they, like the rest, are compositions of the backend's fast kernels (XNNPACK conv and
// matmul). setWasmTrainingKernels(false) leaves only the compositions.
//   Conv2DBackpropFilter  wasm: missing; cpu: scalar loops (~40 s for the probe net)
//   Conv2DBackpropInput   wasm: a scalar transposed-conv loop (cpu's own is faster than a
//                         composition of cpu convs, so cpu keeps it)
//   BatchMatMul, _FusedMatMul (wasm): transposed operands fall off XNNPACK onto a scalar loop
//   Identity (wasm): copies the data where sharing it is enough (clones, saved tensors)
//   Sum (wasm): over all axes but the last (bias gradients) it transposes the whole tensor first
// BatchNorm and PReLU get analytic backward passes as ops (batch-norm.ts, prelu.ts), used by
// app/models; on wasm they run on fused per-channel kernels of ours (Lab* kernel names), as does
// the SGD update sgd-update.ts gives app/train (LabSgdMomentum).

type Composed = (
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
  backendName: string,
) => tf.TensorInfo | tf.TensorInfo[];

const replacements: { kernelName: string; backendName: string; kernel: Composed }[] = [
  { kernelName: tf.Conv2D, backendName: 'wasm', kernel: conv2dForward },
  { kernelName: tf.FusedConv2D, backendName: 'wasm', kernel: fusedConv2d },
  { kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernel: conv2dBackpropFilter },
  { kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernel: conv2dBackpropInput },
  { kernelName: tf.BatchMatMul, backendName: 'wasm', kernel: matMulWithoutTransposes(tf.BatchMatMul) },
  { kernelName: tf._FusedMatMul, backendName: 'wasm', kernel: matMulWithoutTransposes(tf._FusedMatMul) },
  { kernelName: tf.Identity, backendName: 'wasm', kernel: identityShared },
  // Bias gradients (sums over all axes but the last) on the per-channel sums pass.
  { kernelName: tf.Sum, backendName: 'wasm', kernel: leadingAxesSum },
  { kernelName: tf.Conv2DBackpropFilter, backendName: 'cpu', kernel: conv2dBackpropFilter },
  // Depthwise gradients: tfjs-wasm has none (kernels/depthwise.ts); its XNNPACK forward stays.
  { kernelName: tf.DepthwiseConv2dNativeBackpropInput, backendName: 'wasm', kernel: depthwiseBackpropInput },
  { kernelName: tf.DepthwiseConv2dNativeBackpropFilter, backendName: 'wasm', kernel: depthwiseBackpropFilter },
  // New kernels (no stock one): fused BatchNorm/PReLU passes, used by batch-norm.ts and prelu.ts.
  ...channelKernels.map((k) => ({ kernelName: k.kernelName, backendName: 'wasm', kernel: channelKernelFunc(k) })),
  { kernelName: sgdKernelName, backendName: 'wasm', kernel: sgdMomentumKernel },
  // The soft histogram's Gaussian kernel, forward and backward fused (gaussian-bin-counts.ts).
  ...['wasm', 'cpu'].flatMap((backendName) => [
    { kernelName: gaussianCountsKernelName, backendName, kernel: gaussianCountsKernel },
    { kernelName: gaussianCountsGradKernelName, backendName, kernel: gaussianCountsGradKernel },
  ]),
];

const installed = new Set<string>();

/** Names of the kernels installed, as "backend/Kernel". */
export function installedTrainingKernels(): string[] {
  return [...installed];
}

/**
 * Registers the training kernels for every backend whose package is loaded (wasm needs
 * '@tensorflow/tfjs-backend-wasm' imported). Idempotent; initBackend() calls it.
 */
export function installTrainingKernels(): void {
  for (const { kernelName, backendName, kernel } of replacements) {
    const key = keyOf(kernelName, backendName);
    // A backend's kernels are registered when its package loads; Conv2D tells whether it has.
    if (installed.has(key) || !tf.getKernel(tf.Conv2D, backendName)) continue;
    const stock = tf.getKernel(kernelName, backendName);
    if (stock) {
      rememberStockKernel(stock);
      tf.unregisterKernel(kernelName, backendName);
    }
    tf.registerKernel({
      kernelName,
      backendName,
      setupFunc: stock?.setupFunc,
      disposeFunc: stock?.disposeFunc,
      kernelFunc: (args) => kernel(args as Parameters<Composed>[0], backendName),
    });
    installed.add(key);
  }
}

/** Puts the stock kernels back (for before/after benchmarks and parity references). */
export function uninstallTrainingKernels(): void {
  for (const { kernelName, backendName } of replacements) {
    const key = keyOf(kernelName, backendName);
    if (!installed.has(key)) continue;
    tf.unregisterKernel(kernelName, backendName);
    const stock = replacedKernel(kernelName, backendName);
    if (stock) tf.registerKernel(stock);
    installed.delete(key);
  }
}
