// Embeddings given either as one flat Float32Array (rows back to back) or as one array per row.
export type EmbeddingRows = Float32Array | readonly Float32Array[];
export type IdentityLabels = ArrayLike<number> | ArrayLike<string>;

export interface EmbeddingMatrix {
  data: Float32Array;
  rows: number;
  dim: number;
}

/** Flattens `embeddings` to rows × dim, checking there is exactly one row per label. */
export function toMatrix(embeddings: EmbeddingRows, rows: number, what: string): EmbeddingMatrix {
  if (embeddings instanceof Float32Array) {
    if (rows === 0) {
      if (embeddings.length > 0)
        throw new Error(
          `${what}.embeddings has ${embeddings.length} numbers but ${what}.labels is empty; give one label per row.`,
        );
      return { data: embeddings, rows: 0, dim: 0 };
    }
    const dim = embeddings.length / rows;
    if (!Number.isInteger(dim) || dim === 0) {
      throw new Error(
        `${what}.embeddings has ${embeddings.length} numbers for ${rows} labels; it must hold one row per label (rows × dim).`,
      );
    }
    return { data: embeddings, rows, dim };
  }
  if (embeddings.length !== rows)
    throw new Error(
      `${what}.embeddings has ${embeddings.length} rows but ${what}.labels has ${rows}; give one label per row.`,
    );
  const dim = embeddings[0]?.length ?? 0;
  const data = new Float32Array(rows * dim);
  embeddings.forEach((row, r) => {
    if (row.length !== dim)
      throw new Error(
        `${what}.embeddings[${r}] has ${row.length} numbers, row 0 has ${dim}; all rows need the same size.`,
      );
    data.set(row, r * dim);
  });
  return { data, rows, dim };
}

/** Dot product of row a of `x` with row b of `y` (cosine for L2-normalised rows). */
export function rowDot(x: EmbeddingMatrix, a: number, y: EmbeddingMatrix, b: number): number {
  const { dim } = x;
  const xs = x.data;
  const ys = y.data;
  let sum = 0;
  const offA = a * dim;
  const offB = b * dim;
  for (let k = 0; k < dim; k++) sum += xs[offA + k]! * ys[offB + k]!;
  return sum;
}
