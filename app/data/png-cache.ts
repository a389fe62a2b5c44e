import { availableParallelism } from 'node:os';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { PngDecodePool } from './decode-pool.js';
import { encodePngRow } from './png-rows.js';
import {
  discardPartialCache,
  pixelCachePaths,
  requirePixelCache,
  type PixelCacheManifest,
  type PixelRows,
  writeCacheManifest,
} from './pixel-cache.js';

// The compressed pixel cache: every row a lossless PNG (png-rows.ts), appended to `png-S.bin` in
// the order encodes finish, with `png-S.idx` giving each row's offset and length (float64 pairs,
// row = image idx). At 112 px SynthFaces rows take about 17 KB instead of 37.6 KB; decoding gives
// back the very bytes that were encoded, so training on it is bit-identical to the raw cache.

/** Encodes in flight at once (deflate runs on libuv's threads); `write` waits beyond this. */
const IN_FLIGHT = 16;

export class PngCacheWriter {
  private readonly fd: number;
  private readonly partial: string;
  private offsets: Float64Array;
  private end = 0;
  private inFlight = 0;
  private failure: Error | undefined;
  private waiters: Array<() => void> = [];
  readonly rowBytes: number;

  constructor(
    private readonly dataDir: string,
    private readonly datasetId: number,
    readonly size: number,
    private readonly labId: string,
  ) {
    const { pixels } = pixelCachePaths(dataDir, datasetId, size, 'png');
    mkdirSync(dirname(pixels), { recursive: true });
    this.partial = `${pixels}.partial`;
    this.fd = openSync(this.partial, 'w');
    this.rowBytes = size * size * 3;
    this.offsets = new Float64Array(2 * 1024);
  }

  /**
   * Starts encoding row `idx`, or appends `png` when a decode thread already encoded it; resolves
   * at once unless too many encodes are in flight.
   */
  write(idx: number, rgb: Uint8Array, png?: Uint8Array): Promise<void> | void {
    if (this.failure) throw this.failure;
    if (rgb.length !== this.rowBytes)
      throw new Error(`Cache row for image ${idx} has ${rgb.length} bytes; expected ${this.rowBytes}.`);
    if (png) return this.append(idx, png);
    this.inFlight++;
    encodePngRow(Uint8Array.from(rgb), this.size)
      .then((png) => this.append(idx, png))
      .catch((error: unknown) => {
        this.failure ??= error instanceof Error ? error : new Error(String(error));
      })
      .finally(() => {
        this.inFlight--;
        this.waiters.shift()?.();
      });
    if (this.inFlight < IN_FLIGHT) return;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private append(idx: number, png: Uint8Array): void {
    if (2 * idx + 1 >= this.offsets.length) {
      const grown = new Float64Array(Math.max(this.offsets.length * 2, 2 * idx + 2));
      grown.set(this.offsets);
      this.offsets = grown;
    }
    writeSync(this.fd, png, 0, png.length, this.end);
    this.offsets[2 * idx] = this.end;
    this.offsets[2 * idx + 1] = png.length;
    this.end += png.length;
  }

  private async drain(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.failure) throw this.failure;
  }

  async commit(count: number, fit: string): Promise<PixelCacheManifest> {
    await this.drain();
    fsyncSync(this.fd);
    closeSync(this.fd);
    const paths = pixelCachePaths(this.dataDir, this.datasetId, this.size, 'png');
    const index = Buffer.alloc(count * 16);
    new Float64Array(index.buffer, index.byteOffset, 2 * count).set(this.offsets.subarray(0, 2 * count));
    writeFileSync(`${paths.index!}.tmp`, index);
    renameSync(this.partial, paths.pixels);
    renameSync(`${paths.index!}.tmp`, paths.index!);
    return writeCacheManifest(paths.manifest, {
      datasetId: this.datasetId,
      size: this.size,
      count,
      fit,
      labId: this.labId,
      encoding: 'png',
    });
  }

  discard(): void {
    discardPartialCache(this.fd, this.partial);
  }
}

/** Replaces single rows of a finished png cache: the new PNGs are appended, the index points at them. */
export async function overwritePngCacheRows(
  dataDir: string,
  datasetId: number,
  size: number,
  rows: ReadonlyArray<{ idx: number; rgb: Uint8Array }>,
): Promise<void> {
  const paths = pixelCachePaths(dataDir, datasetId, size, 'png');
  const pngs = await Promise.all(rows.map((r) => encodePngRow(r.rgb, size)));
  const index = readFileSync(paths.index!);
  const offsets = new Float64Array(index.buffer, index.byteOffset, index.length / 8);
  const fd = openSync(paths.pixels, 'r+');
  try {
    let end = fstatSync(fd).size;
    rows.forEach((r, k) => {
      writeSync(fd, pngs[k]!, 0, pngs[k]!.length, end);
      offsets[2 * r.idx] = end;
      offsets[2 * r.idx + 1] = pngs[k]!.length;
      end += pngs[k]!.length;
    });
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  writeFileSync(`${paths.index!}.tmp`, index);
  renameSync(`${paths.index!}.tmp`, paths.index!);
}

/** Helper threads a png cache decodes with by default: every core but the caller's, at most 3. */
export function defaultDecodeWorkers(): number {
  return Math.max(0, Math.min(3, availableParallelism() - 1));
}

/** Random access to a png cache's rows: `prefetch` decodes a batch on the pool, `row` reads it. */
export class PngCacheReader implements PixelRows {
  readonly rowBytes: number;
  private readonly pool: PngDecodePool;
  private readonly slots = new Map<number, number>();
  private decoded: Uint8Array = new Uint8Array(0);
  private readonly scratch: Uint8Array;

  private constructor(
    readonly size: number,
    readonly count: number,
    file: string,
    offsets: Float64Array<SharedArrayBuffer>,
    workers: number,
  ) {
    this.rowBytes = size * size * 3;
    this.scratch = new Uint8Array(this.rowBytes);
    this.pool = new PngDecodePool(file, offsets, size, workers);
  }

  static open(
    dataDir: string,
    datasetId: number,
    size: number,
    options: { expectedCount?: number; labId?: string; decodeWorkers?: number } = {},
  ): PngCacheReader {
    const manifest = requirePixelCache(dataDir, datasetId, size, { ...options, format: 'png' });
    const paths = pixelCachePaths(dataDir, datasetId, size, 'png');
    const index = readFileSync(paths.index!);
    const offsets = new Float64Array(new SharedArrayBuffer(index.length));
    offsets.set(new Float64Array(index.buffer, index.byteOffset, index.length / 8));
    return new PngCacheReader(
      size,
      manifest.count,
      paths.pixels,
      offsets,
      options.decodeWorkers ?? defaultDecodeWorkers(),
    );
  }

  /** The decode pool (for its counters). */
  get decoder(): PngDecodePool {
    return this.pool;
  }

  /** Threads decoding a batch (the caller and its helpers). */
  get threads(): number {
    return this.pool.threads;
  }

  prefetch(indices: ArrayLike<number>): void {
    this.slots.clear();
    const unique: number[] = [];
    for (let k = 0; k < indices.length; k++) {
      const idx = indices[k]!;
      this.check(idx);
      if (!this.slots.has(idx)) {
        this.slots.set(idx, unique.length);
        unique.push(idx);
      }
    }
    this.decoded = this.pool.decode(unique);
  }

  row(idx: number): Uint8Array {
    this.check(idx);
    const slot = this.slots.get(idx);
    if (slot !== undefined) return this.decoded.subarray(slot * this.rowBytes, (slot + 1) * this.rowBytes);
    this.pool.decodeInto(idx, this.scratch, 0);
    return this.scratch;
  }

  private check(idx: number): void {
    if (!Number.isInteger(idx) || idx < 0 || idx >= this.count)
      throw new RangeError(`Image index ${idx} is outside the cache (0..${this.count - 1}).`);
  }

  close(): void {
    this.pool.close();
  }
}
