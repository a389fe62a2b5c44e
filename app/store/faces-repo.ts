import type { LabDatabase } from './db.js';
import { sql } from './statements.js';

// The face an image was cut from (migration 005): index among its file's faces, detector box and
// the five alignment points, all in source pixels.

export interface ImageFace {
  imageId: number;
  faceIndex: number;
  facesInFile: number;
  box: { x: number; y: number; width: number; height: number };
  /** Eye centres (subject's right first), nose tip, mouth corners: [x, y] each. */
  points: Array<[number, number]>;
}

export function insertImageFaces(db: LabDatabase, datasetId: number, faces: readonly ImageFace[]): void {
  const insert = sql(
    db,
    `INSERT INTO image_faces (image_id, dataset_id, face_index, faces_in_file, box_x, box_y, box_width, box_height, points)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const f of faces)
      insert.run(
        f.imageId,
        datasetId,
        f.faceIndex,
        f.facesInFile,
        f.box.x,
        f.box.y,
        f.box.width,
        f.box.height,
        JSON.stringify(f.points),
      );
  })();
}

interface FaceRow {
  imageId: number;
  faceIndex: number;
  facesInFile: number;
  x: number;
  y: number;
  width: number;
  height: number;
  points: string;
}

const columns = `image_id AS imageId, face_index AS faceIndex, faces_in_file AS facesInFile,
  box_x AS x, box_y AS y, box_width AS width, box_height AS height, points`;

function fromRow(r: FaceRow): ImageFace {
  return {
    imageId: r.imageId,
    faceIndex: r.faceIndex,
    facesInFile: r.facesInFile,
    box: { x: r.x, y: r.y, width: r.width, height: r.height },
    points: JSON.parse(r.points) as Array<[number, number]>,
  };
}

/** Every face row of a dataset, by image id (empty when it was imported without `--faces`). */
export function datasetFaces(db: LabDatabase, datasetId: number): Map<number, ImageFace> {
  const out = new Map<number, ImageFace>();
  for (const r of sql<FaceRow>(db, `SELECT ${columns} FROM image_faces WHERE dataset_id = ?`).all(datasetId))
    out.set(r.imageId, fromRow(r));
  return out;
}

export function imageFace(db: LabDatabase, imageId: number): ImageFace | undefined {
  const r = sql<FaceRow>(db, `SELECT ${columns} FROM image_faces WHERE image_id = ?`).get(imageId);
  return r && fromRow(r);
}
