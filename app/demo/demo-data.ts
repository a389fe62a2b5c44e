import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { saveSplit } from '../data/evaluate-split.js';
import { generateSynthFaces, MANIFEST_FILE } from '../data/synth/index.js';
import { getPreset } from '../data/synth/presets.js';
import { importDataset, listDatasets } from '../lab/datasets.js';
import type { Lab } from '../lab/lab.js';
import type { LabDatabase } from '../store/db.js';
import { listPairLists } from '../store/pairs-repo.js';
import { listSplits } from '../store/splits-repo.js';
import type { DemoDataset, DemoSettings } from './demo-settings.js';

// The demo's datasets: generated into the data directory the first time, imported, split by the
// preset's own hard rule, and found again by name on later runs.

export interface DemoData {
  datasetId: number;
  splitId: number;
  /** The SynthFaces pair list (typed easy-easy / easy-hard / hard-hard). */
  pairListId: number;
  name: string;
  images: number;
  identities: number;
  /** True when this call generated or imported it. */
  created: boolean;
}

export interface DemoDataProgress {
  (what: string, done: number, total: number): void;
}

export function demoDatasetName(settings: DemoSettings, role: 'train' | 'validation', d: DemoDataset): string {
  return `SynthFaces ${settings.preset} demo ${role} (${d.identities}x${d.perIdentity}, ${settings.imageSize}px, seed ${d.seed})`;
}

export async function ensureDemoData(
  db: LabDatabase,
  dataDir: string,
  settings: DemoSettings,
  role: 'train' | 'validation',
  onProgress?: DemoDataProgress,
): Promise<DemoData> {
  const spec = role === 'train' ? settings.train : settings.validation;
  const name = demoDatasetName(settings, role, spec);
  const splitName = `${settings.preset} preset rule`;
  const lab: Lab = { db, dataDir };
  let created = false;
  let dataset = listDatasets(lab).find((d) => d.name === name && d.status === 'ready');
  if (!dataset) {
    const root = join(
      dataDir,
      'synthfaces',
      `${settings.preset}-${role}-${spec.identities}x${spec.perIdentity}-${settings.imageSize}px-seed${spec.seed}`,
    );
    if (!existsSync(join(root, MANIFEST_FILE))) {
      await generateSynthFaces({
        outDir: root,
        preset: settings.preset,
        identities: spec.identities,
        perIdentity: spec.perIdentity,
        size: settings.imageSize,
        seed: spec.seed,
        onProgress: (done, total) => onProgress?.(`generating ${role} faces`, done, total),
      });
    }
    const imported = await importDataset(lab, {
      root,
      name,
      inputSize: settings.backbone.inputSize ?? 32,
      onProgress: (p) => {
        if (p.phase === 'images') onProgress?.(`importing ${role} faces`, p.done, p.total);
      },
    });
    if (imported.status !== 'ready')
      throw new Error(`importing the demo ${role} dataset from ${root} failed: ${imported.error}`);
    dataset = listDatasets(lab).find((d) => d.id === imported.id);
    created = true;
  }
  if (!dataset) throw new Error(`the demo ${role} dataset "${name}" vanished after import`);
  // The import saves SynthFaces' split-rule.json (the preset's hard rule) as the dataset's split.
  const split =
    listSplits(db, dataset.id)[0] ?? saveSplit(db, dataset.id, splitName, { hard: getPreset(settings.preset).rule });
  const pairList = listPairLists(db, dataset.id)[0];
  if (!pairList)
    throw new Error(`the demo ${role} dataset ${dataset.id} has no pair list; delete it and run the demo again`);
  return {
    datasetId: dataset.id,
    splitId: split.id,
    pairListId: pairList.id,
    name,
    images: dataset.imageCount,
    identities: dataset.identityCount,
    created,
  };
}
