import { computeVerificationReport, galleryAndProbes, identification } from '../../eval/index.js';
import type { IdentificationReport, VerificationReport } from '../../eval/index.js';
import type { LabDatabase } from '../../store/db.js';
import { loadPairs } from '../../store/pairs-repo.js';
import { latestCheckpoint } from '../../store/runs-checkpoints.js';
import { splitMembers } from '../../store/splits-repo.js';
import { embedDataset, pairScores } from './checkpoint-embeddings.js';
import type { DemoData } from './demo-data.js';

// One run's final checkpoint on the validation identities: verification on the SynthFaces pair
// list (every metric per pair type, with the gaps), and identification with one easy gallery
// image per identity and every hard image as a probe.

export interface RunEvaluation {
  runId: number;
  step: number;
  verification: VerificationReport;
  identification: IdentificationReport;
}

export async function evaluateRun(db: LabDatabase, dataDir: string, runId: number, validation: DemoData): Promise<RunEvaluation> {
  const checkpoint = latestCheckpoint(db, runId);
  if (!checkpoint) throw new Error(`run ${runId} has no checkpoint to evaluate`);
  const embedded = await embedDataset(db, dataDir, validation.datasetId, `${checkpoint.path}/backbone`);
  const pairs = loadPairs(db, validation.pairListId);
  const scores = pairScores(embedded, pairs.image1Ids, pairs.image2Ids);
  const verification = computeVerificationReport(scores, pairs.same, pairs.types.map((t) => t ?? 'untyped'));

  const hardIds = new Set(splitMembers(db, validation.splitId).hard);
  const hard = new Uint8Array(embedded.labels.length);
  for (const [id, row] of embedded.rowOf) hard[row] = hardIds.has(id) ? 1 : 0;
  const { gallery, probes } = galleryAndProbes(embedded.embeddings, embedded.labels, hard);
  return { runId, step: checkpoint.step, verification, identification: identification({ gallery, probes }) };
}
