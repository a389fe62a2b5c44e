import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { installTrainingKernels } from './training-kernels.js';
import { setKernelPoolThreads } from './kernels/wasm/wasm-kernels.js';
import { loadThreadedWasm, unrefPoolWorkers } from './wasm-threads.js';
import { describeAdapter, gpuSelection, openWebgpu, type AdapterInfo } from './webgpu-adapter.js';
import { probeDefaultAdapter } from './webgpu-probe.js';

// Backend chain (app/engine/README.md): tfjs-node-gpu → tfjs-node → webgpu (hardware adapter) →
// wasm → cpu, first that loads wins. LAB_BACKEND forces one (webgpu then takes a software adapter
// too); LAB_GPU picks the adapter; LAB_THREADS sets the wasm thread count.

export type BackendChoice = 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
export const backendChoices: readonly BackendChoice[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

export interface BackendInfo {
  /** tfjs backend name in use: 'tensorflow' (native), 'webgpu', 'wasm' or 'cpu'. */
  name: string;
  /** True when a GPU computes: the CUDA build (@tensorflow/tfjs-node-gpu) or a hardware WebGPU adapter. */
  gpu: boolean;
  /** The WebGPU adapter in use (webgpu only), else null. */
  adapter: AdapterInfo | null;
  /** Compute threads: XNNPACK pool size on wasm, 1 on cpu, the machine's cores on native. */
  threads: number;
  /** Package versions in use (tfjs-core, tfjs-backend-wasm, tfjs-node, node). */
  versions: Record<string, string>;
  /** Every candidate tried, in order, with the reason it failed (none for the one in use). */
  tried: { name: string; error?: string }[];
  /** The candidates after the one in use, never tried: why. */
  skipped: { name: string; reason: string }[];
  /** One line for logs and run records, e.g. "wasm (SIMD, threaded build, 2 threads)". */
  detail: string;
  /** How to get a faster backend on this machine, when there may be one (null on a GPU). */
  fasterHint: string | null;
}

export interface BackendOptions {
  /** Tried first, before the default chain. LAB_BACKEND, when set, wins over this. */
  preferred?: BackendChoice;
  /** wasm thread count; LAB_THREADS wins over this. Default: the idle cores (1–8), 1 under vitest. */
  threads?: number;
}

let selected: Promise<BackendInfo> | undefined;

/**
 * Picks and initialises the tfjs backend once per process and installs the training kernels.
 * Later calls return the same info (their options are ignored).
 */
export function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  selected ??= selectBackend(options).catch((error: unknown) => {
    selected = undefined; // let a caller retry after fixing the environment
    throw error;
  });
  return selected;
}

function forcedBackend(env: NodeJS.ProcessEnv): BackendChoice | undefined {
  const value = env.LAB_BACKEND?.trim();
  if (!value) return undefined;
  if (!(backendChoices as readonly string[]).includes(value)) {
    throw new Error(`LAB_BACKEND=${value} is not a backend; use one of ${backendChoices.join(', ')} or unset it`);
  }
  return value as BackendChoice;
}

/** The wasm thread count initBackend will ask for. */
export function threadCount(options: BackendOptions = {}, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.LAB_THREADS?.trim();
  if (fromEnv) {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 1 || n > 64)
      throw new Error(`LAB_THREADS=${fromEnv} must be a whole number from 1 to 64`);
    return n;
  }
  if (options.threads !== undefined) {
    if (!Number.isInteger(options.threads) || options.threads < 1)
      throw new Error(`threads must be a whole number >= 1, got ${options.threads}`);
    return options.threads;
  }
  // vitest runs test files in parallel processes: one thread each keeps the cores from thrashing.
  if (env.VITEST) return 1;
  return idleCoreThreads(os.availableParallelism(), os.loadavg()[0]!);
}

/**
 * Default thread count: the cores other work leaves idle (cores minus the 1-minute load average,
 * rounded), 1 to 8. All cores on an idle machine; on a busy one a thread that waits for a core
 * slows every kernel call it takes part in. (loadavg is 0 on Windows: all cores.)
 */
export function idleCoreThreads(cores: number, load: number): number {
  return Math.max(1, Math.min(8, cores - Math.round(Math.max(0, load))));
}

/** The backends initBackend tries, in order: LAB_BACKEND alone, else preferred then the chain. */
export function candidateOrder(options: BackendOptions = {}, env: NodeJS.ProcessEnv = process.env): BackendChoice[] {
  const forced = forcedBackend(env);
  if (forced) return [forced];
  if (options.preferred !== undefined && !backendChoices.includes(options.preferred)) {
    throw new Error(
      `preferred backend must be one of ${backendChoices.join(', ')}, got ${JSON.stringify(options.preferred)}`,
    );
  }
  return [...new Set([options.preferred, ...backendChoices].filter((c): c is BackendChoice => c !== undefined))];
}

async function selectBackend(options: BackendOptions): Promise<BackendInfo> {
  const forced = forcedBackend(process.env);
  const threads = threadCount(options);
  const order = candidateOrder(options);
  const tried: BackendInfo['tried'] = [];
  for (const [i, choice] of order.entries()) {
    const info = await tryBackend(choice, threads, tried, forced === choice);
    if (info) {
      installTrainingKernels();
      info.skipped = order.slice(i + 1).map((name) => ({ name, reason: `not needed: ${info.name} started first` }));
      info.fasterHint = fasterHint(info);
      return info;
    }
  }
  const reasons = tried.map((t) => `${t.name}: ${t.error}`).join('; ');
  const hint = forced ? `unset LAB_BACKEND or install what ${forced} needs` : 'reinstall the app';
  throw new Error(`no tfjs backend could start (${reasons}); ${hint}`);
}

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}

/** What to do for a faster backend than the one in use (null when a GPU already computes). */
export function fasterHint(info: Pick<BackendInfo, 'name' | 'gpu' | 'tried'>): string | null {
  if (info.gpu) return null;
  const webgpu = info.tried.find((t) => t.name === 'webgpu');
  const why = webgpu?.error ? ` (webgpu: ${webgpu.error})` : '';
  const where = info.name === 'webgpu' ? 'webgpu runs on a software adapter (the CPU)' : `${info.name} runs on the CPU`;
  return (
    `${where}${why}. For a GPU: install its Vulkan (Linux/Windows), Metal (macOS) or ` +
    `Direct3D 12 driver for webgpu, or on NVIDIA with CUDA 11.2 and cuDNN 8.1 run \`npm run setup:cuda\`; ` +
    `check with \`ddl-lab system info\`.`
  );
}

async function tryBackend(
  choice: BackendChoice,
  threads: number,
  tried: BackendInfo['tried'],
  forced = false,
): Promise<BackendInfo | undefined> {
  if (choice === 'tensorflow') {
    for (const [pkg, gpu] of [
      ['@tensorflow/tfjs-node-gpu', true],
      ['@tensorflow/tfjs-node', false],
    ] as const) {
      try {
        const native = (await import(pkg)) as { version?: Record<string, string> };
        if (!(await tf.setBackend('tensorflow')))
          throw new Error(`${pkg} loaded but its 'tensorflow' backend failed to start`);
        tried.push({ name: pkg });
        const cores = os.availableParallelism();
        return {
          name: 'tensorflow',
          gpu,
          adapter: null,
          threads: cores,
          tried,
          skipped: [],
          fasterHint: null,
          versions: {
            ...baseVersions(),
            [pkg.replace('@tensorflow/', '')]: native.version?.['tfjs-node'] ?? 'unknown',
          },
          detail: `tensorflow (${pkg}, ${gpu ? 'CUDA' : 'native CPU'})`,
        };
      } catch (error) {
        const code = (error as { code?: string }).code;
        const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && reason(error).includes(pkg);
        tried.push({
          name: pkg,
          error: missing ? `${pkg} is not installed (npm run setup:cuda installs it)` : reason(error),
        });
      }
    }
    return undefined;
  }
  if (choice === 'wasm') return tryWasm(threads, tried);
  if (choice === 'webgpu') return tryWebgpu(tried, forced);
  try {
    if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to start');
    quietCpuBackend();
    tried.push({ name: 'cpu' });
    return {
      name: 'cpu',
      gpu: false,
      adapter: null,
      threads: 1,
      versions: baseVersions(),
      tried,
      skipped: [],
      fasterHint: null,
      detail: 'cpu (plain JavaScript, 1 thread)',
    };
  } catch (error) {
    tried.push({ name: 'cpu', error: reason(error) });
    return undefined;
  }
}

async function tryWasm(threads: number, tried: BackendInfo['tried']): Promise<BackendInfo | undefined> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    tried.push({ name: 'wasm', error: reason(error) });
    return undefined;
  }
  let threaded = false;
  if (threads > 1) {
    // The package's own factory (single-threaded SIMD build), kept to fall back on.
    const registry = (
      tf.engine() as unknown as {
        registryFactory: Record<string, { factory: () => tf.KernelBackend | Promise<tf.KernelBackend> }>;
      }
    ).registryFactory;
    const packageFactory = registry.wasm?.factory;
    try {
      const module = await loadThreadedWasm(threads);
      // XNNPACK (tfjs's own kernels) on one thread, our kernels' pool on all: XNNPACK's pool
      // threads spin for ~1M iterations after every op, so with both pools a spinning XNNPACK
      // thread holds the core our pool's thread needs next, and step times jump around.
      wasm.setThreadsCount(xnnpackThreads(threads));
      setKernelPoolThreads(threads);
      const BackendWasm = wasm.BackendWasm as unknown as new (module: unknown) => tf.KernelBackend;
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', () => new BackendWasm(module), 2);
      if (!(await tf.setBackend('wasm'))) throw new Error('the threaded wasm build failed to start');
      unrefPoolWorkers(module);
      threaded = true;
    } catch (error) {
      setKernelPoolThreads(undefined);
      tried.push({ name: `wasm (threaded, ${threads} threads)`, error: reason(error) });
      if (packageFactory) {
        tf.removeBackend('wasm');
        tf.registerBackend('wasm', packageFactory, 2);
      }
    }
  }
  try {
    if (!threaded && !(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to start');
  } catch (error) {
    tried.push({ name: 'wasm', error: reason(error) });
    return undefined;
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const actual = threaded ? threads : wasm.getThreadsCount();
  tried.push({ name: threaded ? `wasm (threaded, ${actual} threads)` : 'wasm' });
  return {
    name: 'wasm',
    gpu: false,
    adapter: null,
    threads: actual,
    tried,
    skipped: [],
    fasterHint: null,
    versions: { ...baseVersions(), 'tfjs-backend-wasm': wasm.version_wasm },
    detail: `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threaded ? 'threaded build' : 'single-threaded build'}, ${actual} thread${actual === 1 ? '' : 's'})`,
  };
}

/** XNNPACK's pool size on the threaded build: LAB_XNNPACK_THREADS (1 to `threads`), default 1. */
export function xnnpackThreads(threads: number, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.LAB_XNNPACK_THREADS?.trim();
  if (!fromEnv) return 1;
  const n = Number(fromEnv);
  if (!Number.isInteger(n) || n < 1 || n > threads)
    throw new Error(`LAB_XNNPACK_THREADS=${fromEnv} must be a whole number from 1 to the thread count (${threads})`);
  return n;
}

/** WebGPU on Dawn: a hardware adapter, or any adapter when LAB_BACKEND=webgpu forces it. */
async function tryWebgpu(tried: BackendInfo['tried'], forced: boolean): Promise<BackendInfo | undefined> {
  try {
    // Unforced and without LAB_GPU: look from a child process first (webgpu-probe.ts); only a
    // hardware adapter is opened here. A probe that could not run (e.g. Electron with RunAsNode
    // off) falls through to opening Dawn in this process.
    if (!forced && gpuSelection().kind === 'default') {
      const probe = await probeDefaultAdapter();
      if (probe.kind === 'none')
        throw new Error('Dawn found no WebGPU adapter (no Vulkan, Metal or Direct3D 12 driver for a GPU)');
      if (probe.kind === 'adapter' && probe.adapter.software)
        throw new Error(
          `the adapter is ${describeAdapter(probe.adapter)}: slower than wasm, so it runs only with LAB_BACKEND=webgpu`,
        );
    }
    const { adapter } = await openWebgpu({ allowSoftware: forced });
    if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend failed to start on its device');
    tried.push({ name: 'webgpu' });
    return {
      name: 'webgpu',
      gpu: !adapter.software,
      adapter,
      threads: 1,
      tried,
      skipped: [],
      fasterHint: null,
      versions: {
        ...baseVersions(),
        'tfjs-backend-webgpu': packageVersion('@tensorflow/tfjs-backend-webgpu'),
        webgpu: packageVersion('webgpu'),
      },
      detail: `webgpu (${describeAdapter(adapter)})`,
    };
  } catch (error) {
    tried.push({ name: 'webgpu', error: reason(error) });
    return undefined;
  }
}

function packageVersion(name: string): string {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function baseVersions(): Record<string, string> {
  return { 'tfjs-core': tf.version_core, node: process.versions.node };
}

/** The cpu backend greets Node users with an "install tfjs-node" banner; we chose cpu on purpose. */
export function quietCpuBackend(): void {
  const cpu = tf.findBackend('cpu') as (tf.KernelBackend & { firstUse?: boolean }) | null;
  if (cpu) cpu.firstUse = false;
}
