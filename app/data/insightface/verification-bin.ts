import { PickledBytes, PickledTuple, readPickle, type BytesSink, type PickleValue } from './pickle-reader.js';

// insightface's verification sets (lfw.bin, cfp_fp.bin, agedb_30.bin, calfw.bin, cplfw.bin …): one
// pickle of (images, issame): `images` the encoded image files (JPEG as a rule), consecutive pairs
// (images[2k], images[2k+1]); `issame[k]` whether pair k shows one person. Evaluated with 10
// contiguous folds over the pairs (insightface's KFold(n_splits=10, shuffle=False)).

export interface VerificationBin {
  /** Sink index of each image, in list order. */
  images: number[];
  issame: boolean[];
  protocol: number;
}

export const verificationBinFolds = 10;

/** Reads `file`, sending each image's bytes to `sink` as it is read; checks the shape of what it holds. */
export async function readVerificationBin(file: string, sink: BytesSink): Promise<VerificationBin> {
  const { value, protocol } = await readPickle(file, sink);
  const bad = (problem: string): never => {
    throw new Error(
      `${file}: ${problem}; an insightface verification set is a pickle of (list of encoded images, list of is-same flags) with two images per flag.`,
    );
  };
  if (!(value instanceof PickledTuple) || value.items.length !== 2)
    bad(`the pickle holds ${describe(value)}, not a pair (images, issame)`);
  const [images, flags] = (value as PickledTuple).items;
  if (!Array.isArray(images)) return bad(`the first item is ${describe(images!)}, not a list of images`);
  if (!Array.isArray(flags)) return bad(`the second item is ${describe(flags!)}, not a list of is-same flags`);
  const imageIndexes = images.map((image, i) =>
    image instanceof PickledBytes ? image.index : bad(`image ${i} is ${describe(image)}, not encoded image bytes`),
  );
  const issame = flags.map((flag, i) =>
    flag === true || flag === 1
      ? true
      : flag === false || flag === 0
        ? false
        : bad(`is-same flag ${i} is ${describe(flag)}, not a bool`),
  );
  if (imageIndexes.length !== 2 * issame.length)
    bad(`it holds ${imageIndexes.length} images for ${issame.length} flags (${2 * issame.length} expected)`);
  if (issame.length < verificationBinFolds)
    bad(`it holds ${issame.length} pairs; the 10-fold protocol needs at least ${verificationBinFolds}`);
  return { images: imageIndexes, issame, protocol };
}

/** Fold (0 … 9) of pair k: contiguous blocks, sizes as sklearn KFold(10, shuffle=False). */
export function contiguousFold(pair: number, pairs: number, folds = verificationBinFolds): number {
  const base = Math.floor(pairs / folds);
  const larger = pairs % folds;
  const boundary = larger * (base + 1);
  return pair < boundary ? Math.floor(pair / (base + 1)) : larger + Math.floor((pair - boundary) / base);
}

function describe(value: PickleValue): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value instanceof PickledTuple) return `a tuple of ${value.items.length}`;
  if (value instanceof PickledBytes) return `${value.length} bytes`;
  return `a ${typeof value}`;
}
