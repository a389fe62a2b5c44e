import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveSplit } from '../../data/evaluate-split.js';
import { importDataset } from '../../data/import-dataset.js';
import { generateSynthFaces } from '../../data/synth/index.js';
import { getPreset } from '../../data/synth/presets.js';
import { openLabDatabase, type LabDatabase } from '../../store/db.js';

// A small real SynthFaces `pose` dataset in a temp data directory: generated, imported at 32 px (or `size`),
// split by the preset's rule. What the trainer and run-process tests train on.

export interface SynthFixture {
  dataDir: string;
  db: LabDatabase;
  datasetId: number;
  splitId: number;
  cleanup(): void;
}

export async function createSynthFixture(
  options: { identities?: number; perIdentity?: number; seed?: number; under?: string; size?: number } = {},
): Promise<SynthFixture> {
  const dataDir = mkdtempSync(join(options.under ?? tmpdir(), 'ddl-train-'));
  const root = join(dataDir, 'synth');
  await generateSynthFaces({
    outDir: root,
    preset: 'pose',
    identities: options.identities ?? 16,
    perIdentity: options.perIdentity ?? 6,
    size: options.size ?? 32,
    seed: options.seed ?? 7,
  });
  const db = openLabDatabase(dataDir);
  const imported = await importDataset({ db, root, dataDir, inputSize: options.size ?? 32 });
  if (imported.status !== 'ready') throw new Error(`fixture import failed: ${imported.error}`);
  // The import saves SynthFaces' own split-rule.json as a split; older importers did not.
  const splitId = imported.split?.id ?? saveSplit(db, imported.id, 'pose', { hard: getPreset('pose').rule }).id;
  return {
    dataDir,
    db,
    datasetId: imported.id,
    splitId,
    cleanup: () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
