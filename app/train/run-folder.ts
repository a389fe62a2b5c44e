import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabDatabase } from '../store/db.js';
import { readLabId } from '../store/lab-meta.js';
import { listCheckpoints } from '../store/runs-checkpoints.js';
import { runDirectory } from './checkpoint-files.js';

// A run folder (runs/<id>/: worker.log, checkpoints) records the id of the lab that made it in a
// `lab-id` file, written once when the folder is made. Before a run writes there, the folder must
// be this lab's: a folder another lab left under the same run id (its database lost and a new one
// started, or a lab.sqlite copied in from elsewhere) holds that lab's checkpoints, which a new run
// would otherwise overwrite.

export const runFolderMarker = 'lab-id';

export class RunFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFolderError';
  }
}

/** runs/<id> of this lab, made (with its lab-id file) when missing; throws RunFolderError if it is another lab's. */
export function claimRunFolder(db: LabDatabase, dataDir: string, runId: number): string {
  const dir = runDirectory(dataDir, runId);
  const labId = readLabId(db);
  const recorded = recordedLabId(dir);
  const moveAside = `Move ${dir} out of ${join(dataDir, 'runs')} (it holds the other lab's files), then start or resume run ${runId} again.`;
  if (recorded !== null && recorded !== labId)
    throw new RunFolderError(
      `The run folder ${dir} belongs to another lab (lab id ${recorded}; this lab is ${labId}); run ${runId} will not write into it. ${moveAside}`,
    );
  if (recorded === null) {
    // A folder from before lab ids: this run's only if the database knows its checkpoints.
    const onDisk = existsSync(join(dir, 'checkpoints')) ? readdirSync(join(dir, 'checkpoints')) : [];
    if (onDisk.some((name) => name.startsWith('step-')) && listCheckpoints(db, runId).length === 0)
      throw new RunFolderError(
        `The run folder ${dir} already holds checkpoints (${onDisk.join(', ')}) that this lab's database does not record for run ${runId}: they are another lab's. Run ${runId} will not write into it. ${moveAside}`,
      );
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, runFolderMarker), `${labId}\n`);
  }
  return dir;
}

/** True when runs/<id> exists and records another lab's id (deleting this lab's run must not remove it). */
export function isOtherLabsRunFolder(db: LabDatabase, dataDir: string, runId: number): boolean {
  const recorded = recordedLabId(runDirectory(dataDir, runId));
  return recorded !== null && recorded !== readLabId(db);
}

function recordedLabId(dir: string): string | null {
  try {
    return readFileSync(join(dir, runFolderMarker), 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
