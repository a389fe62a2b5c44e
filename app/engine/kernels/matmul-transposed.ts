import * as tf from '@tensorflow/tfjs';
import { KernelRunner, replacedKernel, type TensorInfo } from './kernel-runner.js';

// tfjs-wasm's BatchMatMul runs XNNPACK only without transposes; with transposeA/transposeB (what
// every matMul gradient asks for) it falls to a scalar loop, 10–40× slower. Transposing the
// operand first (a cheap copy) keeps it on XNNPACK. Same for _FusedMatMul.

function lastTwoSwapped(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

export function matMulWithoutTransposes(kernelName: string) {
  return (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }, backendName: string): TensorInfo => {
    const stock = replacedKernel(kernelName, backendName);
    if (!stock) throw new Error(`${kernelName} on ${backendName}: the stock kernel is missing`);
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return stock.kernelFunc(args) as TensorInfo;
    const run = new KernelRunner(backend, backendName);
    const a = inputs.a as TensorInfo, b = inputs.b as TensorInfo;
    const plainA = transposeA ? run.transpose(a, lastTwoSwapped(a.shape.length)) : a;
    const plainB = transposeB ? run.transpose(b, lastTwoSwapped(b.shape.length)) : b;
    const out = stock.kernelFunc({ inputs: { ...inputs, a: plainA, b: plainB }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as TensorInfo;
    return run.finish(out);
  };
}
