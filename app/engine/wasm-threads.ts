import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import workerThreads from 'node:worker_threads';

// tfjs-backend-wasm never picks its threaded build in Node (its feature flag says "no threads" there,
// and its loader hands workers blob: URLs Node cannot start). This loads the threaded SIMD build
// with real file paths so XNNPACK can use more than one core. The result feeds BackendWasm.

const require = createRequire(import.meta.url);

/** The emscripten module of tfjs-backend-wasm, with the `tfjs` bridge its BackendWasm expects. */
export interface WasmModule {
  tfjs: Record<string, (...args: unknown[]) => unknown>;
  PThread?: { runningWorkers: { unref(): void }[] };
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => unknown;
}

type WasmFactory = (config: Record<string, unknown>) => Promise<WasmModule>;

function packageRoot(): string {
  // The package's main file lives in <root>/dist/.
  return dirname(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')));
}

/** Writes the pthread worker script to a file once (Node workers need a path, not a blob). */
function workerFile(root: string): string {
  const source = (
    require(join(root, 'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string }
  ).wasmWorkerContents
    // The package stores the script in a template literal; its "\n" escapes must stay escapes.
    .replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = join(os.tmpdir(), 'ddl-lab-tfjs-wasm');
  const file = join(dir, `worker-${hash}.cjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, source);
    // Rename is atomic, so a concurrent process never runs a half-written file.
    renameSync(temp, file);
  }
  return file;
}

/**
 * Instantiates the threaded SIMD build. The build sizes its pool as logical cores / 2 and caps the
 * requested count by that, so on a 2-core machine it would give 1 thread; we report `threads` cores
 * while the module initialises so the cap becomes `threads`.
 */
export async function loadThreadedWasm(threads: number): Promise<WasmModule> {
  const root = packageRoot();
  const mainScript = join(root, 'wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const wasmFile = join(root, 'wasm-out/tfjs-backend-wasm-threaded-simd.wasm');
  const worker = workerFile(root);
  const factory = require(mainScript) as WasmFactory;
  const realCpus = os.cpus;
  const fakeCpus = () => {
    const cpus = realCpus();
    return Array.from({ length: threads * 2 }, (_, i) => cpus[i % cpus.length]!);
  };
  // Pool workers would inherit this process's Node flags (e.g. --input-type, loaders) and fail
  // on them; the worker script is plain CommonJS and needs none.
  const RealWorker = workerThreads.Worker;
  class PlainWorker extends RealWorker {
    constructor(file: string | URL, options: workerThreads.WorkerOptions = {}) {
      super(file, { ...options, execArgv: [] });
    }
  }
  (os as { cpus: typeof os.cpus }).cpus = fakeCpus;
  (workerThreads as { Worker: typeof RealWorker }).Worker = PlainWorker;
  let module: WasmModule;
  try {
    module = await factory({
      locateFile: (path: string, prefix: string) =>
        path.endsWith('.worker.js') ? worker : path.endsWith('.wasm') ? wasmFile : prefix + path,
      mainScriptUrlOrBlob: mainScript,
    });
  } finally {
    (os as { cpus: typeof os.cpus }).cpus = realCpus;
    (workerThreads as { Worker: typeof RealWorker }).Worker = RealWorker;
  }
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/** Lets the process exit although XNNPACK's pool threads (Node workers) are still parked. */
export function unrefPoolWorkers(module: WasmModule): void {
  for (const worker of module.PThread?.runningWorkers ?? []) worker.unref();
}
