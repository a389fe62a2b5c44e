import * as tf from '@tensorflow/tfjs';
import { KernelRunner, type TensorInfo } from './kernel-runner.js';
import { channelPassSignatures } from './wasm/channel-wat.js';
import { wasmKernels, wasmTrainingKernelsEnabled, type ChannelPassName } from './wasm/wasm-kernels.js';

// tfjs kernels (wasm only) around the fused per-channel passes of wasm/channel-wat.ts, for
// BatchNorm and PReLU (../batch-norm.ts, ../prelu.ts). Activations are [..., C] with C % 4 = 0.

let calls = 0;

/** Test hook: how many times these kernels have run. */
export function channelKernelCalls(): number {
  return calls;
}

/** Our kernel names and the channel-wat.ts pass each runs. */
export const channelKernels: { kernelName: string; pass: ChannelPassName }[] = [
  { kernelName: 'LabChannelSums', pass: 'channelSums' },
  { kernelName: 'LabChannelCenteredSquares', pass: 'channelCenteredSquares' },
  { kernelName: 'LabChannelNormalize', pass: 'channelNormalize' },
  { kernelName: 'LabBatchNormGradSums', pass: 'batchNormGradSums' },
  { kernelName: 'LabBatchNormGradInput', pass: 'batchNormGradInput' },
  { kernelName: 'LabPReluGrad', pass: 'preluGrad' },
];

/**
 * The kernel for a pass: its streams and vectors are the inputs of the same names; a stream with
 * no input is an output shaped like the first stream, and every sum is a [C] output. Outputs
 * come in that order (streams, then sums).
 */
export function channelKernelFunc({ pass }: { pass: ChannelPassName }) {
  const { streams, vectors, sums } = channelPassSignatures[pass]!;
  return ({ inputs, backend }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): TensorInfo[] => {
    calls++;
    const run = new KernelRunner(backend, 'wasm');
    const heap = run.heap(),
      memory = heap?.memory();
    if (!heap || !memory) throw new Error(`${pass}: needs the wasm backend`);
    const first = inputs[streams[0]!];
    if (!first) throw new Error(`${pass}: input ${streams[0]} is missing`);
    const channels = first.shape[first.shape.length - 1]!,
      pixels = first.shape.reduce((a, b) => a * b, 1) / channels;
    if (channels % 4 !== 0) throw new Error(`${pass}: the channel count must be a multiple of 4, got ${channels}`);
    const at = (t: TensorInfo) => heap.offset(t) * 4;
    const outputs: TensorInfo[] = [];
    const tensorArgs = [...streams, ...vectors].map((name) => {
      const given = inputs[name];
      if (given) return at(given);
      const out = heap.allocate([...first.shape]);
      outputs.push(out);
      return at(out);
    });
    const sumOuts = sums.map(() => heap.allocate([channels]));
    outputs.push(...sumOuts);
    const kernels = wasmKernels(memory, heap.threads());
    const scratch = sums.map(() => heap.allocate([kernels.channelScratchBytes(channels) / 4]));
    kernels.channelPass(pass, tensorArgs, sumOuts.map(at), scratch.map(at), pixels, channels);
    return run.finishMany(outputs);
  };
}

/** Whether BatchNorm/PReLU on `x` ([..., C]) can use the fused kernels now. */
export function fusedChannelKernelsFor(x: tf.Tensor): boolean {
  const channels = x.shape[x.shape.length - 1]!;
  return (
    tf.getBackend() === 'wasm' &&
    wasmTrainingKernelsEnabled() &&
    channels % 4 === 0 &&
    tf.getKernel('LabChannelSums', 'wasm') !== undefined
  );
}
