import { closeSync, constants, fstatSync, openSync, promises as fs, readFileSync, statSync, type Stats } from 'node:fs';
import { ImageFileError } from './image-error.js';

export interface ImageFileBytes {
  bytes: Buffer;
  fileSize: number;
  fileMtimeMs: number;
}

export const defaultMaxFileBytes = 256 * 1024 * 1024;

// Reads one image file whole, turning every way a path can fail into a named reason.
// The path is bytes (Buffer) so names that are not UTF-8 still open.
export async function readImageFile(
  path: string | Buffer,
  maxFileBytes = defaultMaxFileBytes,
): Promise<ImageFileBytes> {
  checkBeforeOpen(await statFollowing(path), maxFileBytes);
  let handle: fs.FileHandle;
  try {
    // O_NONBLOCK: if the file was swapped for a pipe since the stat, opening it must not hang the import.
    handle = await fs.open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fileSystemError(error);
  }
  try {
    const opened = await handle.stat();
    checkOpened(opened);
    return checkRead(await handle.readFile(), opened);
  } catch (error) {
    throw error instanceof ImageFileError ? error : fileSystemError(error);
  } finally {
    await handle.close();
  }
}

/** readImageFile on the calling thread: for the import's decode threads, where blocking is the point (~0.3 ms less CPU per file). */
export function readImageFileSync(path: string | Buffer, maxFileBytes = defaultMaxFileBytes): ImageFileBytes {
  let info: Stats;
  try {
    info = statSync(path);
  } catch (error) {
    throw fileSystemError(error);
  }
  checkBeforeOpen(info, maxFileBytes);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fileSystemError(error);
  }
  try {
    const opened = fstatSync(fd);
    checkOpened(opened);
    return checkRead(readFileSync(fd), opened);
  } catch (error) {
    throw error instanceof ImageFileError ? error : fileSystemError(error);
  } finally {
    closeSync(fd);
  }
}

function checkBeforeOpen(info: Stats, maxFileBytes: number): void {
  if (!info.isFile()) {
    const what = info.isDirectory()
      ? 'a directory'
      : info.isFIFO()
        ? 'a named pipe'
        : info.isSocket()
          ? 'a socket'
          : 'a device';
    throw new ImageFileError('not a regular file', `it is ${what}, not a file; only regular files are read.`);
  }
  if (info.size === 0) throw new ImageFileError('empty', 'the file is empty (0 bytes).');
  if (info.size > maxFileBytes) {
    throw new ImageFileError(
      'too large',
      `${(info.size / 2 ** 20).toFixed(0)} MiB is over the ${(maxFileBytes / 2 ** 20).toFixed(0)} MiB per-file limit.`,
    );
  }
}

function checkOpened(opened: Stats): void {
  if (!opened.isFile())
    throw new ImageFileError('not a regular file', 'it stopped being a regular file while being read.');
}

function checkRead(bytes: Buffer, opened: Stats): ImageFileBytes {
  if (bytes.length === 0) throw new ImageFileError('empty', 'the file is empty (0 bytes).');
  return { bytes, fileSize: opened.size, fileMtimeMs: opened.mtimeMs };
}

/** size + mtime of a file (following symlinks), or the reason it cannot be reached. */
export async function statFollowing(path: string | Buffer): Promise<Stats> {
  try {
    return await fs.stat(path);
  } catch (error) {
    throw fileSystemError(error);
  }
}

function fileSystemError(error: unknown): ImageFileError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  switch (code) {
    case 'ELOOP':
      return new ImageFileError('symlink loop', 'the path is a chain of symbolic links that loops back on itself.');
    case 'ENOENT':
      return new ImageFileError('missing', 'no file at this path (deleted, or a symbolic link to nothing).');
    case 'EACCES':
    case 'EPERM':
      return new ImageFileError('unreadable', 'permission denied; make the file readable by this user.');
    case 'EISDIR':
      return new ImageFileError('not a regular file', 'it is a directory, not a file.');
    case 'ENAMETOOLONG':
      return new ImageFileError('unreadable', 'the path is too long for the file system.');
    default:
      return new ImageFileError('unreadable', `the file could not be read (${code ?? message}).`);
  }
}
