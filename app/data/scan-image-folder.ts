import { isUtf8 } from 'node:buffer';
import { promises as fs, type Dirent } from 'node:fs';
import type { BadFileRecord } from '../store/bad-files-repo.js';
import { ImageFileError } from './image-error.js';
import { hasImageExtension } from './image-format.js';

// ImageFolder layout: root/<identity>/<image>, images possibly in sub-folders of the identity
// folder. Names are read as bytes, so files whose names are not UTF-8 still open; symbolic
// links are followed, with loops and cycles reported instead of walked forever.

export interface ImageCandidate {
  /** Identity name for display (lossy if the folder name is not UTF-8). */
  identity: string;
  /** Distinguishes identities whose display names collide. */
  identityKey: string;
  /** Relative to the root, '/'-separated, for display and matching CSV rows. */
  path: string;
  /** Exact relative path bytes when `path` cannot represent them; null for clean UTF-8 names. */
  pathBytes: Buffer | null;
  /** What to hand to fs calls. */
  absolute: string | Buffer;
}

export interface ScanResult {
  candidates: ImageCandidate[];
  bad: BadFileRecord[];
}

const slash = Buffer.from('/');
const maxDepth = 16;
/**
 * Files without an image extension named in the report; the rest are counted. A folder that is
 * not a dataset (a home or system folder) would otherwise have its whole listing reported.
 */
export const maxNamedNonImages = 20;

export function displayPath(bytes: Buffer): string {
  return bytes.toString('utf8');
}

export async function scanImageFolder(root: string, signal?: AbortSignal): Promise<ScanResult> {
  const rootBytes = Buffer.from(root);
  const candidates: ImageCandidate[] = [];
  const bad: BadFileRecord[] = [];
  const report = (rel: Buffer, error: ImageFileError) =>
    bad.push({ source: 'image', path: displayPath(rel), line: null, reason: error.reason, detail: error.detail });

  let nonImages = 0;

  const top = await readDirectory(rootBytes);
  const rootStat = await fs.stat(rootBytes);
  for (const entry of top) {
    signal?.throwIfAborted();
    const name = entry.name;
    if (name[0] === 0x2e) continue; // hidden
    const absolute = Buffer.concat([rootBytes, slash, name]);
    const kind = await entryKind(entry, absolute);
    if (kind instanceof ImageFileError) {
      report(name, kind);
      continue;
    }
    if (kind === 'file') {
      if (hasImageExtension(displayPath(name)))
        report(
          name,
          new ImageFileError(
            'no identity folder',
            'an image at the top level has no identity; put it in root/<identity>/.',
          ),
        );
      continue;
    }
    if (kind !== 'directory') continue;
    const identity = { name: displayPath(name), key: name.toString('hex') };
    await walkIdentity(absolute, name, [`${rootStat.dev}:${rootStat.ino}`], 1);

    async function walkIdentity(dir: Buffer, rel: Buffer, chain: string[], depth: number): Promise<void> {
      let stat;
      try {
        stat = await fs.stat(dir);
      } catch (error) {
        report(rel, asFileError(error));
        return;
      }
      const id = `${stat.dev}:${stat.ino}`;
      if (chain.includes(id)) {
        report(
          rel,
          new ImageFileError(
            'directory cycle',
            'a symbolic link leads back to a folder that contains it; not followed.',
          ),
        );
        return;
      }
      if (depth > maxDepth) {
        report(
          rel,
          new ImageFileError('directory cycle', `folders nested deeper than ${maxDepth} levels are not read.`),
        );
        return;
      }
      let entries: Dirent<Buffer>[];
      try {
        entries = await readDirectory(dir);
      } catch (error) {
        report(rel, asFileError(error));
        return;
      }
      for (const e of entries) {
        signal?.throwIfAborted();
        if (e.name[0] === 0x2e) continue;
        const childAbs = Buffer.concat([dir, slash, e.name]);
        const childRel = Buffer.concat([rel, slash, e.name]);
        const kind = await entryKind(e, childAbs);
        if (kind instanceof ImageFileError) {
          report(childRel, kind);
          continue;
        }
        if (kind === 'directory') {
          await walkIdentity(childAbs, childRel, [...chain, id], depth + 1);
          continue;
        }
        const shown = displayPath(childRel);
        if (!hasImageExtension(shown)) {
          if (kind === 'file' && ++nonImages <= maxNamedNonImages)
            report(
              childRel,
              new ImageFileError(
                'not an image type',
                `"${shown.slice(shown.lastIndexOf('/') + 1)}" does not have an image extension (jpg, png, webp, bmp, tiff, gif); skipped.`,
              ),
            );
          continue;
        }
        candidates.push({
          identity: identity.name,
          identityKey: identity.key,
          path: shown,
          pathBytes: isUtf8(childRel) ? null : childRel,
          absolute: childAbs,
        });
      }
    }
  }
  if (nonImages > maxNamedNonImages)
    bad.push({
      source: 'image',
      path: '…',
      line: null,
      reason: 'not an image type',
      detail: `…and ${nonImages - maxNamedNonImages} more files without an image extension (first ${maxNamedNonImages} listed, the others not named).`,
    });
  candidates.sort((a, b) =>
    a.identityKey < b.identityKey
      ? -1
      : a.identityKey > b.identityKey
        ? 1
        : Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)),
  );
  return { candidates, bad };
}

async function readDirectory(dir: Buffer): Promise<Dirent<Buffer>[]> {
  return (await fs.readdir(dir, { withFileTypes: true, encoding: 'buffer' })) as unknown as Dirent<Buffer>[];
}

/** file, directory, other (pipes etc. - the reader reports them), or why a symbolic link leads nowhere. */
async function entryKind(
  entry: Dirent<Buffer>,
  absolute: Buffer,
): Promise<'file' | 'directory' | 'other' | ImageFileError> {
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const target = await fs.stat(absolute);
    return target.isDirectory() ? 'directory' : target.isFile() ? 'file' : 'other';
  } catch (error) {
    const e = asFileError(error);
    return e.reason === 'missing'
      ? new ImageFileError('broken symlink', 'a symbolic link to a path that does not exist.')
      : e;
  }
}

function asFileError(error: unknown): ImageFileError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ELOOP')
    return new ImageFileError('symlink loop', 'the path is a chain of symbolic links that loops back on itself.');
  if (code === 'ENOENT') return new ImageFileError('missing', 'no file or folder at this path.');
  if (code === 'EACCES' || code === 'EPERM')
    return new ImageFileError('unreadable', 'permission denied; make it readable by this user.');
  return new ImageFileError('unreadable', `could not be read (${code ?? String(error)}).`);
}
