import { Worker } from 'node:worker_threads';

// Splits one conv-gradient call across threads when tfjs-wasm runs its threaded build: the heap
// is then a shared WebAssembly.Memory, so Node worker threads can instantiate the same kernels
// on it and each compute a disjoint channel range of the output (no locks, no copies). The
// calling thread takes the last part and waits (Atomics) for the others, so a kernel call stays
// synchronous like every tfjs kernel. Workers are unref'd: they never keep a process alive.

/** Control block layout (Int32 slots). */
const GENERATION = 0, DONE = 1, KIND = 2, FAILED = 3, ARGS = 4, ARG_COUNT = 17, READY = 22, RANGES = 24;
const KIND_EXIT = -1, KIND_FILTER = 1, KIND_INPUT = 2;
/** A worker that has not answered in this long is presumed dead (a kernel call takes ms). */
const WAIT_LIMIT_MS = 120_000;
/** Workers not started by then are given up on: the calls run on the calling thread. */
const START_LIMIT_MS = 10_000;

// Plain CommonJS for `eval: true`: no loader needed in the worker, bundled or not.
const workerSource = `
const { workerData } = require('node:worker_threads');
const { memory, module, control, index } = workerData;
const ctl = new Int32Array(control);
const { filterGrad, inputGrad } = new WebAssembly.Instance(module, { env: { memory } }).exports;
Atomics.add(ctl, ${READY}, 1);
Atomics.notify(ctl, ${READY});
let generation = 0;
for (;;) {
  Atomics.wait(ctl, ${GENERATION}, generation);
  generation = Atomics.load(ctl, ${GENERATION});
  const kind = ctl[${KIND}];
  if (kind === ${KIND_EXIT}) break;
  try {
    const args = Array.from(ctl.subarray(${ARGS}, ${ARGS + ARG_COUNT}));
    const r = ${RANGES} + 4 * index;
    if (kind === ${KIND_FILTER}) filterGrad(...args, ctl[r], ctl[r + 1], ctl[r + 2], ctl[r + 3]);
    else inputGrad(...args, ctl[r], ctl[r + 1]);
  } catch {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}
`;

/** [begin, end) channel ranges: `tiles` tiles of `tile` channels (the last may be short) in `parts` near-equal parts. */
export function splitTiles(channels: number, tile: number, parts: number): [number, number][] {
  const tiles = Math.ceil(channels / tile);
  return Array.from({ length: parts }, (_, i) => {
    const begin = Math.floor((i * tiles) / parts) * tile, end = Math.min(channels, Math.floor(((i + 1) * tiles) / parts) * tile);
    return [begin, end] as [number, number];
  });
}

export type Raw = (...args: number[]) => void;

export class ConvGradPool {
  private readonly control = new Int32Array(new SharedArrayBuffer(4 * (RANGES + 4 * 64)));
  private readonly workers: Worker[];
  private started = false;
  /** Why the workers are not used (they failed to start or died); calls then run locally. */
  private broken: string | undefined;

  /** `helpers` worker threads besides the caller (at most 63); `local` is the caller's instance. */
  constructor(memory: WebAssembly.Memory, module: WebAssembly.Module, helpers: number, private readonly local: { filterGrad: Raw; inputGrad: Raw },
    private readonly startLimitMs = START_LIMIT_MS) {
    this.workers = Array.from({ length: Math.min(helpers, 63) }, (_, index) => {
      // execArgv []: the parent's flags (say --input-type=module, a TypeScript loader) must not
      // turn this CommonJS source into something else.
      const worker = new Worker(workerSource, { eval: true, execArgv: [], workerData: { memory, module, control: this.control.buffer, index } });
      worker.on('error', (error) => { this.broken ??= `conv-grad worker thread failed: ${error.message}`; });
      worker.unref();
      return worker;
    });
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Runs filterGrad (ranges: [cBegin, cEnd, jBegin, jEnd] per thread) or inputGrad ([cBegin, cEnd]); the caller runs the last range. */
  run(kind: 'filterGrad' | 'inputGrad', args: number[], ranges: number[][]): void {
    if (!this.started) this.awaitStart();
    if (this.broken) {
      for (const range of ranges) this.local[kind](...args, ...range);
      return;
    }
    const ctl = this.control, helpers = this.workers.length;
    ctl.set(args, ARGS);
    ranges.slice(0, helpers).forEach((range, i) => ctl.set(range, RANGES + 4 * i));
    Atomics.store(ctl, KIND, kind === 'filterGrad' ? KIND_FILTER : KIND_INPUT);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.add(ctl, GENERATION, 1);
    Atomics.notify(ctl, GENERATION);
    const own = ranges[helpers]!;
    try {
      this.local[kind](...args, ...own);
    } finally {
      this.waitForHelpers(helpers);
    }
    if (Atomics.load(ctl, FAILED)) throw new Error(`conv-grad ${kind}: a worker thread's part failed`);
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
    this.broken ??= `conv-grad worker threads did not start within ${this.startLimitMs / 1000} s`;
    process.emitWarning(`${this.broken}; the conv gradients run on one thread`);
  }

  /** Why the worker threads are not in use, if they are not. */
  get failure(): string | undefined {
    return this.broken;
  }

  private waitForHelpers(helpers: number): void {
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (;;) {
      const done = Atomics.load(this.control, DONE);
      if (done >= helpers) return;
      if (Atomics.wait(this.control, DONE, done, Math.max(1, deadline - Date.now())) === 'timed-out' && Date.now() >= deadline) {
        throw new Error(`conv-grad: ${helpers - done} worker thread(s) did not finish within ${WAIT_LIMIT_MS / 1000} s`);
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
