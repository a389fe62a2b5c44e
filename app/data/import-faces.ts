import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { insertAttributeValues, setAttributeColumns, type AttributeValue } from '../store/attributes-repo.js';
import type { LabDatabase } from '../store/db.js';
import { insertImageFaces, type ImageFace } from '../store/faces-repo.js';
import { insertImages, type NewImage } from '../store/images-repo.js';
import { readLabId } from '../store/lab-meta.js';
import { decodeBmp } from './bmp.js';
import { decodeImage, type ResizeFit } from './decode-image.js';
import { alignFace, type FivePoints, type RgbImage } from './face-align.js';
import {
  defaultMinFaceSize,
  faceAttributeColumns,
  type FaceDetector,
  type FaceEstimate,
  type FaceMode,
} from './face-attributes.js';
import { ImageFileError } from './image-error.js';
import type { ImageCatalog } from './import-catalog.js';
import { measureRgb } from './measure.js';
import { mapOrdered, newPoolStats } from './ordered-pool.js';
import { openPixelCacheWriter } from './pixel-cache-open.js';
import { requireDataset } from '../store/datasets-repo.js';
import { readImageFile } from './read-image-file.js';
import type { ImageCandidate } from './scan-image-folder.js';
import type { ImageStageOptions, ImageStageResult } from './import-images.js';

// The image stages of an import with `--faces detect|detect-all`: read + hash + decode (checked by
// the usual decoder) -> find faces -> align each kept face on the ArcFace template -> write one
// image per face (cache row = the aligned crop, database row, estimated attributes, face row).
// The user's files are only read. A file with no face, or only faces too small to align, is a
// problem record (never a crash); several faces where one is kept are counted.

export interface FaceStageOptions {
  mode: Exclude<FaceMode, 'none'>;
  detector: FaceDetector;
  /** Narrowest face (source pixels) that is aligned, default 24. */
  minFaceSize?: number;
}

export interface FaceStageReport {
  mode: Exclude<FaceMode, 'none'>;
  /** Faces imported (one image each). */
  found: number;
  /** Files where no face was found. */
  none: number;
  /** Files with several faces (with `detect`, only the largest was kept). */
  multiple: number;
  /** Faces too small to align (not imported). */
  tooSmall: number;
  /** The files with several faces, first 100. */
  multipleFiles: string[];
}

/** Longest side faces are searched and aligned at; bigger photos are shrunk first (attributes stay in source pixels). */
const workSide = 2048;

type Found =
  | {
      ok: true;
      candidate: ImageCandidate;
      sha1: string;
      fileSize: number;
      fileMtimeMs: number;
      format: string;
      width: number;
      height: number;
      faces: Array<{ estimate: FaceEstimate; rgb: Uint8Array; blur: number; brightness: number; contrast: number }>;
      detected: number;
      small: FaceEstimate[];
    }
  | { ok: false; candidate: ImageCandidate; error: ImageFileError };

/** The photo as RGB, at most `workSide` on its longest side, EXIF orientation applied. */
async function decodeForFaces(bytes: Buffer, format: string, maxPixels: number): Promise<RgbImage> {
  const bmp = format === 'bmp' ? decodeBmp(bytes, maxPixels) : null;
  const input = bmp
    ? sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 3 } })
    : sharp(bytes, { limitInputPixels: maxPixels, sequentialRead: true }).rotate();
  const { data, info } = await input
    .resize({ width: workSide, height: workSide, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#000000' })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: data, width: info.width, height: info.height };
}

/**
 * The `size`×`size` aligned crop of a face whose five points (source pixels) are known, and its
 * measures: the pixel cache uses it to build another size, or refresh a changed file, without
 * detecting again.
 */
export async function realignFace(
  bytes: Buffer,
  points: ReadonlyArray<readonly [number, number]>,
  size: number,
  maxPixels: number,
): Promise<{
  rgb: Uint8Array;
  width: number;
  height: number;
  sharpness: number;
  brightness: number;
  contrast: number;
  format: string;
}> {
  const checked = await decodeImage(bytes, { size: 8, maxPixels, fit: 'cover' });
  const image = await decodeForFaces(bytes, checked.format, maxPixels);
  const k = image.width / checked.width;
  const work = points.map(([x, y]) => ({ x: x * k, y: y * k })) as FivePoints;
  const { rgb } = alignFace(image, work, size);
  const m = measureRgb(rgb, size, size);
  return { rgb, width: checked.width, height: checked.height, format: checked.format, ...m };
}

function scaled(points: FivePoints, k: number): FivePoints {
  return points.map((p) => ({ x: p.x * k, y: p.y * k })) as FivePoints;
}

async function findFaces(
  candidate: ImageCandidate,
  options: ImageStageOptions,
  faces: FaceStageOptions,
): Promise<Found> {
  try {
    const file = await readImageFile(candidate.absolute, options.maxFileBytes);
    const sha1 = createHash('sha1').update(file.bytes).digest('hex');
    // The usual decoder first: it names every way a file can be bad (truncated, bomb, not an image).
    const checked = await decodeImage(file.bytes, { size: 8, maxPixels: options.maxPixels, fit: 'cover' });
    const image = await decodeForFaces(file.bytes, checked.format, options.maxPixels);
    const toSource = checked.width / image.width;
    const result = await faces.detector.find(image, { all: faces.mode === 'detect-all' });
    if (result.faces.length === 0)
      throw new ImageFileError('no face', `no face found (best score ${result.bestScore.toFixed(2)}).`);
    const minSize = faces.minFaceSize ?? defaultMinFaceSize;
    const inSource = result.faces.map((f): FaceEstimate => ({
      ...f,
      box: {
        x: f.box.x * toSource,
        y: f.box.y * toSource,
        width: f.box.width * toSource,
        height: f.box.height * toSource,
      },
      points: scaled(f.points, toSource),
      faceSize: f.faceSize * toSource,
      eyeDistance: f.eyeDistance * toSource,
    }));
    const small = inSource.filter((f) => f.faceSize < minSize);
    const kept = inSource.filter((f) => f.faceSize >= minSize);
    if (kept.length === 0) {
      const f = small[0]!;
      throw new ImageFileError(
        'face too small',
        `the face is ${Math.round(f.box.width)}×${Math.round(f.box.height)} px; at least ${minSize} px wide is needed to align it (best score ${f.faceScore.toFixed(2)}).`,
      );
    }
    const aligned = kept.map((estimate) => {
      const work = scaled(estimate.points, 1 / toSource);
      const { rgb } = alignFace(image, work, options.inputSize);
      const m = measureRgb(rgb, options.inputSize, options.inputSize);
      return { estimate, rgb, blur: m.sharpness, brightness: m.brightness, contrast: m.contrast };
    });
    return {
      ok: true,
      candidate,
      sha1,
      fileSize: file.fileSize,
      fileMtimeMs: file.fileMtimeMs,
      format: checked.format,
      width: checked.width,
      height: checked.height,
      faces: aligned,
      detected: result.detected,
      small,
    };
  } catch (error) {
    if (error instanceof ImageFileError) return { ok: false, candidate, error };
    throw error;
  }
}

/** Streams every candidate through the face stages into `catalog`, the cache and the database. */
export async function importFaceImages(
  candidates: readonly ImageCandidate[],
  catalog: ImageCatalog,
  options: ImageStageOptions & { fit: ResizeFit },
  faces: FaceStageOptions,
): Promise<ImageStageResult & { faces: FaceStageReport }> {
  const { signal, concurrency, db, datasetId } = options;
  const cache = openPixelCacheWriter(
    options.dataDir,
    datasetId,
    options.inputSize,
    readLabId(db),
    requireDataset(db, datasetId).cacheFormat,
  );
  const stats = newPoolStats();
  const report: FaceStageReport = { mode: faces.mode, found: 0, none: 0, multiple: 0, tooSmall: 0, multipleFiles: [] };
  const rows: NewImage[] = [];
  const extras: Array<{ idx: number; face: FaceEstimate; facesInFile: number; blur: number }> = [];
  let done = 0;
  try {
    const found = mapOrdered(candidates, concurrency, (c) => findFaces(c, options, faces), { signal, stats });
    for await (const result of found) {
      done++;
      const { candidate } = result;
      if (!result.ok) {
        if (result.error.reason === 'no face') report.none++;
        if (result.error.reason === 'face too small') report.tooSmall++;
        catalog.skip(candidate, result.error);
      } else if (!catalog.isDuplicate(candidate, result.sha1)) {
        if (result.detected > 1) {
          report.multiple++;
          if (report.multipleFiles.length < 100) report.multipleFiles.push(candidate.path);
        }
        if (result.small.length) {
          report.tooSmall += result.small.length;
          catalog.bad.push({
            source: 'image',
            path: candidate.path,
            line: null,
            reason: 'face too small',
            detail: `${result.small.length} face(s) of ${result.small.map((f) => `${Math.round(f.box.width)}×${Math.round(f.box.height)}`).join(', ')} px not imported (at least ${faces.minFaceSize ?? defaultMinFaceSize} px wide is needed); the other faces were.`,
          });
        }
        for (const face of result.faces) {
          const { idx, identity } = catalog.keep(candidate, result.sha1);
          await cache.write(idx, face.rgb);
          report.found++;
          rows.push({
            idx,
            path: candidate.path,
            pathBytes: candidate.pathBytes,
            identityIdx: identity,
            fileSize: result.fileSize,
            fileMtimeMs: result.fileMtimeMs,
            sha1: result.sha1,
            format: result.format,
            width: result.width,
            height: result.height,
            sharpness: face.blur,
            brightness: face.brightness,
            contrast: face.contrast,
          });
          extras.push({ idx, face: face.estimate, facesInFile: result.detected, blur: face.blur });
        }
      }
      options.onImage?.(done, candidate.path);
    }
    signal?.throwIfAborted();
    const idxToId: number[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows.slice(i, i + 500);
      insertImages(db, datasetId, batch).forEach((id, k) => {
        idxToId[batch[k]!.idx] = id;
      });
    }
    storeFaces(db, datasetId, idxToId, extras);
    if (catalog.count > 0) await cache.commit(catalog.count, `faces-${faces.mode}`);
    else cache.discard();
    return { idxToId, done, stats, decode: { threads: 0, decoded: 0 }, faces: report };
  } catch (error) {
    cache.discard();
    throw error;
  }
}

function storeFaces(
  db: LabDatabase,
  datasetId: number,
  idxToId: number[],
  extras: ReadonlyArray<{ idx: number; face: FaceEstimate; facesInFile: number; blur: number }>,
): void {
  const values: AttributeValue[] = [];
  const faceRows: ImageFace[] = [];
  for (const { idx, face, facesInFile, blur } of extras) {
    const imageId = idxToId[idx]!;
    const attributes: Record<string, number> = {
      yaw: face.yaw,
      pitch: face.pitch,
      roll: face.roll,
      faceSize: face.faceSize,
      eyeDistance: face.eyeDistance,
      faceScore: face.faceScore,
      blur,
    };
    for (const [name, num] of Object.entries(attributes)) values.push({ imageId, name, num, text: null });
    faceRows.push({
      imageId,
      faceIndex: face.index,
      facesInFile,
      box: face.box,
      points: face.points.map((p) => [p.x, p.y]),
    });
  }
  setAttributeColumns(db, datasetId, faceAttributeColumns);
  for (let i = 0; i < values.length; i += 5000) insertAttributeValues(db, datasetId, values.slice(i, i + 5000));
  insertImageFaces(db, datasetId, faceRows);
}
