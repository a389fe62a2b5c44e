import type { SplitCondition, SplitDefinition, SplitRule } from '../contract/index.js';
import type { SplitScores } from '../../data/compile-rule.js';
import { dbId } from './ids.js';
import type { RunEmbeddings } from './run-embeddings.js';

// Scores for model-based split rules: `{ kind: 'percentile', runId }` ranks images by their
// hardness under that run's model (cosine to the identity's mean embedding; low = hard): the values
// a stored evaluation of the run's latest checkpoint measured on the dataset when there is one
// (RunEmbeddings.hardness), else computed from the checkpoint's embeddings.

function runIdsOf(node: SplitCondition | SplitRule, into: Set<string>): Set<string> {
  if ('combine' in node) node.conditions.forEach((c) => runIdsOf(c, into));
  else if (node.kind === 'not') runIdsOf(node.condition, into);
  else if (node.kind === 'percentile' && node.runId !== undefined) into.add(node.runId);
  return into;
}

export async function modelScores(
  embeddings: RunEmbeddings,
  datasetId: number,
  definition: SplitDefinition,
): Promise<SplitScores | undefined> {
  const runIds = runIdsOf(definition.hard, new Set());
  if (definition.easy) runIdsOf(definition.easy, runIds);
  if (runIds.size === 0) return undefined;
  const scores: Record<string, Map<number, number>> = {};
  for (const runId of runIds) scores[`run:${runId}`] = await embeddings.hardness(dbId(runId, 'run'), datasetId);
  return scores;
}
