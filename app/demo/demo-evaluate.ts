import { evaluateRun as evaluateStoredRun } from '../eval/run/index.js';
import type { IdentificationReport, VerificationReport } from '../eval/index.js';
import type { LabDatabase } from '../store/db.js';
import type { DemoData } from './demo-data.js';

// One run's final checkpoint on the validation identities, through app/eval/run (so the demo's
// evaluations are stored and show in the UI like any other): verification on the SynthFaces pair
// list (every metric per pair type, with the gaps), and identification with one easy gallery
// image per identity and every hard image as a probe.

export interface RunEvaluation {
  runId: number;
  evaluationId: number;
  step: number;
  verification: VerificationReport;
  identification: IdentificationReport;
}

export async function evaluateRun(
  db: LabDatabase,
  dataDir: string,
  runId: number,
  validation: DemoData,
): Promise<RunEvaluation> {
  const { evaluation } = await evaluateStoredRun({
    db,
    dataDir,
    runId,
    pairListId: validation.pairListId,
    splitId: validation.splitId,
  });
  if (!evaluation.identification)
    throw new Error(`evaluation of run ${runId} has no identification (no easy/hard sides in the validation split)`);
  return {
    runId,
    evaluationId: evaluation.id,
    step: evaluation.checkpointStep,
    verification: evaluation.report,
    identification: evaluation.identification,
  };
}
