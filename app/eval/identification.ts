// Closed-set identification: each probe is ranked against the gallery identities by cosine
// similarity (rows are L2-normalised, so a dot product); rank-1, rank-5 and the CMC curve.
import { rowDot, toMatrix, type EmbeddingRows, type IdentityLabels } from './embedding-rows.js';
import type { IdentificationReport } from './report-types.js';

export interface EmbeddingSet {
  /** L2-normalised rows: one flat Float32Array (rows × dim) or one Float32Array per row. */
  embeddings: EmbeddingRows;
  /** Identity of each row. */
  labels: IdentityLabels;
}

export interface IdentificationInput {
  gallery: EmbeddingSet;
  probes: EmbeddingSet;
}

export interface IdentificationOptions {
  /** Length of the CMC curve (default 10). */
  maxRank?: number;
}

/**
 * Rank of each probe's true identity among the gallery identities (an identity with several
 * gallery rows counts once, by its best row); 0 when the identity has no gallery row. Ties count
 * against the probe: rank = 1 + other identities whose best score is ≥ the true identity's.
 */
export function probeRanks({ gallery, probes }: IdentificationInput): Int32Array {
  const g = toMatrix(gallery.embeddings, gallery.labels.length, 'gallery');
  const p = toMatrix(probes.embeddings, probes.labels.length, 'probes');
  if (g.rows > 0 && p.rows > 0 && g.dim !== p.dim) {
    throw new Error(
      `gallery rows have ${g.dim} numbers but probe rows have ${p.dim}; both must come from the same model.`,
    );
  }
  const identityCode = new Map<number | string, number>();
  const galleryIdentity = new Int32Array(g.rows);
  for (let r = 0; r < g.rows; r++) {
    const label = gallery.labels[r]!;
    let code = identityCode.get(label);
    if (code === undefined) {
      code = identityCode.size;
      identityCode.set(label, code);
    }
    galleryIdentity[r] = code;
  }
  const best = new Float64Array(identityCode.size);
  const ranks = new Int32Array(p.rows);
  for (let q = 0; q < p.rows; q++) {
    const truth = identityCode.get(probes.labels[q]!);
    if (truth === undefined) continue;
    best.fill(-Infinity);
    for (let r = 0; r < g.rows; r++) {
      const score = rowDot(p, q, g, r);
      const id = galleryIdentity[r]!;
      if (score > best[id]!) best[id] = score;
    }
    const trueScore = best[truth]!;
    let rank = 1;
    for (let id = 0; id < best.length; id++) if (id !== truth && best[id]! >= trueScore) rank++;
    ranks[q] = rank;
  }
  return ranks;
}

/** Rank-1, rank-5 and CMC up to maxRank for gallery and probe embeddings. */
export function identification(input: IdentificationInput, options: IdentificationOptions = {}): IdentificationReport {
  const maxRank = options.maxRank ?? 10;
  if (!Number.isInteger(maxRank) || maxRank < 1) throw new Error(`maxRank is ${maxRank}; use a whole number ≥ 1.`);
  const ranks = probeRanks(input);
  const hits = new Float64Array(maxRank);
  let evaluated = 0;
  for (const rank of ranks) {
    if (rank === 0) continue;
    evaluated++;
    if (rank <= maxRank) hits[rank - 1]!++;
  }
  const cmc: number[] = [];
  let cumulative = 0;
  for (let k = 0; k < maxRank; k++) {
    cumulative += hits[k]!;
    cmc.push(evaluated === 0 ? 0 : cumulative / evaluated);
  }
  const rankAt = (k: number) => (evaluated === 0 ? null : k <= maxRank ? cmc[k - 1]! : rateAtRank(ranks, k, evaluated));
  return {
    probes: ranks.length,
    evaluatedProbes: evaluated,
    probesWithoutGalleryIdentity: ranks.length - evaluated,
    galleryImages: input.gallery.labels.length,
    galleryIdentities: new Set(Array.from(input.gallery.labels as ArrayLike<number | string>)).size,
    rank1: rankAt(1),
    rank5: rankAt(5),
    cmc,
    tieRule: 'ties-count-against',
  };
}

function rateAtRank(ranks: Int32Array, k: number, evaluated: number): number {
  let hits = 0;
  for (const rank of ranks) if (rank > 0 && rank <= k) hits++;
  return hits / evaluated;
}

export interface GalleryProbeSplit {
  gallery: EmbeddingSet;
  probes: EmbeddingSet;
  /** Row of each gallery / probe entry in the input. */
  galleryRows: number[];
  probeRows: number[];
}

/** The usual hard-sample protocol: the first easy image of each identity is its gallery image, every hard image a probe. */
export function galleryAndProbes(
  embeddings: EmbeddingRows,
  labels: IdentityLabels,
  hard: ArrayLike<boolean | number>,
): GalleryProbeSplit {
  const rows = labels.length;
  if (hard.length !== rows)
    throw new Error(`hard has ${hard.length} entries but labels has ${rows}; give one easy/hard flag per image.`);
  const matrix = toMatrix(embeddings, rows, 'images');
  const galleryRows: number[] = [];
  const probeRows: number[] = [];
  const seen = new Set<number | string>();
  for (let r = 0; r < rows; r++) {
    const label = labels[r]!;
    if (hard[r]) probeRows.push(r);
    else if (!seen.has(label)) {
      seen.add(label);
      galleryRows.push(r);
    }
  }
  const pick = (chosen: number[]): EmbeddingSet => {
    const data = new Float32Array(chosen.length * matrix.dim);
    chosen.forEach((r, k) => data.set(matrix.data.subarray(r * matrix.dim, (r + 1) * matrix.dim), k * matrix.dim));
    return { embeddings: data, labels: chosen.map((r) => labels[r]!) as number[] | string[] };
  };
  return { gallery: pick(galleryRows), probes: pick(probeRows), galleryRows, probeRows };
}
