import sharp from 'sharp';
import { LabApiError } from '../contract/index.js';
import { openPixelRows } from '../../data/pixel-cache-open.js';
import type { PixelRows } from '../../data/pixel-cache.js';
import type { Lab } from '../../lab/lab.js';
import type { DatasetRecord } from '../../store/datasets-repo.js';
import { getImage } from '../../store/images-repo.js';
import { readLabId } from '../../store/lab-meta.js';
import { apiId, dbId } from './ids.js';

// datasets.cachedPixels: what the model sees of an image (for a face dataset, the aligned crop),
// read from the pixel cache at the dataset's first cached size and sent as PNG data URLs.

export async function cachedPixels(
  lab: Lab,
  dataset: DatasetRecord,
  imageIds: readonly string[],
): Promise<{ size: number; items: Array<{ imageId: string; dataUrl: string }> }> {
  const size = dataset.inputSizes[0];
  if (dataset.status !== 'ready' || size === undefined)
    throw new LabApiError('conflict', `Dataset ${apiId(dataset.id)} "${dataset.name}" has no pixel cache yet.`);
  let reader: PixelRows;
  try {
    // A few thumbnails: decoded on this thread, no pool.
    reader = openPixelRows(lab.dataDir, dataset.id, size, {
      expectedCount: dataset.imageCount,
      labId: readLabId(lab.db),
      decodeWorkers: 0,
    });
  } catch (error) {
    throw new LabApiError('conflict', `${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const items: Array<{ imageId: string; dataUrl: string }> = [];
    for (const imageId of imageIds) {
      const image = getImage(lab.db, dbId(imageId, 'image'));
      if (!image || image.datasetId !== dataset.id)
        throw new LabApiError('not_found', `Dataset ${apiId(dataset.id)} has no image ${imageId}.`);
      const row = Buffer.from(reader.row(image.idx));
      const png = await sharp(row, { raw: { width: size, height: size, channels: 3 } })
        .png()
        .toBuffer();
      items.push({ imageId, dataUrl: `data:image/png;base64,${png.toString('base64')}` });
    }
    return { size, items };
  } finally {
    reader.close();
  }
}
