// Why one file could not be imported. `reason` is a short category shown in counts
// ("truncated", "not an image"); `detail` says exactly what and what to do.
export type ImageProblem =
  | 'empty'
  | 'truncated'
  | 'not an image'
  | 'unsupported format'
  | 'corrupt'
  | 'too many pixels'
  | 'too large'
  | 'unreadable'
  | 'missing'
  | 'not a regular file'
  | 'symlink loop'
  | 'broken symlink'
  | 'directory cycle'
  | 'duplicate'
  | 'not an image type'
  | 'no identity folder'
  // --faces detect / detect-all (import-faces.ts)
  | 'no face'
  | 'face too small';

export class ImageFileError extends Error {
  constructor(
    readonly reason: ImageProblem,
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'ImageFileError';
  }
}
