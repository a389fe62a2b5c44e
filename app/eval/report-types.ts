// The JSON shapes of verification, identification and failure reports. Types only (no imports),
// so app/api can re-export them to the UI. Stored as JSON in SQLite, sent to the UI, printed by
// the CLI: numbers are plain finite numbers, `null` marks "not available" and a reason says why.

/** Everywhere in these reports a pair is accepted (called genuine) when score >= threshold. */
export type AcceptRule = 'score >= threshold';

/**
 * How pairs are dealt into the k folds of the accuracy protocol.
 * - `stratified-shuffle`: within each (pair type, label) group the pairs are shuffled with the seed
 *   and dealt round-robin, so every fold holds the same mix of types and labels (sizes differ by ≤ 1).
 * - `contiguous`: pairs in input order, fold sizes as sklearn KFold(shuffle=False) (the first n % k
 *   folds one larger). Reproduces LFW / insightface when the input is in pairs.txt order.
 * - `list`: the pair list's own folds (LFW pairs.txt's ten sets, an insightface .bin's ten contiguous
 *   blocks); an evaluation uses them whenever its pair list gives every pair a fold.
 */
export type FoldAssignment = 'stratified-shuffle' | 'contiguous' | 'list';

/** Options of computeVerificationReport, all resolved to their values (defaults filled in). */
export interface VerificationOptions {
  /** Histogram bins over `range` (default 40). */
  bins: number;
  /** Histogram range [min, max] (default [-1, 1]); scores outside are counted in below/above. */
  range: [number, number];
  /** Folds of the accuracy protocol (default 10). */
  folds: number;
  foldAssignment: FoldAssignment;
  /** Seed of the stratified shuffle (default 0); unused for contiguous folds. */
  seed: number;
  /** FARs at which TAR is reported (default 1e-1 … 1e-6). */
  farTargets: number[];
  /** Most ROC points kept in the report (exact vertices, thinned; default 200). */
  rocPoints: number;
  /** Pair type the gaps are measured from; null = `easy-easy` if present, else the first type. */
  gapReference: string | null;
}

/** TAR at one FAR. Not interpolated: the threshold is the lowest score whose FAR is ≤ `far`. */
export interface TarAtFar {
  /** Target false accept rate. */
  far: number;
  /** True accept rate at `threshold`, or null when there are too few impostor pairs. */
  tar: number | null;
  /**
   * Accept when score >= threshold: the lowest accepted score, or the next double above the highest
   * score when no score can be accepted within the FAR. Null when not available.
   */
  threshold: number | null;
  /** The FAR actually reached at `threshold` (≤ far; ties can keep it below). */
  achievedFar: number | null;
  /** Impostor pairs needed for this FAR to be measured: 10 / far. */
  requiredImpostors: number;
  /** Why `tar` is null, e.g. "n/a: needs ≥ 100000 impostor pairs, have 4000"; null when available. */
  reason: string | null;
}

/** Equal error rate, linearly interpolated between the two ROC vertices where FAR crosses FRR. */
export interface EqualErrorRate {
  rate: number;
  /** Threshold interpolated the same way (an estimate between two real scores). */
  threshold: number;
}

export interface FoldResult {
  fold: number;
  /** Pairs in this (test) fold. */
  pairs: number;
  /**
   * Chosen on the other folds (best accuracy there; the highest such interval on ties): the midpoint
   * between its lowest accepted and highest rejected score (the lowest score when all are accepted,
   * the next double above the highest when all are rejected).
   */
  threshold: number;
  /** Accuracy on this fold at `threshold`. */
  accuracy: number;
  /** Best accuracy on the other folds (where the threshold was chosen). */
  trainingAccuracy: number;
}

/** k-fold accuracy, threshold chosen on the other k-1 folds (LFW protocol). */
export interface KFoldAccuracy {
  folds: number;
  assignment: FoldAssignment;
  /** Seed of the shuffle; null for contiguous and list folds. */
  seed: number | null;
  /** Mean of the fold accuracies. */
  mean: number;
  /** Sample standard deviation of the fold accuracies (n - 1). */
  sd: number;
  /** sd / sqrt(folds), as LFW asks to report. */
  standardError: number;
  perFold: FoldResult[];
}

export interface RocPoint {
  /** Lowest accepted score at this vertex; null for the first point (nothing accepted). */
  threshold: number | null;
  far: number;
  tar: number;
}

export interface RocSummary {
  /** Vertices of the exact ROC (one per distinct score, plus the origin). */
  vertices: number;
  /** Exact vertices, thinned to at most options.rocPoints (all of them when fewer), FAR ascending. */
  points: RocPoint[];
}

export interface ScoreStats {
  count: number;
  /** E[S]: mean score. */
  mean: number;
  /** Population standard deviation (n). */
  sd: number;
  min: number;
  max: number;
  median: number;
}

export interface HistogramCounts {
  /** counts[r] = scores in [edge r, edge r+1), edge r = min + r·(max - min)/bins; the last bin is closed at max. */
  counts: number[];
  /** Scores below min / above max (not in any bin). */
  below: number;
  above: number;
}

export interface ScoreHistograms {
  min: number;
  max: number;
  bins: number;
  genuine: HistogramCounts;
  impostor: HistogramCounts;
}

export interface ScoreDistributions {
  /** Genuine scores: mean is E[S⁺]. Null when there are none. */
  genuine: ScoreStats | null;
  /** Impostor scores: mean is E[S⁻]. Null when there are none. */
  impostor: ScoreStats | null;
  /** E[S⁺] - E[S⁻] (the paper's Fig. 1 measure). */
  margin: number | null;
  /** Decidability |μ⁺ - μ⁻| / sqrt((σ⁺² + σ⁻²) / 2), population σ. */
  dPrime: number | null;
  /**
   * Σ min(p, q) over the two histograms normalised to sum 1 (below/above count as two more bins):
   * 0 = fully separated, 1 = identical. Depends on the bin count.
   */
  overlap: number | null;
  histogram: ScoreHistograms;
}

/**
 * E[S⁻] over the hardest impostor of each probe (its most similar image of another identity on
 * the pair type's other side), from embeddings: the negatives DDL trains on.
 */
export interface HardestImpostorStats {
  /** Probes measured (evenly thinned when probes × candidates exceeds the budget). */
  probes: number;
  /** Images on the probe side. */
  probeCandidates: number;
  /** Mean over probes of the hardest impostor's cosine; null with no probe. */
  mean: number | null;
}

/** A metric of PairSetMetrics that can be null, used as a key of `unavailable`. */
export type NullableMetric = 'auc' | 'eer' | 'accuracy' | 'roc' | 'margin' | 'dPrime' | 'overlap';

/** Every metric for one set of pairs: all pairs (type null) or the pairs of one type. */
export interface PairSetMetrics {
  /** Pair type (e.g. `easy-hard`); null for all pairs together. */
  type: string | null;
  pairs: number;
  genuine: number;
  impostor: number;
  /** Area under the ROC, ties counted one half (= Mann-Whitney U / (genuine · impostor)). */
  auc: number | null;
  eer: EqualErrorRate | null;
  tarAtFar: TarAtFar[];
  accuracy: KFoldAccuracy | null;
  roc: RocSummary | null;
  distributions: ScoreDistributions;
  /**
   * Per pair type of an evaluation with easy/hard sides: E[S⁻] over each probe's hardest impostor and
   * the margin E[S⁺] − that (E[S⁺] of this pair set). Absent from reports made before it existed.
   */
  hardestImpostor?: HardestImpostorStats & { margin: number | null };
  /** Why each null metric above is null (metric name -> "n/a: ..."). */
  unavailable: Partial<Record<NullableMetric, string>>;
}

/** How much worse `type` is than `reference`: positive = worse, 0 = no gap. Null where either side is n/a. */
export interface PairTypeGap {
  reference: string;
  type: string;
  /** reference - type, mean 10-fold accuracy. */
  accuracy: number | null;
  /** reference - type. */
  auc: number | null;
  /** type - reference (lower EER is better). */
  eer: number | null;
  /** reference - type, E[S⁺] - E[S⁻]. */
  margin: number | null;
  /** reference - type. */
  dPrime: number | null;
  /** type - reference (lower overlap is better). */
  overlap: number | null;
  /** reference - type, TAR at each FAR target. */
  tarAtFar: { far: number; gap: number | null }[];
}

export interface VerificationReport {
  schemaVersion: 1;
  acceptRule: AcceptRule;
  options: VerificationOptions;
  overall: PairSetMetrics;
  /** One entry per pair type: easy-easy, easy-hard, hard-hard first, then the others by name. */
  byType: PairSetMetrics[];
  /** From the reference type to every other type; empty with fewer than two types. */
  gaps: PairTypeGap[];
}

export interface IdentificationReport {
  /** All probes given. */
  probes: number;
  /** Probes whose identity has a gallery image (the others cannot be identified; closed set). */
  evaluatedProbes: number;
  probesWithoutGalleryIdentity: number;
  galleryImages: number;
  galleryIdentities: number;
  /** Fraction of evaluated probes whose identity ranks first; null when none can be evaluated. */
  rank1: number | null;
  rank5: number | null;
  /** cmc[k - 1] = fraction of evaluated probes ranked ≤ k, k = 1 … maxRank. */
  cmc: number[];
  /** Ties are counted against the probe: rank = 1 + other identities scoring ≥ the true one. */
  tieRule: 'ties-count-against';
}

export interface FailurePair {
  /** Index of the pair in the input arrays. */
  pair: number;
  score: number;
  type: string | null;
}

export interface FailureCounts {
  type: string | null;
  genuine: number;
  impostor: number;
  falseRejects: number;
  falseAccepts: number;
}

export type FailureThresholdSource = { kind: 'given' } | { kind: 'far'; targetFar: number; achievedFar: number };

export interface FailureReport {
  acceptRule: AcceptRule;
  threshold: number;
  thresholdSource: FailureThresholdSource;
  /** Genuine pairs with score < threshold, lowest first: up to `limit` of each pair type. */
  falseRejects: FailurePair[];
  /** Impostor pairs with score >= threshold, highest first: up to `limit` of each pair type. */
  falseAccepts: FailurePair[];
  /** Totals (not limited): all pairs first, then each type. */
  counts: FailureCounts[];
}
