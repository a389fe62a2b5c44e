import { createDataset, updateDataset } from '../../store/datasets-repo.js';
import type { LabDatabase } from '../../store/db.js';
import { insertImages } from '../../store/images-repo.js';
import { insertSplit } from '../../store/splits-repo.js';

// Dataset and split rows straight in SQLite (no image files), for tests of config checks and
// run bookkeeping that never read pixels. `hardPerIdentity[i]` hard images for identity i.
export function insertFakeSplit(
  db: LabDatabase,
  options: { identities: number; easyPerIdentity: number; hardIdentities: number },
): { datasetId: number; splitId: number } {
  const datasetId = createDataset(db, { name: 'fake', kind: 'imagefolder', root: '/nonexistent', maxPixels: 1e8 });
  const images = [];
  const sides: number[] = [];
  for (let identity = 0; identity < options.identities; identity++) {
    const count = options.easyPerIdentity + (identity < options.hardIdentities ? 1 : 0);
    for (let k = 0; k < count; k++) {
      images.push({
        idx: images.length,
        path: `${identity}/${k}.png`,
        pathBytes: null,
        identityIdx: identity,
        sha1: `${identity}-${k}`,
        format: 'png',
        fileSize: 1,
        fileMtimeMs: 0,
        width: 32,
        height: 32,
        sharpness: 1,
        brightness: 0.5,
        contrast: 0.2,
      });
      sides.push(k >= options.easyPerIdentity ? 1 : 0);
    }
  }
  const ids = insertImages(db, datasetId, images);
  updateDataset(db, datasetId, { status: 'ready', imageCount: images.length, identityCount: options.identities });
  const splitId = insertSplit(
    db,
    { datasetId, name: 'fake split', rule: {}, summary: {}, datasetRevision: 1 },
    {
      easy: ids.filter((_, i) => sides[i] === 0),
      hard: ids.filter((_, i) => sides[i] === 1),
    },
  );
  return { datasetId, splitId };
}
