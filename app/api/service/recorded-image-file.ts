import { constants, promises as fs } from 'node:fs';
import { sep } from 'node:path';
import { LabApiError } from '../contract/index.js';
import type { ImageRecord } from '../../store/images-repo.js';

// The file behind an image id is served only while it is still the file that was imported: its
// real path (symbolic links resolved) must lie inside the dataset's real root, and the opened file
// must have the size and modification time recorded at import. Someone who can write in the
// dataset folder cannot swap an image for a link to a secret (or for another file) and have the
// lab serve that.

/** An image's path under its dataset root as recorded (bytes when the name is not UTF-8). */
export function recordedImagePath(root: string, image: ImageRecord): string | Buffer {
  const segments = image.path.split('/');
  if (image.path.startsWith('/') || segments.some((s) => s === '..' || s === '')) {
    throw new LabApiError(
      'not_found',
      `Image ${image.id} has a stored path that leaves its dataset folder; it is not served.`,
    );
  }
  return image.pathBytes ? Buffer.concat([Buffer.from(`${root}/`), image.pathBytes]) : `${root}/${image.path}`;
}

function changed(image: ImageRecord, why: string): LabApiError {
  return new LabApiError(
    'not_found',
    `Image ${image.id} (${image.path}) is not served: ${why}. Re-import the dataset if the change is intended.`,
  );
}

/** Opens the image file after those checks; the caller closes the handle. */
export async function openRecordedImage(root: string, image: ImageRecord): Promise<fs.FileHandle> {
  const path = recordedImagePath(root, image);
  let realRoot: string;
  let realFile: Buffer;
  try {
    realRoot = await fs.realpath(root);
    realFile = await fs.realpath(path, { encoding: 'buffer' });
  } catch (error) {
    throw new LabApiError(
      'not_found',
      `The image file can no longer be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); was the dataset folder moved?`,
    );
  }
  if (
    !realFile.subarray(0, realRoot.length + 1).equals(Buffer.from(realRoot.endsWith(sep) ? realRoot : realRoot + sep))
  )
    throw changed(image, 'the file now resolves to a path outside the dataset folder');
  let handle: fs.FileHandle;
  try {
    // The resolved path, not followed again: a link swapped in after the check is not opened.
    // O_NONBLOCK: a pipe put in its place must not hang the request.
    handle = await fs.open(realFile, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw changed(image, `it could not be opened (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw changed(image, 'it is no longer a regular file');
    if (info.size !== image.fileSize || Math.abs(info.mtimeMs - image.fileMtimeMs) >= 1)
      throw changed(image, 'the file changed since import (its size or modification time differs)');
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}
