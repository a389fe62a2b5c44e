import { pixelWasmBinary } from './pixel-wasm-binary.js';

// The data layer's WebAssembly module (pixel-wat.ts, assembled into pixel-wasm-binary.ts by
// scripts/build-pixel-wasm.ts): resizeRgb's filter passes and measureRgb's pass, on one memory
// the module owns. Callers copy their pixels in, lay out their buffers from address 0 and read
// the results back before returning: both are synchronous, so one instance per thread, made on
// first use, serves them all.

export interface PixelWasm {
  memory: WebAssembly.Memory;
  vpass: (...args: number[]) => void;
  hpass: (...args: number[]) => void;
  measure: (rgb: number, width: number, height: number, ring: number, out: number, tables: number) => void;
}

let instance: PixelWasm | undefined;

/** The module, with its memory grown to at least `bytes`. Views of memory.buffer taken before a call to this may be stale. */
export function pixelWasm(bytes: number): PixelWasm {
  instance ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(pixelWasmBinary, 'base64')))
    .exports as unknown as PixelWasm;
  const pages = Math.ceil(bytes / 65536) - instance.memory.buffer.byteLength / 65536;
  if (pages > 0) instance.memory.grow(pages);
  return instance;
}
