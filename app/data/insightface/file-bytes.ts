import { open, type FileHandle } from 'node:fs/promises';

// Sequential reads of a binary file through a fixed buffer, so a multi-gigabyte file is never held in
// memory. Every read names the file and the byte offset when the file ends early.

export class TruncatedFileError extends Error {
  override name = 'TruncatedFileError';
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly wanted: number,
    what: string,
  ) {
    super(
      `${file}: the file ends at byte ${offset} in the middle of ${what} (${wanted} more bytes expected); it is truncated.`,
    );
  }
}

export class FileBytes {
  private buffer: Buffer;
  private start = 0;
  private end = 0;
  /** File position of buffer[end]. */
  private filePos = 0;
  private eof = false;

  private constructor(
    readonly file: string,
    private readonly handle: FileHandle,
    readonly size: number,
    chunk: number,
  ) {
    this.buffer = Buffer.alloc(chunk);
  }

  static async open(file: string, chunk = 1 << 20): Promise<FileBytes> {
    const handle = await open(file, 'r');
    const { size } = await handle.stat();
    return new FileBytes(file, handle, size, chunk);
  }

  /** Offset of the next byte read. */
  get offset(): number {
    return this.filePos - (this.end - this.start);
  }

  /** True when every byte has been read. */
  async atEnd(): Promise<boolean> {
    if (this.start < this.end) return false;
    await this.fill(1);
    return this.start >= this.end;
  }

  /** The next `n` bytes as a new Buffer (never a view of the reader's own buffer). */
  async read(n: number, what: string): Promise<Buffer> {
    if (n <= this.end - this.start) {
      const out = Buffer.from(this.buffer.subarray(this.start, this.start + n));
      this.start += n;
      return out;
    }
    const out = Buffer.alloc(n);
    let got = 0;
    while (got < n) {
      if (this.start >= this.end) {
        await this.fill(1);
        if (this.start >= this.end) throw new TruncatedFileError(this.file, this.offset, n - got, what);
      }
      const take = Math.min(n - got, this.end - this.start);
      this.buffer.copy(out, got, this.start, this.start + take);
      this.start += take;
      got += take;
    }
    return out;
  }

  async byte(what: string): Promise<number> {
    if (this.start >= this.end) {
      await this.fill(1);
      if (this.start >= this.end) throw new TruncatedFileError(this.file, this.offset, 1, what);
    }
    return this.buffer[this.start++]!;
  }

  /** Reads up to the next `\n` (not included), for the pickle's text arguments (GLOBAL names). */
  async line(limit: number, what: string): Promise<string> {
    const bytes: number[] = [];
    for (;;) {
      const b = await this.byte(what);
      if (b === 10) return Buffer.from(bytes).toString('latin1');
      if (bytes.length >= limit)
        throw new Error(`${this.file}: ${what} at byte ${this.offset} is longer than ${limit} bytes.`);
      bytes.push(b);
    }
  }

  /** Skips `n` bytes. */
  async skip(n: number, what: string): Promise<void> {
    let left = n;
    while (left > 0) {
      if (this.start >= this.end) {
        await this.fill(1);
        if (this.start >= this.end) throw new TruncatedFileError(this.file, this.offset, left, what);
      }
      const take = Math.min(left, this.end - this.start);
      this.start += take;
      left -= take;
    }
  }

  private async fill(atLeast: number): Promise<void> {
    if (this.eof) return;
    // Keep unread bytes, then top the buffer up from the file.
    if (this.start > 0) {
      this.buffer.copy(this.buffer, 0, this.start, this.end);
      this.end -= this.start;
      this.start = 0;
    }
    while (this.end - this.start < atLeast && !this.eof) {
      const { bytesRead } = await this.handle.read(this.buffer, this.end, this.buffer.length - this.end, this.filePos);
      if (bytesRead === 0) this.eof = true;
      this.end += bytesRead;
      this.filePos += bytesRead;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
