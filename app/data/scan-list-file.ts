import { isAbsolute, join, relative } from 'node:path';
import type { IssueLog } from './issue-log.js';
import type { ImageCandidate } from './scan-image-folder.js';
import { normaliseRelativePath, readLines } from './text-lines.js';

// List file: one image per line, `path label`, the path relative to the dataset root (it may
// contain spaces: the label is the last word). Blank lines and lines starting with # are skipped.

/** Sorts numeric labels numerically (before text labels), text labels as text. */
export function labelSortKey(label: string): string {
  return /^\d{1,19}$/.test(label) ? `0${label.padStart(19, '0')}` : `1${label}`;
}

export async function scanListFile(root: string, listFile: string, issues: IssueLog): Promise<ImageCandidate[]> {
  const seen = new Set<string>();
  const out: ImageCandidate[] = [];
  for await (const { line, text } of readLines(listFile)) {
    const trimmed = text.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const match = /^(.*\S)\s+(\S+)$/.exec(trimmed);
    if (!match) {
      issues.add(line, 'bad line', `line ${line}: expected "path label"; found "${trimmed.slice(0, 80)}".`);
      continue;
    }
    let path = match[1]!;
    const label = match[2]!;
    if (isAbsolute(path)) {
      const inside = relative(root, path);
      if (inside.startsWith('..')) {
        issues.add(line, 'outside root', `line ${line}: ${path} is not inside the dataset root ${root}; skipped.`);
        continue;
      }
      path = inside;
    }
    path = normaliseRelativePath(path);
    if (seen.has(path)) {
      issues.add(line, 'duplicate entry', `line ${line}: ${path} is listed again; the first entry counts.`);
      continue;
    }
    seen.add(path);
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
