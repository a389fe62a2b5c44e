// Per-image hardness under a model: how far an image's embedding lies from its identity's centre.
// The model-based easy/hard split rule ranks images by this value (low = hard).
import { toMatrix, type EmbeddingRows, type IdentityLabels } from './embedding-rows.js';

export interface HardnessOptions {
  /**
   * Compare each image with the mean of the *other* images of its identity (default false: the
   * mean includes the image itself). Identities with one image then get NaN.
   */
  leaveOneOut?: boolean;
}

/** Cosine of each image's embedding to its identity's mean embedding (1 = typical, lower = harder). */
export function cosineToIdentityMean(
  embeddings: EmbeddingRows,
  labels: IdentityLabels,
  options: HardnessOptions = {},
): Float32Array {
  const { data, rows, dim } = toMatrix(embeddings, labels.length, 'images');
  const identityOf = new Int32Array(rows);
  const codes = new Map<number | string, number>();
  for (let r = 0; r < rows; r++) {
    const label = labels[r]!;
    let code = codes.get(label);
    if (code === undefined) {
      code = codes.size;
      codes.set(label, code);
    }
    identityOf[r] = code;
  }
  const sums = new Float64Array(codes.size * dim);
  for (let r = 0; r < rows; r++) {
    const at = identityOf[r]! * dim;
    for (let k = 0; k < dim; k++) sums[at + k]! += data[r * dim + k]!;
  }
  const cosine = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const at = identityOf[r]! * dim;
    let dot = 0;
    let rowNorm = 0;
    let centreNorm = 0;
    for (let k = 0; k < dim; k++) {
      const x = data[r * dim + k]!;
      const c = options.leaveOneOut ? sums[at + k]! - x : sums[at + k]!;
      dot += x * c;
      rowNorm += x * x;
      centreNorm += c * c;
    }
    cosine[r] = rowNorm === 0 || centreNorm === 0 ? NaN : dot / Math.sqrt(rowNorm * centreNorm);
  }
  return cosine;
}
