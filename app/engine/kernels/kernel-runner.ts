import * as tf from '@tensorflow/tfjs';
import { kernelPoolThreads } from './wasm/wasm-kernels.js';

// Composes a kernel out of the backend's own kernels, the way tfjs backends do internally: each
// call returns a TensorInfo the composing kernel must release (dispose) unless it returns it.

export type TensorInfo = tf.TensorInfo;
export type Attrs = Record<string, unknown>;

/** The kernels as registered before installTrainingKernels() replaced some (set by it). */
const stockKernels = new Map<string, tf.KernelConfig>();

export function keyOf(kernelName: string, backendName: string): string {
  return `${backendName}/${kernelName}`;
}

export function rememberStockKernel(config: tf.KernelConfig): void {
  stockKernels.set(keyOf(config.kernelName, config.backendName), config);
}

/** The stock kernel if one was replaced, else whatever is registered now. */
export function stockKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return stockKernels.get(keyOf(kernelName, backendName)) ?? tf.getKernel(kernelName, backendName);
}

/** Only a replaced stock kernel (undefined when the backend had none). */
export function replacedKernel(kernelName: string, backendName: string): tf.KernelConfig | undefined {
  return stockKernels.get(keyOf(kernelName, backendName));
}

/** tfjs-wasm's heap as seen by a kernel (see KernelRunner.heap). */
export interface WasmHeap {
  /** The whole heap as float32 (re-read after allocating: growth replaces the view). */
  view: () => Float32Array;
  /** A tensor's offset in the heap, in floats. */
  offset: (info: TensorInfo) => number;
  /** A new float32 tensor on the heap (a temporary until finish() returns it); not zeroed. */
  allocate: (shape: number[]) => TensorInfo;
  /** The WebAssembly.Memory holding the heap, for our own wasm kernels. */
  memory: () => WebAssembly.Memory | undefined;
  /** The threads our kernels split over (1 for the single-threaded build; see setKernelPoolThreads). */
  threads: () => number;
}

export class KernelRunner {
  private readonly temporaries: TensorInfo[] = [];

  constructor(
    readonly backend: tf.KernelBackend,
    readonly backendName: string,
  ) {}

  /** Runs a stock kernel; finish() releases the result unless it is the kernel's output. */
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: Attrs = {}): TensorInfo {
    const kernel = stockKernel(kernelName, this.backendName);
    if (!kernel) throw new Error(`kernel ${kernelName} is not registered for backend ${this.backendName}`);
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
    this.temporaries.push(out);
    return out;
  }

  /** Makes a result produced outside run() a temporary too. */
  track(info: TensorInfo): TensorInfo {
    this.temporaries.push(info);
    return info;
  }

  /** Uploads host values as a temporary tensor. */
  write(values: Float32Array, shape: number[]): TensorInfo {
    const info = { dataId: this.backend.write(values, shape, 'float32'), shape, dtype: 'float32' as const };
    this.temporaries.push(info);
    return info;
  }

  read(info: TensorInfo): Float32Array {
    return this.backend.readSync(info.dataId) as Float32Array;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /**
   * NHWC → CHWN. One 4-D transpose with perm [3,1,2,0] walks memory with large power-of-two
   * strides (2.4 ms for [64,16,16,32] on wasm); a 2-D transpose (N ↔ HWC) followed by a
   * C ↔ HW swap that moves whole N-rows takes 0.65 ms.
   */
  channelsToBatch(x: TensorInfo): TensorInfo {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const rows = this.transpose(this.reshape(x, [n, h * w * c]), [1, 0]); // [HW·C, N]
    const chwn = this.transpose(this.reshape(rows, [h * w, c, n]), [1, 0, 2]);
    return this.reshape(chwn, [c, h, w, n]);
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /**
   * Stride-1 NHWC conv2d with per-side padding that may be negative (a negative pad crops the
   * input first, since XNNPACK and the cpu kernel only pad).
   */
  conv2d(
    x: TensorInfo,
    filter: TensorInfo,
    pads: { top: number; bottom: number; left: number; right: number },
    dilations: [number, number] = [1, 1],
  ): TensorInfo {
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const cropTop = Math.max(0, -pads.top),
      cropBottom = Math.max(0, -pads.bottom);
    const cropLeft = Math.max(0, -pads.left),
      cropRight = Math.max(0, -pads.right);
    const input =
      cropTop + cropBottom + cropLeft + cropRight > 0
        ? this.slice(x, [0, cropTop, cropLeft, 0], [n, h - cropTop - cropBottom, w - cropLeft - cropRight, c])
        : x;
    const pad = [
      [0, 0],
      [Math.max(0, pads.top), Math.max(0, pads.bottom)],
      [Math.max(0, pads.left), Math.max(0, pads.right)],
      [0, 0],
    ];
    return this.run(
      'Conv2D',
      { x: input, filter },
      { strides: [1, 1], pad, dataFormat: 'NHWC', dilations, dimRoundingMode: undefined },
    );
  }

  /**
   * wasm only: the whole heap as float32 and a tensor's element offset in it, so a kernel can
   * move runs of floats between tensors with copyWithin (memmove) and no JavaScript copies.
   */
  heap(): WasmHeap | undefined {
    const backend = this.backend as tf.KernelBackend & {
      wasm?: {
        HEAPF32: Float32Array;
        wasmMemory?: WebAssembly.Memory;
        asm?: { memory?: WebAssembly.Memory };
        _get_threads_count?: () => number;
      };
      dataIdMap?: { get(dataId: tf.DataId): { memoryOffset: number } };
      makeOutput?(shape: number[], dtype: tf.DataType): TensorInfo;
    };
    if (!backend.wasm?.HEAPF32 || !backend.dataIdMap || !backend.makeOutput) return undefined;
    return {
      // Re-read after allocating: a growing heap replaces the view. The threaded build's shared
      // memory can grow without the module refreshing HEAPF32 yet, so check its buffer.
      view: () => {
        const { HEAPF32, wasmMemory } = backend.wasm!;
        return wasmMemory && wasmMemory.buffer !== HEAPF32.buffer ? new Float32Array(wasmMemory.buffer) : HEAPF32;
      },
      offset: (info) => backend.dataIdMap!.get(info.dataId).memoryOffset / 4,
      allocate: (shape) => this.track(backend.makeOutput!(shape, 'float32')),
      // The threaded build creates its shared memory in JavaScript; the single-threaded one exports it.
      memory: () => backend.wasm!.wasmMemory ?? backend.wasm!.asm?.memory,
      threads: () => {
        const own = kernelPoolThreads();
        return own !== undefined && backend.wasm!.wasmMemory ? own : (backend.wasm!._get_threads_count?.() ?? 1);
      },
    };
  }

  /** Marks `out` as the kernel's result and releases every other temporary. */
  finish(out: TensorInfo): TensorInfo {
    return this.finishMany([out])[0]!;
  }

  /** finish() for a kernel with several outputs. */
  finishMany(outs: TensorInfo[]): TensorInfo[] {
    for (const info of this.temporaries) if (!outs.includes(info)) this.backend.disposeData(info.dataId);
    this.temporaries.length = 0;
    return outs;
  }
}
