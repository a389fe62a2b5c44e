import { cosineToIdentityMean } from '../hardness.js';
import { galleryAndProbes, identification } from '../identification.js';
import { mineFailures } from '../failures.js';
import { hardestImpostorMeans, type SidedPairType } from '../hardest-impostors.js';
import type { FailureReport, IdentificationReport, VerificationReport } from '../report-types.js';
import { computeVerificationReport } from '../verification-report.js';
import type { VerificationOptionsInput } from '../verification-options.js';
import type { HardnessSummary, NewFailure, NewImageHardness } from '../../store/evaluations-repo.js';
import type { PairColumns, PairType } from '../../store/pairs-repo.js';
import type { ImageEmbeddings } from './embed-images.js';
import type { ImageSides } from './image-sides.js';
import { pairScores } from './pair-scores.js';

// Everything an evaluation measures, from embeddings: verification on the pair list (overall, per
// pair type, gaps), identification (one easy gallery image per identity, hard probes), failures at
// an operating threshold, and each image's hardness. No I/O: evaluate-run.ts stores the result.

export interface EvaluationInput {
  /** Must hold every image of the pairs; identification and hardness use all its rows. */
  embedded: ImageEmbeddings;
  /** `folds` (-1 = none): when every pair has one, accuracy uses the list's own folds (LFW, insightface .bin). */
  pairs: Pick<PairColumns, 'image1Ids' | 'image2Ids' | 'same'> & Partial<Pick<PairColumns, 'folds'>>;
  /** Pair type of each pair (null = untyped pair), or null when the list has no types at all. */
  types: ReadonlyArray<PairType | null> | null;
  /** Easy (0) / hard (1) side of images, or null when unknown (then no identification). */
  sides: ImageSides | null;
  /** Failures at this threshold (accept when score >= threshold); default: the threshold of FAR `far` on all pairs. */
  threshold?: number;
  /** FAR choosing the default threshold (default 1e-2). */
  far?: number;
  /** Failures kept per kind and pair type (default 1000). */
  failureLimit?: number;
  verification?: VerificationOptionsInput;
}

export interface EvaluationResult {
  scores: Float64Array;
  report: VerificationReport;
  identification: IdentificationReport | null;
  /** Null when no threshold could be chosen (no impostor pairs and none given); `failureNote` says so. */
  failures: FailureReport | null;
  failureNote: string | null;
  failureRows: NewFailure[];
  /** Cosine of each embedded row to its identity's mean embedding. */
  hardness: Float32Array;
  hardnessRows: NewImageHardness[];
  hardnessSummary: HardnessSummary;
  accuracy: number | null;
  easyHardGap: number | null;
}

export const defaultFailureLimit = 1000;

export function evaluateEmbeddings(input: EvaluationInput): EvaluationResult {
  const { embedded, pairs, sides } = input;
  const scores = pairScores(embedded, pairs.image1Ids, pairs.image2Ids);
  const typed = input.types !== null && input.types.some((t) => t !== null);
  const typeNames = typed ? input.types!.map((t) => t ?? 'untyped') : null;
  const listFolds = input.verification?.foldAssignment === undefined ? ownFolds(pairs.folds) : undefined;
  const verification = listFolds ? { ...input.verification, foldAssignment: 'list' as const } : input.verification;
  const report = computeVerificationReport(scores, pairs.same, typeNames, verification, listFolds);
  if (sides) addHardestImpostors(report, embedded, sides);

  let failures: FailureReport | null = null;
  let failureNote: string | null = null;
  try {
    failures = mineFailures(scores, pairs.same, typeNames, {
      threshold: input.threshold,
      far: input.far,
      limit: input.failureLimit ?? defaultFailureLimit,
    });
  } catch (error) {
    failureNote = (error as Error).message; // e.g. no impostor pairs, so no threshold at a FAR
  }
  const failureRows: NewFailure[] = [];
  if (failures) {
    const { threshold } = failures;
    const row =
      (kind: NewFailure['kind']) =>
      (f: FailureReport['falseRejects'][number], k: number): NewFailure => ({
        kind,
        rank: k + 1,
        pairIdx: f.pair,
        image1Id: pairs.image1Ids[f.pair]!,
        image2Id: pairs.image2Ids[f.pair]!,
        score: f.score,
        severity: kind === 'false-reject' ? threshold - f.score : f.score - threshold,
        pairType: f.type === 'untyped' ? null : f.type,
      });
    failureRows.push(
      ...failures.falseRejects.map(row('false-reject')),
      ...failures.falseAccepts.map(row('false-accept')),
    );
  }

  const hardness = cosineToIdentityMean(embedded.embeddings, embedded.labels);
  const hardnessRows: NewImageHardness[] = Array.from(embedded.imageIds, (imageId, row) => ({
    imageId,
    hardness: hardness[row]!,
    side: sides?.get(imageId) ?? null,
  }));
  const reference = report.gaps.find((g) => g.reference === 'easy-easy' && g.type === 'easy-hard');
  return {
    scores,
    report,
    identification: sides ? identifyHardProbes(embedded, sides) : null,
    failures,
    failureNote,
    failureRows,
    hardness,
    hardnessRows,
    hardnessSummary: summariseHardness(hardnessRows),
    accuracy: report.overall.accuracy?.mean ?? null,
    easyHardGap: reference?.accuracy ?? null,
  };
}

/** Each pair type's E[S⁻] over hardest impostors (all images with a side), and its margin to the type's E[S⁺]. */
function addHardestImpostors(report: VerificationReport, embedded: ImageEmbeddings, sides: ImageSides): void {
  const hardest = hardestImpostorMeans({
    embeddings: embedded.embeddings,
    dim: embedded.dim,
    labels: embedded.labels,
    sides: Uint8Array.from(embedded.imageIds, (id) => sides.get(id) ?? 2),
  });
  for (const set of report.byType) {
    const stats = hardest.get(set.type as SidedPairType);
    if (!stats) continue;
    const positive = set.distributions.genuine?.mean;
    set.hardestImpostor = {
      ...stats,
      margin: positive !== undefined && stats.mean !== null ? positive - stats.mean : null,
    };
  }
}

/** The list's folds when every pair has one and there are at least two; else undefined (the default protocol). */
function ownFolds(folds: Int16Array | undefined): Int16Array | undefined {
  if (!folds || folds.length === 0) return undefined;
  let max = -1;
  for (let i = 0; i < folds.length; i++) {
    if (folds[i]! < 0) return undefined;
    if (folds[i]! > max) max = folds[i]!;
  }
  return max >= 1 ? folds : undefined;
}

/** Gallery: the first easy image of each identity; probes: every hard image. Null when either is empty. */
function identifyHardProbes(embedded: ImageEmbeddings, sides: ImageSides): IdentificationReport | null {
  const { dim } = embedded;
  const rows: number[] = [];
  embedded.imageIds.forEach((id, row) => {
    if (sides.has(id)) rows.push(row);
  });
  const data = new Float32Array(rows.length * dim);
  rows.forEach((row, k) => data.set(embedded.embeddings.subarray(row * dim, (row + 1) * dim), k * dim));
  const labels = Int32Array.from(rows, (row) => embedded.labels[row]!);
  const hard = Uint8Array.from(rows, (row) => sides.get(embedded.imageIds[row]!)!);
  const split = galleryAndProbes(data, labels, hard);
  if (split.galleryRows.length === 0 || split.probeRows.length === 0) return null;
  return identification({ gallery: split.gallery, probes: split.probes });
}

function summariseHardness(rows: readonly NewImageHardness[]): HardnessSummary {
  const stats = (keep: (r: NewImageHardness) => boolean) => {
    let images = 0;
    let sum = 0;
    let defined = 0;
    for (const r of rows) {
      if (!keep(r)) continue;
      images++;
      if (Number.isFinite(r.hardness)) {
        sum += r.hardness;
        defined++;
      }
    }
    return { images, mean: defined > 0 ? sum / defined : null };
  };
  const all = stats(() => true);
  const hasSides = rows.some((r) => r.side !== null);
  return {
    images: all.images,
    mean: all.mean,
    easy: hasSides ? stats((r) => r.side === 0) : null,
    hard: hasSides ? stats((r) => r.side === 1) : null,
  };
}
