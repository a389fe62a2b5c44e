import { Readable } from 'node:stream';
import sharp, { type Sharp } from 'sharp';
import { LabApiError, type ThumbnailSize } from '../contract/index.js';
import { decodeImage } from '../../data/decode-image.js';
import { getDataset } from '../../store/datasets-repo.js';
import type { LabDatabase } from '../../store/db.js';
import { getImage, type ImageRecord } from '../../store/images-repo.js';
import { openRecordedImage } from './recorded-image-file.js';
import { dbId } from './ids.js';
import type { LabImage } from './types.js';

// Pixels of a registered dataset's image, found by (dataset id, image id): the file is the one the
// database recorded at import, under the dataset's root, unchanged since (recorded-image-file.ts).
// Callers never supply a path.
// Thumbnails are made with sharp (bounded by the dataset's pixel limit) and kept in a small LRU.

const browserFormats: Record<string, string> = {
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
};
const thumbnailCacheEntries = 4000;

export class ImageSource {
  private readonly thumbnails = new Map<string, Buffer>();

  constructor(private readonly db: () => LabDatabase) {}

  async open(datasetId: string, imageId: string, thumb?: ThumbnailSize): Promise<LabImage> {
    const db = this.db();
    const dataset = getDataset(db, dbId(datasetId, 'dataset'));
    const image = getImage(db, dbId(imageId, 'image'));
    if (!dataset || !image || image.datasetId !== dataset.id) {
      throw new LabApiError('not_found', `Dataset ${datasetId} has no image ${imageId}.`);
    }
    if (thumb === undefined) {
      const type = browserFormats[image.format];
      if (type) {
        const handle = await openRecordedImage(dataset.root, image);
        return { contentType: type, data: handle.createReadStream() };
      }
      return {
        contentType: 'image/png',
        data: Readable.from(await this.convert(dataset.root, image, dataset.maxPixels, 512, (s) => s.png())),
      };
    }
    const key = `${image.id}:${thumb}:${image.fileMtimeMs}:${image.fileSize}`;
    let body = this.thumbnails.get(key);
    if (body) {
      this.thumbnails.delete(key);
    } else {
      body = await this.convert(dataset.root, image, dataset.maxPixels, thumb, (s) =>
        s.resize(thumb, thumb, { fit: 'inside' }).webp({ quality: 82 }),
      );
      if (this.thumbnails.size >= thumbnailCacheEntries)
        this.thumbnails.delete(this.thumbnails.keys().next().value as string);
    }
    this.thumbnails.set(key, body);
    return { contentType: 'image/webp', data: Readable.from(body) };
  }

  private async convert(
    root: string,
    image: ImageRecord,
    maxPixels: number,
    side: number,
    finish: (s: Sharp) => Sharp,
  ): Promise<Buffer> {
    const handle = await openRecordedImage(root, image);
    let bytes: Buffer;
    try {
      bytes = await handle.readFile();
    } catch (error) {
      throw new LabApiError(
        'not_found',
        `The image file can no longer be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); was the dataset folder moved?`,
      );
    } finally {
      await handle.close();
    }
    try {
      if (image.format === 'bmp') {
        // sharp cannot read BMP; app/data's decoder can (letterboxed to a square).
        const decoded = await decodeImage(bytes, { size: side, maxPixels, fit: 'contain' });
        return await finish(sharp(decoded.rgb, { raw: { width: side, height: side, channels: 3 } })).toBuffer();
      }
      return await finish(sharp(bytes, { limitInputPixels: maxPixels, failOn: 'none' }).rotate()).toBuffer();
    } catch (error) {
      throw new LabApiError(
        'internal',
        `The image could not be decoded for display: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
