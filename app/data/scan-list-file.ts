import { isAbsolute, join, relative } from 'node:path';
import type { IssueLog } from './issue-log.js';
import type { ImageCandidate } from './scan-image-folder.js';
import { normaliseRelativePath, readLines } from './text-lines.js';

// List file: one image per line, `path label`, the path relative to the dataset root (it may
// contain spaces: the label is the last word). Blank lines and lines starting with # are skipped.
// Problems are reported by line number, never with the line's text; paths may not leave the root.

/** Sorts numeric labels numerically (before text labels), text labels as text. */
export function labelSortKey(label: string): string {
  return /^\d{1,19}$/.test(label) ? `0${label.padStart(19, '0')}` : `1${label}`;
}

export async function scanListFile(root: string, listFile: string, issues: IssueLog): Promise<ImageCandidate[]> {
  const seen = new Map<string, number>();
  const out: ImageCandidate[] = [];
  for await (const { line, text } of readLines(listFile)) {
    const trimmed = text.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const match = /^(.*\S)\s+(\S+)$/.exec(trimmed);
    if (!match) {
      issues.add(line, 'bad line', `line ${line}: expected "path label" (a path, a space, a label).`);
      continue;
    }
    let path = match[1]!;
    const label = match[2]!;
    if (isAbsolute(path)) {
      const inside = relative(root, path);
      if (inside.startsWith('..')) {
        issues.add(line, 'outside root', `line ${line}: the path is not inside the dataset root ${root}; skipped.`);
        continue;
      }
      path = inside;
    }
    path = normaliseRelativePath(path);
    if (path.split('/').includes('..')) {
      issues.add(line, 'outside root', `line ${line}: the path leaves the dataset root ${root} (..); skipped.`);
      continue;
    }
    const first = seen.get(path);
    if (first !== undefined) {
      issues.add(line, 'duplicate entry', `line ${line}: the same path as line ${first}; the first entry counts.`);
      continue;
    }
    seen.set(path, line);
    out.push({ identity: label, identityKey: labelSortKey(label), path, pathBytes: null, absolute: join(root, path) });
  }
  out.sort((a, b) =>
    a.identityKey < b.identityKey
      ? -1
      : a.identityKey > b.identityKey
        ? 1
        : a.path < b.path
          ? -1
          : a.path > b.path
            ? 1
            : 0,
  );
  return out;
}
