import type { Migration } from './types.js';

// Faces found at import (`--faces detect|detect-all`): for each image made from a face, which face
// of its file it is, the detector's box and the five alignment points in source pixels (for the
// overlay, and to re-align the crop at another size without detecting again). The estimated
// attributes (yaw, pitch, faceSize…) are ordinary image attributes.
export const migration005: Migration = {
  version: 5,
  name: 'image faces',
  up: (db) => {
    db.exec(`
      CREATE TABLE image_faces (
        image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        face_index INTEGER NOT NULL,
        faces_in_file INTEGER NOT NULL,
        box_x REAL NOT NULL,
        box_y REAL NOT NULL,
        box_width REAL NOT NULL,
        box_height REAL NOT NULL,
        points TEXT NOT NULL
      );
      CREATE INDEX image_faces_by_dataset ON image_faces (dataset_id);
    `);
  },
};
