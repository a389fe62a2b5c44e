import * as tf from '@tensorflow/tfjs';
import { KernelRunner, type TensorInfo } from './kernel-runner.js';
import { wasmKernels, wasmTrainingKernelsEnabled } from './wasm/wasm-kernels.js';

// 'LabSgdMomentum' (wasm only): one parameter's SGD-with-momentum update in one pass
// (wasm/optimizer-wat.ts) instead of 4–6 tfjs kernels. Inputs w, v (momentum buffer), g;
// attrs lr, momentum, decay (0 for parameters without weight decay); outputs [w', v'].

export const sgdKernelName = 'LabSgdMomentum';

export function sgdMomentumKernel({
  inputs,
  backend,
  attrs,
}: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}): TensorInfo[] {
  const { w, v, g } = inputs as { w: TensorInfo; v: TensorInfo; g: TensorInfo };
  const { lr, momentum, decay } = attrs as unknown as { lr: number; momentum: number; decay: number };
  const size = w.shape.reduce((a, b) => a * b, 1);
  for (const [name, t] of [
    ['v', v],
    ['g', g],
  ] as const) {
    if (t.shape.join('x') !== w.shape.join('x'))
      throw new Error(`${sgdKernelName}: ${name} is [${t.shape}], w is [${w.shape}]`);
  }
  const run = new KernelRunner(backend, 'wasm');
  const heap = run.heap(),
    memory = heap?.memory();
  if (!heap || !memory) throw new Error(`${sgdKernelName}: needs the wasm backend`);
  const wOut = heap.allocate([...w.shape]),
    vOut = heap.allocate([...w.shape]);
  const at = (t: TensorInfo) => heap.offset(t) * 4;
  wasmKernels(memory, heap.threads()).sgdMomentum(at(w), at(v), at(g), at(wOut), at(vOut), size, lr, momentum, decay);
  return run.finishMany([wOut, vOut]);
}

/** Whether the fused update can run now (wasm backend, our kernels on). */
export function fusedSgdAvailable(): boolean {
  return (
    tf.getBackend() === 'wasm' && wasmTrainingKernelsEnabled() && tf.getKernel(sgdKernelName, 'wasm') !== undefined
  );
}
