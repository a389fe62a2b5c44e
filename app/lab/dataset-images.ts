import { attributeColumns, attributeValues } from '../store/attributes-repo.js';
import { datasetFaces, type ImageFace } from '../store/faces-repo.js';
import { identityNames, iterateImages } from '../store/images-repo.js';
import type { Lab } from './lab.js';

// Every image of a dataset with its identity, the face it was cut from (index among its file's
// faces, or null for a dataset imported without --faces) and every attribute by name: measured
// (width, height, sharpness, brightness, contrast), estimated (yaw, pitch, roll, faceSize…) and
// the attributes file's. `ddl-lab dataset images` prints it.

export interface DatasetImageRow {
  id: number;
  idx: number;
  path: string;
  identity: string;
  /** Index among the faces found in its file (largest first), or null without face detection. */
  face: number | null;
  attributes: Record<string, number | string>;
  /** Detector box and five points in source pixels, when the image is a detected face. */
  box: ImageFace['box'] | null;
  points: ImageFace['points'] | null;
}

export function datasetImages(lab: Lab, datasetId: number): DatasetImageRow[] {
  const { db } = lab;
  const names = identityNames(db, datasetId);
  const faces = datasetFaces(db, datasetId);
  const byImage = new Map<number, Record<string, number | string>>();
  for (const column of attributeColumns(db, datasetId)) {
    for (const v of attributeValues(db, datasetId, column.name)) {
      const value = v.num ?? v.text;
      if (value === null) continue;
      let row = byImage.get(v.imageId);
      if (!row) byImage.set(v.imageId, (row = {}));
      row[column.name] = value;
    }
  }
  const out: DatasetImageRow[] = [];
  for (const image of iterateImages(db, datasetId)) {
    const face = faces.get(image.id);
    out.push({
      id: image.id,
      idx: image.idx,
      path: image.path,
      identity: names[image.identityIdx] ?? String(image.identityIdx),
      face: face ? face.faceIndex : null,
      attributes: {
        width: image.width,
        height: image.height,
        sharpness: image.sharpness,
        brightness: image.brightness,
        contrast: image.contrast,
        ...byImage.get(image.id),
      },
      box: face?.box ?? null,
      points: face?.points ?? null,
    });
  }
  return out;
}
