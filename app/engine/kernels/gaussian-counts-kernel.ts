import type * as tf from '@tensorflow/tfjs';
import { KernelRunner, type TensorInfo } from './kernel-runner.js';
import { wasmKernels } from './wasm/wasm-kernels.js';

// 'LabGaussianCounts' and 'LabGaussianCountsGrad': the soft histogram's Gaussian kernel, forward
// and backward, fused (../gaussian-bin-counts.ts is the op). Inputs s [n], w [n], t [R] (and dy
// [R] for the gradient), attr scale; with x = (s_n − t_r)·scale:
//   counts_r = Σ_n w_n exp(−x²)          ds_n = −2·scale·w_n Σ_r dy_r x exp(−x²)
// wasm: our SIMD kernels (wasm/histogram-wat.ts) on tfjs's heap. cpu: the same loops in
// JavaScript (one pass each instead of ~8 [n × R] tensors).

export const gaussianCountsKernelName = 'LabGaussianCounts';
export const gaussianCountsGradKernelName = 'LabGaussianCountsGrad';

type Args = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap };

function checked(inputs: tf.NamedTensorInfoMap, withGradient: boolean) {
  const { s, w, t, dy } = inputs as { s: TensorInfo; w: TensorInfo; t: TensorInfo; dy?: TensorInfo };
  const name = withGradient ? gaussianCountsGradKernelName : gaussianCountsKernelName;
  if (s.shape.length !== 1 || w.shape.join() !== s.shape.join())
    throw new Error(`${name}: s and w must both be [n], got [${s.shape}] and [${w.shape}]`);
  if (t.shape.length !== 1) throw new Error(`${name}: t must be [R], got [${t.shape}]`);
  if (withGradient && (!dy || dy.shape.join() !== t.shape.join()))
    throw new Error(`${name}: dy must be [R] like t, got [${dy?.shape}]`);
  return { s, w, t, dy, n: s.shape[0]!, r: t.shape[0]! };
}

export function gaussianCountsKernel({ inputs, backend, attrs }: Args, backendName: string): TensorInfo {
  const { s, w, t, n, r } = checked(inputs, false);
  const scale = (attrs as { scale: number }).scale;
  const run = new KernelRunner(backend, backendName);
  const heap = run.heap(),
    memory = heap?.memory();
  if (heap && memory) {
    const out = heap.allocate([r]);
    const at = (x: TensorInfo) => heap.offset(x) * 4;
    wasmKernels(memory, heap.threads()).gaussianCounts(at(s), at(w), at(t), at(out), n, r, scale);
    return run.finish(out);
  }
  const [sv, wv, tv] = [run.read(s), run.read(w), run.read(t)];
  const counts = new Float32Array(r);
  for (let i = 0; i < n; i++) {
    const weight = wv[i]!;
    if (weight === 0) continue;
    const si = sv[i]!;
    for (let j = 0; j < r; j++) {
      const x = (si - tv[j]!) * scale;
      counts[j]! += weight * Math.exp(-x * x);
    }
  }
  return { dataId: backend.write(counts, [r], 'float32'), shape: [r], dtype: 'float32' };
}

export function gaussianCountsGradKernel({ inputs, backend, attrs }: Args, backendName: string): TensorInfo {
  const { s, w, t, dy, n, r } = checked(inputs, true);
  const scale = (attrs as { scale: number }).scale;
  const run = new KernelRunner(backend, backendName);
  const heap = run.heap(),
    memory = heap?.memory();
  if (heap && memory) {
    const ds = heap.allocate([n]);
    const at = (x: TensorInfo) => heap.offset(x) * 4;
    wasmKernels(memory, heap.threads()).gaussianCountsGrad(at(s), at(w), at(t), at(dy!), at(ds), n, r, scale);
    return run.finish(ds);
  }
  const [sv, wv, tv, gv] = [run.read(s), run.read(w), run.read(t), run.read(dy!)];
  const ds = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const weight = wv[i]!;
    if (weight === 0) continue;
    const si = sv[i]!;
    let total = 0;
    for (let j = 0; j < r; j++) {
      const x = (si - tv[j]!) * scale;
      total += gv[j]! * x * Math.exp(-x * x);
    }
    ds[i] = -2 * scale * weight * total;
  }
  return { dataId: backend.write(ds, [n], 'float32'), shape: [n], dtype: 'float32' };
}
