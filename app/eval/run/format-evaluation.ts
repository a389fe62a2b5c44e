import type { LabDatabase } from '../../store/db.js';
import type { EvaluationRecord } from '../../store/evaluations-repo.js';
import { getImage } from '../../store/images-repo.js';
import { loadPairs } from '../../store/pairs-repo.js';
import { formatVerificationReport } from '../format-report.js';
import type { FailureReport, IdentificationReport } from '../report-types.js';

// Plain text of a stored evaluation for the terminal: what was evaluated, then app/eval's metric
// table overall and per pair type, the gaps, identification, hardness and failures (with paths).

const fixed = (x: number | null | undefined, digits = 4) => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));

function identificationLine(report: IdentificationReport | null, source: EvaluationRecord['sidesSource']): string {
  if (!report)
    return `Identification: n/a (${source === 'none' ? 'no easy/hard sides: the list is untyped and no split covers its dataset' : 'no easy gallery or no hard probe'}).`;
  return `Identification (gallery: one easy image of each of ${report.galleryIdentities} identities; probes: ${report.evaluatedProbes} hard images): rank-1 ${fixed(report.rank1)}, rank-5 ${fixed(report.rank5)}.`;
}

export function formatEvaluation(
  db: LabDatabase,
  evaluation: EvaluationRecord,
  failures: FailureReport | null,
  options: { failuresShown?: number } = {},
): string {
  const e = evaluation;
  const pairs = loadPairs(db, e.pairListId);
  const path = (id: number) => getImage(db, id)?.path ?? `image ${id}`;
  const sides =
    e.sidesSource === 'split' ? `split ${e.splitId}` : e.sidesSource === 'pair-types' ? 'the pair types' : 'none';
  const types =
    e.typesSource === 'list' ? 'from the list' : e.typesSource === 'split' ? `from split ${e.splitId}` : 'none';
  const head = [
    `Evaluation ${e.id}: run ${e.runId} at step ${e.checkpointStep}${e.flipTest ? ' with flip-test' : ''} on pair list ${e.pairListId} (dataset ${e.datasetId}), ${e.seconds === null ? '' : `${e.seconds.toFixed(1)} s, `}${e.backend ?? 'backend n/a'}.`,
    `Pair types: ${types}; easy/hard images: ${sides}.`,
    identificationLine(e.identification, e.sidesSource),
  ];
  const h = e.hardness;
  if (h) {
    const side = (name: string, s: { images: number; mean: number | null } | null) =>
      s ? `, ${name} ${fixed(s.mean)} (${s.images})` : '';
    head.push(
      `Hardness (cosine to the identity's mean embedding, low = hard): mean ${fixed(h.mean)} over ${h.images} images${side('easy', h.easy)}${side('hard', h.hard)}.`,
    );
  }
  const body = formatVerificationReport(e.report, failures, {
    failuresShown: options.failuresShown,
    describePair: (pair) => `pair ${pair} (${path(pairs.image1Ids[pair]!)} ~ ${path(pairs.image2Ids[pair]!)})`,
  });
  return `${head.join('\n')}\n\n${body}`;
}
