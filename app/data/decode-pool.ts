import { closeSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { decodePngRow, pngDecoderSource } from './png-rows.js';

// Decodes a batch of png cache rows on several threads at once, synchronously for the caller (the
// samplers draw batches synchronously). The caller posts the batch to every worker, then decodes
// rows itself; every thread takes the next row from a shared counter (Atomics), reads its PNG from
// the cache file with its own descriptor and writes the pixels into a shared buffer. The caller
// waits (Atomics.wait) until every row is done. A worker that fails on a row leaves it undone and
// the caller decodes it, so the error it throws is the real one; a worker that stops answering is
// given up on and its rows are decoded by the caller. Like the kernel pool (app/engine), workers
// run plain CommonJS from a string (`eval: true`), so they need no entry point in a bundle, and are
// unref'd: they never keep a process alive.

/**
 * Control slots (Int32): the next row to take, rows done, the batch's generation, and workers
 * inside a batch. A worker joins only a batch whose generation is current, and the caller returns
 * only when no worker is inside: a late message never writes into the next batch.
 */
const NEXT = 0,
  DONE = 1,
  GENERATION = 2,
  ACTIVE = 3,
  BY_HELPERS = 4;
/** A batch whose rows stop progressing for this long is finished by the caller alone. */
const STALL_LIMIT_MS = 20_000;

const workerSource = `
const { workerData, parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const fs = require('node:fs');
const decodePngRgb = ${pngDecoderSource};
const { file, index, size } = workerData;
const fd = fs.openSync(file, 'r');
const offsets = new Float64Array(index);
let scratch = Buffer.alloc(1 << 16);
parentPort.on('message', ({ control, items, out, flags, count, generation }) => {
  const ctl = new Int32Array(control);
  Atomics.add(ctl, ${ACTIVE}, 1);
  if (Atomics.load(ctl, ${GENERATION}) !== generation) {
    Atomics.sub(ctl, ${ACTIVE}, 1);
    Atomics.notify(ctl, ${ACTIVE});
    return;
  }
  const idx = new Int32Array(items);
  const pixels = new Uint8Array(out);
  const done = new Uint8Array(flags);
  const rowBytes = size * size * 3;
  for (;;) {
    const k = Atomics.add(ctl, ${NEXT}, 1);
    if (k >= count) break;
    try {
      const row = idx[k];
      const length = offsets[2 * row + 1];
      if (scratch.length < length) scratch = Buffer.alloc(length * 2);
      fs.readSync(fd, scratch, 0, length, offsets[2 * row]);
      decodePngRgb(zlib, scratch.subarray(0, length), size, pixels, k * rowBytes);
      Atomics.store(done, k, 1);
      Atomics.add(ctl, ${BY_HELPERS}, 1);
    } catch {
      // left undone: the caller decodes it and reports the error
    }
    Atomics.add(ctl, ${DONE}, 1);
    Atomics.notify(ctl, ${DONE});
  }
  Atomics.sub(ctl, ${ACTIVE}, 1);
  Atomics.notify(ctl, ${ACTIVE});
});
`;

export class PngDecodePool {
  private readonly workers: Worker[];
  private readonly control = new Int32Array(new SharedArrayBuffer(32));
  private readonly fd: number;
  private scratch = Buffer.alloc(1 << 16);
  private items = new Int32Array(new SharedArrayBuffer(4 * 64));
  private flags = new Uint8Array(new SharedArrayBuffer(64));
  private out: Uint8Array;
  private broken: string | undefined;
  private abandoned = false;
  readonly rowBytes: number;

  /**
   * `offsets` (shared: the workers read it too) holds each row's byte offset and length in
   * `file`; `workers` helper threads besides the caller.
   */
  constructor(
    private readonly file: string,
    private readonly offsets: Float64Array<SharedArrayBuffer>,
    private readonly size: number,
    workers: number,
  ) {
    this.rowBytes = size * size * 3;
    this.out = new Uint8Array(new SharedArrayBuffer(this.rowBytes * 64));
    this.fd = openSync(file, 'r');
    this.workers = Array.from({ length: Math.max(0, workers) }, () => {
      const worker = new Worker(workerSource, {
        eval: true,
        execArgv: [],
        workerData: { file, index: offsets.buffer, size },
      });
      worker.on('error', (error) => {
        this.broken ??= `png decode worker failed: ${error.message}`;
      });
      worker.unref();
      return worker;
    });
  }

  /** Threads that decode a batch: the caller and its helpers. */
  get threads(): number {
    return this.broken ? 1 : this.workers.length + 1;
  }

  /** Rows the helper threads have decoded so far (the rest, the caller did). */
  get rowsByHelpers(): number {
    return Atomics.load(this.control, BY_HELPERS);
  }

  /** Why the helpers are no longer used, if they are not. */
  get failure(): string | undefined {
    return this.broken;
  }

  /** Decodes one row on the calling thread into `out` at `offset`. */
  decodeInto(row: number, out: Uint8Array, offset: number): void {
    const length = this.offsets[2 * row + 1]!;
    if (this.scratch.length < length) this.scratch = Buffer.alloc(length * 2);
    readSync(this.fd, this.scratch, 0, length, this.offsets[2 * row]!);
    try {
      decodePngRow(this.scratch.subarray(0, length), this.size, out, offset);
    } catch (error) {
      throw new Error(
        `Row ${row} of the png pixel cache ${this.file} cannot be decoded (${(error as Error).message}); rebuild the cache.`,
      );
    }
  }

  /**
   * Decodes `rows` (cache row numbers) into one buffer, row k at k·rowBytes; the view is valid
   * until the next call.
   */
  decode(rows: ArrayLike<number>): Uint8Array {
    const count = rows.length;
    this.reserve(count);
    const items = this.items,
      flags = this.flags,
      out = this.out,
      ctl = this.control;
    for (let k = 0; k < count; k++) items[k] = rows[k]!;
    flags.fill(0, 0, count);
    Atomics.store(ctl, NEXT, 0);
    Atomics.store(ctl, DONE, 0);
    const generation = Atomics.load(ctl, GENERATION);
    const helpers = this.broken || count < 2 ? [] : this.workers;
    for (const worker of helpers)
      worker.postMessage({
        control: ctl.buffer,
        items: items.buffer,
        out: out.buffer,
        flags: flags.buffer,
        count,
        generation,
      });
    for (;;) {
      const k = Atomics.add(ctl, NEXT, 1);
      if (k >= count) break;
      this.decodeInto(items[k]!, out, k * this.rowBytes);
      flags[k] = 1;
      Atomics.add(ctl, DONE, 1);
    }
    let seen = Atomics.load(ctl, DONE);
    while (seen < count) {
      if (Atomics.wait(ctl, DONE, seen, STALL_LIMIT_MS) === 'timed-out' && Atomics.load(ctl, DONE) === seen) {
        this.broken ??= `png decode workers stopped answering for ${STALL_LIMIT_MS / 1000} s`;
        break;
      }
      seen = Atomics.load(ctl, DONE);
    }
    // Close the batch: workers that join from now on leave at once; wait for those inside.
    Atomics.add(ctl, GENERATION, 1);
    for (let inside = Atomics.load(ctl, ACTIVE); inside > 0 && !this.broken; inside = Atomics.load(ctl, ACTIVE)) {
      if (Atomics.wait(ctl, ACTIVE, inside, STALL_LIMIT_MS) === 'timed-out' && Atomics.load(ctl, ACTIVE) === inside)
        this.broken = `png decode workers stopped answering for ${STALL_LIMIT_MS / 1000} s`;
    }
    // A stalled worker may still write into these buffers: the next batches use new ones.
    if (this.broken && !this.abandoned) {
      this.abandoned = true;
      const result = out.slice(0, count * this.rowBytes);
      this.items = new Int32Array(new SharedArrayBuffer(4 * 64));
      this.flags = new Uint8Array(new SharedArrayBuffer(64));
      this.out = new Uint8Array(new SharedArrayBuffer(this.rowBytes * 64));
      for (let k = 0; k < count; k++) if (flags[k] !== 1) this.decodeInto(items[k]!, result, k * this.rowBytes);
      return result;
    }
    // Rows a worker could not decode (or never finished): the caller decodes them, and throws the real error.
    for (let k = 0; k < count; k++)
      if (Atomics.load(flags, k) !== 1) this.decodeInto(items[k]!, out, k * this.rowBytes);
    return out.subarray(0, count * this.rowBytes);
  }

  private reserve(count: number): void {
    if (this.items.length >= count) return;
    const capacity = Math.max(count, this.items.length * 2);
    this.items = new Int32Array(new SharedArrayBuffer(4 * capacity));
    this.flags = new Uint8Array(new SharedArrayBuffer(capacity));
    this.out = new Uint8Array(new SharedArrayBuffer(this.rowBytes * capacity));
  }

  close(): void {
    for (const worker of this.workers) void worker.terminate();
    closeSync(this.fd);
  }
}
