import * as tf from '@tensorflow/tfjs';
import { KernelRunner, replacedKernel, type TensorInfo } from './kernel-runner.js';
import { wasmKernels, wasmTrainingKernelsEnabled } from './wasm/wasm-kernels.js';

// tfjs-wasm's BatchMatMul runs XNNPACK only without transposes; with transposeA/transposeB (what
// every matMul gradient asks for) it falls to a scalar loop, 10–40× slower. Aᵀ·B and A·Bᵀ with
// n % 8 = 0 run on our wasm kernels (wasm/gemm-wat.ts), which read the operands as they are.
// Otherwise we materialise the transposes and stay on XNNPACK, choosing between
// C = op(A)·op(B) and C = (op(B)ᵀ·op(A)ᵀ)ᵀ by the elements copied: XNNPACK repacks its right
// operand on every call (it is the "weights"), so the smaller operand should sit there. Same for
// _FusedMatMul when it has no bias or activation to fuse.

function lastTwoSwapped(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

let lastPath: 'wasm kernel' | 'xnnpack' | 'stock' | undefined;

/** Test hook: how the last transposed matmul ran. */
export function lastMatMulPath(): typeof lastPath {
  return lastPath;
}

const size = (t: TensorInfo) => t.shape.reduce((a, b) => a * b, 1);
/** Batch dims all 1: the only case XNNPACK takes (batched matmuls stay on the stock path). */
const unbatched = (t: TensorInfo) => t.shape.slice(0, -2).every((d) => d === 1);

export function matMulWithoutTransposes(kernelName: string) {
  return (
    args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
    backendName: string,
  ): TensorInfo => {
    const stock = replacedKernel(kernelName, backendName);
    if (!stock) throw new Error(`${kernelName} on ${backendName}: the stock kernel is missing`);
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    const a = inputs.a as TensorInfo,
      b = inputs.b as TensorInfo;
    if ((!transposeA && !transposeB) || !unbatched(a) || !unbatched(b)) {
      lastPath = 'stock';
      return stock.kernelFunc(args) as TensorInfo;
    }
    const run = new KernelRunner(backend, backendName);
    const onOurs =
      transposeA !== transposeB && !hasFusedWork(inputs, attrs) ? onWasmKernels(run, a, b, transposeA) : undefined;
    lastPath = onOurs ? 'wasm kernel' : 'xnnpack';
    if (onOurs) return run.finish(onOurs);
    const plain = { ...attrs, transposeA: false, transposeB: false };
    const m = transposeA ? a.shape[a.shape.length - 1]! : a.shape[a.shape.length - 2]!;
    const n = transposeB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!;
    // Elements copied (transposes) plus packed (right operand) for each orientation.
    const direct = (transposeA ? size(a) : 0) + (transposeB ? size(b) : 0) + size(b);
    const flipped = (transposeB ? 0 : size(b)) + (transposeA ? 0 : size(a)) + size(a) + m * n;
    const fusedExtras = inputs.bias !== undefined || inputs.preluActivationWeights !== undefined;
    if (direct <= flipped || fusedExtras) {
      const left = transposeA ? run.transpose(a, lastTwoSwapped(a.shape.length)) : a;
      const right = transposeB ? run.transpose(b, lastTwoSwapped(b.shape.length)) : b;
      return run.finish(
        stock.kernelFunc({ inputs: { ...inputs, a: left, b: right }, backend, attrs: plain }) as TensorInfo,
      );
    }
    const left = transposeB ? b : run.transpose(b, lastTwoSwapped(b.shape.length));
    const right = transposeA ? a : run.transpose(a, lastTwoSwapped(a.shape.length));
    const product = stock.kernelFunc({ inputs: { ...inputs, a: left, b: right }, backend, attrs: plain }) as TensorInfo;
    run.track(product);
    return run.finish(run.transpose(product, lastTwoSwapped(product.shape.length)));
  };
}

function hasFusedWork(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): boolean {
  const activation = (attrs as { activation?: string }).activation;
  return (
    inputs.bias !== undefined ||
    inputs.preluActivationWeights !== undefined ||
    (activation !== undefined && activation !== 'linear')
  );
}

/** Aᵀ·B (a [k,m], b [k,n]) or A·Bᵀ (a [m,k], b [n,k]) on our wasm kernels; undefined where they do not apply. */
function onWasmKernels(run: KernelRunner, a: TensorInfo, b: TensorInfo, transposeA: boolean): TensorInfo | undefined {
  const heap = run.heap(),
    memory = heap?.memory();
  if (!heap || !memory || !wasmTrainingKernelsEnabled() || a.dtype !== 'float32' || b.dtype !== 'float32')
    return undefined;
  const [ar, ac] = a.shape.slice(-2) as [number, number],
    [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, k, n] = transposeA ? [ac, ar, bc] : [ar, ac, br];
  if (n % 8 !== 0 || k < 1 || m < 1) return undefined;
  const kernels = wasmKernels(memory, heap.threads());
  const out = heap.allocate([...a.shape.slice(0, -2), m, n]);
  const scratch = heap.allocate([kernels.gemmScratchBytes(k) / 4]);
  const at = (t: TensorInfo) => heap.offset(t) * 4;
  if (transposeA) kernels.gemmAtB(at(a), at(b), at(out), k, m, n, at(scratch));
  else kernels.gemmABt(at(a), at(b), at(out), m, n, k, at(scratch));
  return out;
}
