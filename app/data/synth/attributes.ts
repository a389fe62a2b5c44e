// attributes.csv: one row per image, `path` relative to the dataset folder, then the ground-truth
// nuisances and the preset's hard flag (0/1). Numbers are written exactly as they were rendered.
import { type ImageNuisance } from './render-image.js';

export const attributeColumns = [
  'yaw',
  'pitch',
  'roll',
  'abs_yaw',
  'resolution',
  'light',
  'light_angle',
  'light_gradient',
  'noise',
] as const;
export const attributesHeader = ['path', ...attributeColumns, 'hard'].join(',');

export type ImageAttributes = Record<(typeof attributeColumns)[number], number>;

export function imageAttributes(n: ImageNuisance): ImageAttributes {
  return {
    yaw: n.yaw,
    pitch: n.pitch,
    roll: n.roll,
    abs_yaw: Math.abs(n.yaw),
    resolution: Number(n.resolution.toFixed(4)),
    light: n.light,
    light_angle: n.lightAngle,
    light_gradient: n.lightGradient,
    noise: n.noise,
  };
}

export function attributesRow(path: string, attributes: ImageAttributes, hard: boolean): string {
  return [path, ...attributeColumns.map((c) => String(attributes[c])), hard ? '1' : '0'].join(',');
}
