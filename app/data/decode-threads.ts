import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../util/worker-entry.js';
import type { DecodedImage, DecodeOptions } from './decode-image.js';
import { ImageFileError, type ImageProblem } from './image-error.js';
import { readImageFile } from './read-image-file.js';

// The import's decode threads: each reads, hashes and (JPEG fast path) decodes, measures and
// resizes whole images (decode-worker.ts), and for a png cache encodes their rows, so the
// import's own thread only dedupes and writes.
// An accelerator, never a requirement: if a thread cannot start or dies, its jobs and all later
// ones answer null and the caller does the work itself, as it did before threads.

export interface DecodeJob {
  id: number;
  path: string | Uint8Array;
  maxFileBytes: number;
  decode: DecodeOptions;
  /** Also encode the decoded row as the png cache stores it (png-rows.ts). */
  encodePng?: boolean;
}

interface FileFacts {
  id: number;
  sha1: string;
  fileSize: number;
  fileMtimeMs: number;
}

export type DecodeReply =
  | (FileFacts & { kind: 'decoded'; image: DecodedImage; png?: Uint8Array })
  | (FileFacts & { kind: 'needs sharp'; bytes: Uint8Array })
  | { id: number; kind: 'unreadable'; reason: ImageProblem; detail: string }
  | { id: number; kind: 'failed'; message: string };

/** What the threads did for one import: how many ran, images they decoded whole (the rest went through sharp or the caller), why they stopped. */
export interface DecodeThreadStats {
  threads: number;
  decoded: number;
  failure?: string;
}

/**
 * Threads for an import of `images` files: none for small imports (starting one costs more than it
 * saves: 0.1-0.2 s of CPU from a source checkout, where tsx compiles its modules); one per core
 * (at most 4) up to 10 000 images; two per core (at most 4) beyond, where the files are rarely all
 * in the page cache and a thread blocked on a read leaves its core idle (2 cores, 20 000 JPEGs not
 * in the page cache: 4 threads 1149-1258 images/s, 2 threads 989-1071). Beyond 4 the import
 * thread's own writes are the limit.
 */
export function decodeThreadCount(images: number): number {
  if (images < 200) return 0;
  return Math.min(4, (images < 10_000 ? 1 : 2) * availableParallelism());
}

export class DecodeThreads {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { worker: Worker; resolve: (reply: DecodeReply | null) => void }>();
  private readonly load = new Map<Worker, number>();
  private nextId = 0;
  private decoded = 0;
  private broken: string | undefined;

  /** `encodePng`: the rows go to a png cache, so the threads encode what they decode whole. */
  constructor(
    count: number,
    private readonly encodePng = false,
  ) {
    for (let i = 0; i < count; i++) {
      let worker: Worker;
      try {
        worker = startWorkerThread(import.meta.url, 'decode-worker');
      } catch (error) {
        this.broken = `decode thread could not start: ${(error as Error).message}`;
        break;
      }
      worker.on('message', (reply: DecodeReply) => this.settle(worker, reply.id, reply));
      worker.on('error', (error) => this.lose(worker, error.message));
      worker.on('exit', (code) => this.lose(worker, `exited with code ${code}`));
      worker.unref(); // referenced only while it has jobs (run/settle): an idle pool never keeps a process alive
      this.workers.push(worker);
      this.load.set(worker, 0);
    }
  }

  /** Why the threads are no longer used, if they are not. */
  get failure(): string | undefined {
    return this.broken;
  }

  /** The job's answer, or null when the caller must do it itself (no thread left). */
  run(job: Omit<DecodeJob, 'id'>): Promise<DecodeReply | null> {
    const worker = this.broken ? undefined : this.leastLoaded();
    if (!worker) return Promise.resolve(null);
    const id = this.nextId++;
    this.setLoad(worker, +1);
    return new Promise((resolve) => {
      this.pending.set(id, { worker, resolve });
      worker.postMessage({ ...job, id, encodePng: this.encodePng } satisfies DecodeJob);
    });
  }

  stats(): DecodeThreadStats {
    const failure = this.broken === 'closed' ? undefined : this.broken;
    return { threads: this.workers.length, decoded: this.decoded, ...(failure ? { failure } : {}) };
  }

  async close(): Promise<void> {
    this.broken ??= 'closed';
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private setLoad(worker: Worker, change: number): void {
    const load = this.load.get(worker)! + change;
    this.load.set(worker, load);
    if (load === 1 && change > 0) worker.ref();
    if (load === 0) worker.unref();
  }

  private leastLoaded(): Worker | undefined {
    let best: Worker | undefined;
    for (const worker of this.workers) if (!best || this.load.get(worker)! < this.load.get(best)!) best = worker;
    return best;
  }

  private settle(worker: Worker, id: number, reply: DecodeReply | null): void {
    const job = this.pending.get(id);
    if (!job) return;
    this.pending.delete(id);
    this.setLoad(worker, -1);
    if (reply?.kind === 'decoded') this.decoded++;
    job.resolve(reply);
  }

  private lose(worker: Worker, why: string): void {
    if (!this.broken) this.broken = `decode thread failed: ${why}`;
    for (const [id, job] of this.pending) if (job.worker === worker) this.settle(worker, id, null);
  }
}

export interface DecodedFile<I> {
  sha1: string;
  fileSize: number;
  fileMtimeMs: number;
  image: I | DecodedImage;
  /** The image's cache row as a PNG, when a decode thread encoded it (DecodeThreads' encodePng). */
  png?: Uint8Array;
}

/**
 * One image file read, hashed and decoded: on a decode thread when `threads` has one, else here;
 * what the thread leaves to sharp (or all, without threads) is decoded here by `decodeBytes`. An
 * unusable file throws its ImageFileError; anything else throws as it is.
 */
export async function readAndDecode<I>(
  path: string | Buffer,
  maxFileBytes: number,
  decode: DecodeOptions,
  threads: DecodeThreads | undefined,
  decodeBytes: (bytes: Buffer) => Promise<I>,
): Promise<DecodedFile<I>> {
  const reply = await threads?.run({ path, maxFileBytes, decode });
  switch (reply?.kind) {
    case 'failed':
      throw new Error(`decoding ${String(path)} failed in a decode thread: ${reply.message}`);
    case 'unreadable':
      throw new ImageFileError(reply.reason, reply.detail);
    case 'decoded':
      return { ...reply, image: { ...reply.image, rgb: asBuffer(reply.image.rgb) } };
    case 'needs sharp':
      return { ...reply, image: await decodeBytes(asBuffer(reply.bytes)) };
    default: {
      const file = await readImageFile(path, maxFileBytes);
      const sha1 = createHash('sha1').update(file.bytes).digest('hex');
      return { sha1, fileSize: file.fileSize, fileMtimeMs: file.fileMtimeMs, image: await decodeBytes(file.bytes) };
    }
  }
}

/** A Buffer over bytes that crossed a thread (they arrive as a plain Uint8Array). */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
