import { LabApiError, type SplitDefinition, type SplitInfo, type SplitSummary } from '../contract/index.js';
import { loadDatasetColumns } from '../../data/dataset-columns.js';
import {
  EASY,
  HARD,
  evaluateSplit,
  evaluateSplitSides,
  type SplitSummary as CoreSplitSummary,
} from '../../data/evaluate-split.js';
import type { SplitScores } from '../../data/compile-rule.js';
import { SplitRuleError } from '../../data/split-rule.js';
import { createSplit } from '../../lab/splits.js';
import type { LabDatabase } from '../../store/db.js';
import { getImage, identityNames } from '../../store/images-repo.js';
import { getSplit, listSplits, type SplitRecord } from '../../store/splits-repo.js';
import type { HandlersOf, ServiceContext } from './context.js';
import { requireDatasetRecord } from './dataset-handlers.js';
import { imageItem } from './dataset-view.js';
import { apiId, dbId } from './ids.js';
import type { RunEmbeddings } from './run-embeddings.js';
import { splitDistributions } from './split-distributions.js';

// splits.*: what "hard" means for a dataset, evaluated by app/data (live counts, boundary
// examples, saved membership).

/** Per-image scores for model-based rules (percentile of a run's hardness); supplied by the evaluation side. */
export type SplitScoresFor = (
  db: LabDatabase,
  datasetId: number,
  definition: SplitDefinition,
) => Promise<SplitScores | undefined>;

export function toSummary(core: CoreSplitSummary): SplitSummary {
  return {
    images: core.images,
    easyImages: core.easyImages,
    hardImages: core.hardImages,
    excludedImages: core.excludedImages,
    identities: core.identities,
    identitiesWithEasy: core.identitiesWithEasy,
    identitiesWithHard: core.identitiesWithHard,
    identitiesWithTwoEasy: core.identitiesWithTwoEasy,
    identitiesWithTwoHard: core.identitiesWithTwoHard,
    usableIdentities: core.usableIdentities,
    forcedByTags: core.forcedByTags,
    perAttribute: core.perAttribute,
    warnings: core.warnings,
  };
}

/** Stored rules may hold numeric image ids; the contract's are strings. */
function contractDefinition(rule: unknown): SplitDefinition {
  return JSON.parse(JSON.stringify(rule), (key, value: unknown) =>
    key === 'imageIds' && Array.isArray(value) ? value.map(String) : value,
  ) as SplitDefinition;
}

function splitInfo(record: SplitRecord<unknown, CoreSplitSummary>): SplitInfo {
  return {
    id: apiId(record.id),
    datasetId: apiId(record.datasetId),
    name: record.name,
    definition: contractDefinition(record.rule),
    summary: toSummary(record.summary),
    createdAt: record.createdAt,
  };
}

/** Rule problems a person must fix become invalid_params on the `definition` field. */
function asRuleError(error: unknown): never {
  if (error instanceof SplitRuleError) {
    const first = error.issues[0];
    const field = first ? `definition.${first.path.replace(/^rule\./, '').replace(/\[(\d+)\]/g, '.$1')}` : 'definition';
    throw new LabApiError('invalid_params', error.message, field);
  }
  throw error;
}

export function splitHandlers(
  context: ServiceContext,
  scoresFor: SplitScoresFor,
  embeddings: RunEmbeddings,
): HandlersOf<'splits'> {
  const db = () => context.db();
  const evaluate = async (datasetId: string, definition: SplitDefinition, boundaryPerSide = 8) => {
    const record = requireDatasetRecord(db(), datasetId);
    const scores = await scoresFor(db(), record.id, definition);
    try {
      return { record, summary: evaluateSplit(db(), record.id, definition, scores, { boundaryPerSide }) };
    } catch (error) {
      return asRuleError(error);
    }
  };
  return {
    'splits.preview': async ({ datasetId, definition }) => toSummary((await evaluate(datasetId, definition)).summary),

    'splits.save': async ({ datasetId, definition, name }) => {
      const record = requireDatasetRecord(db(), datasetId);
      const scores = await scoresFor(db(), record.id, definition);
      if (listSplits(db(), record.id).some((s) => s.name === name)) {
        throw new LabApiError(
          'conflict',
          `Dataset ${datasetId} already has a split named "${name}"; choose another name.`,
          'name',
        );
      }
      try {
        return splitInfo(
          createSplit({ db: db(), dataDir: context.options.dataDir }, record.id, { name, rule: definition, scores }),
        );
      } catch (error) {
        return asRuleError(error);
      }
    },

    'splits.list': async ({ datasetId }) => {
      const id = datasetId === undefined ? undefined : requireDatasetRecord(db(), datasetId).id;
      return { splits: listSplits<unknown, CoreSplitSummary>(db(), id).map(splitInfo) };
    },

    'splits.get': async ({ splitId }) => {
      const record = getSplit<unknown, CoreSplitSummary>(db(), dbId(splitId, 'split'));
      if (!record)
        throw new LabApiError('not_found', `No split with id "${splitId}". splits.list shows the splits there are.`);
      return splitInfo(record);
    },

    'splits.boundary': async ({ datasetId, definition, perSide }) => {
      const { record, summary } = await evaluate(datasetId, definition, perSide);
      const columns = loadDatasetColumns(db(), record.id);
      const names = identityNames(db(), record.id);
      const side = (examples: CoreSplitSummary['boundary']['easy']) =>
        examples.flatMap((example) => {
          const image = getImage(db(), example.imageId);
          return image
            ? [{ ...imageItem(image, columns, names), margin: Number.isFinite(example.margin) ? example.margin : null }]
            : [];
        });
      return { easy: side(summary.boundary.easy), hard: side(summary.boundary.hard) };
    },

    'splits.distributions': async ({ datasetId, definition, runId, maxImages }) => {
      const record = requireDatasetRecord(db(), datasetId);
      const scores = await scoresFor(db(), record.id, definition);
      let evaluation;
      try {
        evaluation = evaluateSplitSides(db(), record.id, definition, scores, { boundaryPerSide: 1 });
      } catch (error) {
        return asRuleError(error);
      }
      const embedded = await embeddings.embeddings(dbId(runId, 'run'), record.id);
      const easy: number[] = [];
      const hard: number[] = [];
      evaluation.sides.forEach((side, i) => {
        if (side === EASY) easy.push(evaluation.columns.ids[i]!);
        else if (side === HARD) hard.push(evaluation.columns.ids[i]!);
      });
      return splitDistributions(embedded, { easy, hard }, maxImages);
    },
  };
}
