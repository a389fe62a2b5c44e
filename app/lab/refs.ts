import { listDatasets as listDatasetRows } from '../store/datasets-repo.js';
import { listRunRecords } from '../store/runs-repository.js';
import { listSplits } from '../store/splits-repo.js';
import { closeNames } from './close-names.js';
import { LabOperationError, type Lab } from './lab.js';

// A DATASET, RUN or SPLIT as a user types it: the numeric id, or the exact name. A number that is
// an id means that id (a dataset named "3" is reached by its own id); a name several records
// share is refused listing their ids; an unknown one says so and lists up to 5 close names.

interface Named {
  id: number;
  name: string;
}

function resolveRef(kind: string, text: string, records: Named[], where: string): number {
  const typed = text.trim();
  if (/^\d+$/.test(typed)) {
    const byId = records.find((r) => r.id === Number(typed));
    if (byId) return byId.id;
  }
  const named = records.filter((r) => r.name === typed);
  if (named.length === 1) return named[0]!.id;
  if (named.length > 1)
    throw new LabOperationError(
      `${named.length} ${kind}s are named "${typed}"${where} (ids ${named.map((r) => r.id).join(', ')}); give the id instead.`,
      'conflict',
    );
  const close = closeNames(
    typed,
    records.map((r) => r.name),
  );
  const isId = /^\d+$/.test(typed);
  throw new LabOperationError(
    `no ${kind} ${isId ? typed : `named "${typed}"`}${where}.${close.length > 0 ? ` Close names: ${close.map((n) => `"${n}"`).join(', ')}.` : ''} List them with "ddl-lab ${kind === 'run' ? 'runs' : kind} list".`,
    'not_found',
  );
}

/** The id of the dataset `text` names (id or exact name); throws LabOperationError otherwise. */
export function resolveDatasetRef(lab: Lab, text: string): number {
  return resolveRef('dataset', text, listDatasetRows(lab.db), ` in ${lab.dataDir}`);
}

/** The id of the run `text` names (id or exact name); throws LabOperationError otherwise. */
export function resolveRunRef(lab: Lab, text: string): number {
  return resolveRef('run', text, listRunRecords(lab.db).reverse(), ` in ${lab.dataDir}`);
}

/** The id of the split of dataset `datasetId` that `text` names (id or exact name); throws otherwise. */
export function resolveSplitRef(lab: Lab, datasetId: number, text: string): number {
  return resolveRef('split', text, listSplits(lab.db, datasetId), ` of dataset ${datasetId}`);
}
