import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { decodeJpegFast } from './decode-jpeg-fast.js';
import { ImageFileError } from './image-error.js';
import { encodePngRowSync } from './png-rows.js';
import { readImageFileSync } from './read-image-file.js';
import type { DecodeJob, DecodeReply } from './decode-threads.js';

// One import decode thread (decode-threads.ts starts them): read + hash + the JPEG fast path (and,
// for a png cache, the row's PNG) for each job, answered in order of arrival. Images that need
// sharp go back as bytes: sharp runs on the import's own thread, where its pool already spreads
// the work.

function handle(job: DecodeJob): DecodeReply {
  const path = typeof job.path === 'string' ? job.path : Buffer.from(job.path);
  try {
    const file = readImageFileSync(path, job.maxFileBytes);
    const sha1 = createHash('sha1').update(file.bytes).digest('hex');
    const meta = { id: job.id, sha1, fileSize: file.fileSize, fileMtimeMs: file.fileMtimeMs };
    const image = decodeJpegFast(file.bytes, job.decode);
    if (!image) return { ...meta, kind: 'needs sharp', bytes: file.bytes };
    const png = job.encodePng ? encodePngRowSync(image.rgb, job.decode.size) : undefined;
    return { ...meta, kind: 'decoded', image, ...(png ? { png } : {}) };
  } catch (error) {
    if (error instanceof ImageFileError)
      return { id: job.id, kind: 'unreadable', reason: error.reason, detail: error.detail };
    return {
      id: job.id,
      kind: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}

/** Buffers the reply may hand over instead of copying: those that own their whole memory. */
function movable(reply: DecodeReply): ArrayBuffer[] {
  const all =
    reply.kind === 'decoded' ? [reply.image.rgb, reply.png] : reply.kind === 'needs sharp' ? [reply.bytes] : [];
  return all
    .filter((bytes) => bytes && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength)
    .map((bytes) => bytes!.buffer as ArrayBuffer);
}

parentPort?.on('message', (job: DecodeJob) => {
  const reply = handle(job);
  parentPort!.postMessage(reply, movable(reply));
});
