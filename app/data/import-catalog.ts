import type { BadFileRecord } from '../store/bad-files-repo.js';
import type { ImageFileError } from './image-error.js';
import type { ImageCandidate } from './scan-image-folder.js';

// What an import has learned about its images, in arrival order: which were kept (and their
// dense index), which identities they belong to, which were duplicates of a kept one, which were
// skipped and why. The attribute and pair stages resolve their paths through it.

export class ImageCatalog {
  /** Every problem with an image file, in the order met (scan problems first). */
  readonly bad: BadFileRecord[];
  readonly identityNames: string[] = [];
  readonly identityCounts: number[] = [];
  /** Identity index of each kept image, by image index. */
  readonly imageIdentity: number[] = [];
  duplicates = 0;
  private readonly identityIdx = new Map<string, number>();
  private readonly pathToIdx = new Map<string, number>();
  /** Images cut from the same file (detect-all keeps one per face), by the file's first image. */
  private readonly sameFile = new Map<number, number[]>();
  private readonly duplicateOf = new Map<string, number>();
  private readonly byHash = new Map<string, { idx: number; path: string }>();
  /** Paths skipped as unreadable, with the reason. */
  readonly skipped = new Map<string, string>();

  constructor(scanProblems: readonly BadFileRecord[]) {
    this.bad = [...scanProblems];
  }

  /** Images kept so far. */
  get count(): number {
    return this.imageIdentity.length;
  }

  /** An unreadable file: recorded with its reason, never imported. */
  skip(candidate: ImageCandidate, error: ImageFileError): void {
    this.bad.push({ source: 'image', path: candidate.path, line: null, reason: error.reason, detail: error.detail });
    this.skipped.set(candidate.path, error.reason);
  }

  /** Dedupe: true when the content was already kept (the copy is recorded and resolves to the first). */
  isDuplicate(candidate: ImageCandidate, sha1: string): boolean {
    const seen = this.byHash.get(sha1);
    if (!seen) return false;
    this.duplicates++;
    this.duplicateOf.set(candidate.path, seen.idx);
    this.bad.push({
      source: 'image',
      path: candidate.path,
      line: null,
      reason: 'duplicate',
      detail: `same content as ${seen.path} (SHA-1 ${sha1.slice(0, 12)}…); only the first copy is imported.`,
    });
    return true;
  }

  /** Keeps an image: returns its index and its identity's index. */
  keep(candidate: ImageCandidate, sha1: string): { idx: number; identity: number } {
    let identity = this.identityIdx.get(candidate.identityKey);
    if (identity === undefined) {
      identity = this.identityNames.length;
      this.identityIdx.set(candidate.identityKey, identity);
      this.identityNames.push(candidate.identity);
      this.identityCounts.push(0);
    }
    this.identityCounts[identity]! += 1;
    const idx = this.imageIdentity.length;
    this.imageIdentity.push(identity);
    const first = this.pathToIdx.get(candidate.path);
    if (first !== undefined && this.byHash.get(sha1)?.idx === first) {
      const faces = this.sameFile.get(first);
      if (faces) faces.push(idx);
      else this.sameFile.set(first, [first, idx]);
      return { idx, identity };
    }
    this.byHash.set(sha1, { idx, path: candidate.path });
    this.pathToIdx.set(candidate.path, idx);
    return { idx, identity };
  }

  /** The kept image a dataset-relative path names (a duplicate resolves to the copy kept). */
  resolvePath(path: string): number | undefined {
    return this.pathToIdx.get(path) ?? this.duplicateOf.get(path);
  }

  /** Every image made from the file of image `idx` (itself, plus its other faces with detect-all). */
  imagesOfFile(idx: number): readonly number[] {
    return this.sameFile.get(idx) ?? [idx];
  }

  identityRows(): Array<{ idx: number; name: string; imageCount: number }> {
    return this.identityNames.map((name, idx) => ({ idx, name, imageCount: this.identityCounts[idx]! }));
  }

  singleImageIdentities(): string[] {
    return this.identityNames.filter((_, i) => this.identityCounts[i] === 1);
  }
}
