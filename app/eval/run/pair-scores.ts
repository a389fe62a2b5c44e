import type { ImageEmbeddings } from './embed-images.js';

// Verification scores: the cosine of each pair (rows are unit length, so a dot product).

export function pairScores(
  embedded: Pick<ImageEmbeddings, 'embeddings' | 'dim' | 'rowOf'>,
  image1Ids: ArrayLike<number>,
  image2Ids: ArrayLike<number>,
): Float64Array {
  if (image1Ids.length !== image2Ids.length)
    throw new Error(
      `image1Ids has ${image1Ids.length} entries but image2Ids has ${image2Ids.length}; give one of each per pair.`,
    );
  const { embeddings, dim, rowOf } = embedded;
  const scores = new Float64Array(image1Ids.length);
  for (let i = 0; i < image1Ids.length; i++) {
    const a = rowOf.get(image1Ids[i]!);
    const b = rowOf.get(image2Ids[i]!);
    if (a === undefined || b === undefined) {
      throw new Error(
        `pair ${i} names image ${a === undefined ? image1Ids[i] : image2Ids[i]}, which was not embedded; embed the pair list's dataset (or its pair images) first.`,
      );
    }
    let dot = 0;
    const offA = a * dim;
    const offB = b * dim;
    for (let k = 0; k < dim; k++) dot += embeddings[offA + k]! * embeddings[offB + k]!;
    scores[i] = dot;
  }
  return scores;
}
