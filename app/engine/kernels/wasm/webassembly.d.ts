// Node's WebAssembly global, declared for the parts our wasm kernels use: the Node tsconfig has
// no DOM lib, where TypeScript keeps these types.
declare namespace WebAssembly {
  interface Memory {
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(deltaPages: number): number;
  }
  const Memory: { new (descriptor: { initial: number; maximum?: number; shared?: boolean }): Memory };
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Module {}
  const Module: { new (bytes: ArrayBufferView | ArrayBuffer): Module };
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  const Instance: { new (module: Module, imports?: Record<string, Record<string, unknown>>): Instance };
  function validate(bytes: ArrayBufferView | ArrayBuffer): boolean;
}
