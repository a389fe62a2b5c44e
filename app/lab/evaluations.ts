import {
  evaluateRun as runEvaluation,
  formatEvaluation as formatStoredEvaluation,
  type EvaluateRunOptions,
  type EvaluateRunResult,
} from '../eval/run/index.js';
import type { FailureReport } from '../eval/report-types.js';
import { listFailures, type FailureQuery } from '../store/evaluations-failures.js';
import type { EvaluationRecord } from '../store/evaluations-repo.js';
import type { Lab } from './lab.js';

// Evaluations of a run's checkpoint on a pair list: computed and stored by app/eval/run, read here.

export { EvaluationRequestError, type EvaluateRunResult, type EvaluationPhase } from '../eval/run/index.js';
export type { EvaluationRecord } from '../store/evaluations-repo.js';

export type EvaluationRequest = Omit<EvaluateRunOptions, 'db' | 'dataDir'>;

/** Evaluates a run's checkpoint on a pair list and stores the evaluation, its failures and hardness. */
export function evaluateRun(lab: Lab, request: EvaluationRequest): Promise<EvaluateRunResult> {
  return runEvaluation({ ...request, db: lab.db, dataDir: lab.dataDir });
}

/** The stored failures of an evaluation, worst first. */
export function evaluationFailures(lab: Lab, evaluationId: number, query: FailureQuery = {}) {
  return listFailures(lab.db, evaluationId, query);
}

/** An evaluation as text: every metric overall and per pair type, then the worst failures. */
export function formatEvaluation(
  lab: Lab,
  evaluation: EvaluationRecord,
  failures: FailureReport | null,
  options: { failuresShown?: number } = {},
): string {
  return formatStoredEvaluation(lab.db, evaluation, failures, options);
}
