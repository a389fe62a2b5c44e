import { Worker } from 'node:worker_threads';
import { channelPassSignatures } from './channel-wat.js';

// Splits one kernel call across threads when tfjs-wasm runs its threaded build: the heap is then
// a shared WebAssembly.Memory, so Node worker threads can instantiate the same kernels on it and
// each compute a disjoint part of the output (no locks, no copies). Every thread gets the same
// arguments plus its own extras (its range, its scratch). The calling thread takes the last part
// and waits (Atomics) for the others, so a kernel call stays synchronous like every tfjs kernel.
// Workers are unref'd: they never keep a process alive.

/** The kernels a pool can run, by index in the control block. */
export const poolKernels = [
  'filterGrad',
  'inputGrad',
  'gemmAtB',
  'gemmABt',
  'conv2dForward',
  ...(Object.keys(channelPassSignatures) as (keyof typeof channelPassSignatures)[]),
] as const;
export type PoolKernel = (typeof poolKernels)[number];

/** Control block layout (Int32 slots). */
const GENERATION = 0,
  DONE = 1,
  KIND = 2,
  FAILED = 3,
  READY = 4,
  ARG_COUNT = 5,
  EXTRA_COUNT = 6,
  ARGS = 8,
  MAX_ARGS = 24,
  EXTRAS = ARGS + MAX_ARGS,
  MAX_EXTRAS = 4;
const KIND_EXIT = -1;
const MAX_HELPERS = 63;
/** A worker that has not answered in this long is presumed dead (a kernel call takes ms). */
const WAIT_LIMIT_MS = 120_000;
/** Workers not started by then are given up on: the calls run on the calling thread. */
const START_LIMIT_MS = 10_000;
/**
 * How long a thread polls the control block before it sleeps in Atomics.wait: waking a sleeping
 * thread cost ~0.1 ms a call on a 2-core VM, and a train step's kernel calls come close together.
 * Short enough that an idle pool gives its cores back at once (XNNPACK's pool spins for ms).
 */
const SPIN_MS = 0.2;

// Plain CommonJS for `eval: true`: no loader needed in the worker, bundled or not.
const workerSource = `
const { workerData } = require('node:worker_threads');
const { memory, module, control, index, names } = workerData;
const ctl = new Int32Array(control);
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const kernels = names.map((name) => exports[name]);
Atomics.add(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
let generation = 0;
for (;;) {
  const until = performance.now() + ${SPIN_MS};
  while (Atomics.load(ctl, ${GENERATION}) === generation && performance.now() < until);
  Atomics.wait(ctl, ${GENERATION}, generation);
  generation = Atomics.load(ctl, ${GENERATION});
  const kind = ctl[${KIND}];
  if (kind === ${KIND_EXIT}) break;
  try {
    const args = Array.from(ctl.subarray(${ARGS}, ${ARGS} + ctl[${ARG_COUNT}]));
    const extras = ${EXTRAS} + ${MAX_EXTRAS} * index;
    kernels[kind](...args, ...ctl.subarray(extras, extras + ctl[${EXTRA_COUNT}]));
  } catch {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}
`;

/** [begin, end) ranges: `total` items in tiles of `tile` (the last may be short), in `parts` near-equal runs of whole tiles. */
export function splitTiles(total: number, tile: number, parts: number): [number, number][] {
  const tiles = Math.ceil(total / tile);
  return Array.from({ length: parts }, (_, i) => {
    const begin = Math.floor((i * tiles) / parts) * tile,
      end = Math.min(total, Math.floor(((i + 1) * tiles) / parts) * tile);
    return [begin, end] as [number, number];
  });
}

export type Raw = (...args: number[]) => void;
export type KernelExports = Record<PoolKernel, Raw>;

export class KernelPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (EXTRAS + MAX_EXTRAS * (MAX_HELPERS + 1))));
  private readonly workers: Worker[];
  private started = false;
  /** Why the workers are not used (they failed to start or died); calls then run locally. */
  private broken: string | undefined;

  /** `helpers` worker threads besides the caller (at most 63); `local` is the caller's instance. */
  constructor(
    memory: WebAssembly.Memory,
    module: WebAssembly.Module,
    helpers: number,
    private readonly local: KernelExports,
    private readonly startLimitMs = START_LIMIT_MS,
  ) {
    this.workers = Array.from({ length: Math.min(helpers, MAX_HELPERS) }, (_, index) => {
      // execArgv []: the parent's flags (say --input-type=module, a TypeScript loader) must not
      // turn this CommonJS source into something else.
      const worker = new Worker(workerSource, {
        eval: true,
        execArgv: [],
        workerData: { memory, module, control: this.control.buffer, index, names: [...poolKernels] },
      });
      worker.on('error', (error) => {
        this.broken ??= `kernel worker thread failed: ${error.message}`;
      });
      worker.unref();
      return worker;
    });
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Why the worker threads are not in use, if they are not. */
  get failure(): string | undefined {
    return this.broken;
  }

  /** Runs `kernel(...args, ...extras[t])` on thread t (one entry per thread); the caller runs the last. */
  run(kernel: PoolKernel, args: number[], extras: number[][]): void {
    if (extras.length !== this.threads)
      throw new Error(`${kernel}: ${extras.length} parts for ${this.threads} threads`);
    if (!this.started) this.awaitStart();
    if (this.broken) {
      for (const extra of extras) this.local[kernel](...args, ...extra);
      return;
    }
    if (args.length > MAX_ARGS || extras.some((e) => e.length !== extras[0]!.length || e.length > MAX_EXTRAS))
      throw new Error(`${kernel}: too many arguments for the pool`);
    const ctl = this.control,
      helpers = this.workers.length;
    ctl.set(args, ARGS);
    extras.slice(0, helpers).forEach((extra, i) => ctl.set(extra, EXTRAS + MAX_EXTRAS * i));
    ctl[ARG_COUNT] = args.length;
    ctl[EXTRA_COUNT] = extras[0]!.length;
    Atomics.store(ctl, KIND, poolKernels.indexOf(kernel));
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.add(ctl, GENERATION, 1);
    Atomics.notify(ctl, GENERATION);
    try {
      this.local[kernel](...args, ...extras[helpers]!);
    } finally {
      this.waitForHelpers(helpers);
    }
    if (Atomics.load(ctl, FAILED)) throw new Error(`${kernel}: a worker thread's part failed`);
  }

  /** Blocks until every worker has instantiated the kernels, or gives them up. */
  private awaitStart(): void {
    this.started = true;
    const deadline = Date.now() + this.startLimitMs;
    for (;;) {
      const ready = Atomics.load(this.control, READY);
      if (ready >= this.workers.length) return;
      if (Date.now() >= deadline) break;
      Atomics.wait(this.control, READY, ready, deadline - Date.now());
    }
    this.broken ??= `kernel worker threads did not start within ${this.startLimitMs / 1000} s`;
    process.emitWarning(`${this.broken}; the wasm training kernels run on one thread`);
  }

  private waitForHelpers(helpers: number): void {
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(this.control, DONE) < helpers && performance.now() < until);
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (;;) {
      const done = Atomics.load(this.control, DONE);
      if (done >= helpers) return;
      if (
        Atomics.wait(this.control, DONE, done, Math.max(1, deadline - Date.now())) === 'timed-out' &&
        Date.now() >= deadline
      ) {
        throw new Error(
          `kernel pool: ${helpers - done} worker thread(s) did not finish within ${WAIT_LIMIT_MS / 1000} s`,
        );
      }
    }
  }

  /** Ends the worker threads (tests; a process may also simply exit). */
  close(): void {
    Atomics.store(this.control, KIND, KIND_EXIT);
    Atomics.add(this.control, GENERATION, 1);
    Atomics.notify(this.control, GENERATION);
  }
}
