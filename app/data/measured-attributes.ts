import type { MeasuredAttributes } from '../store/images-repo.js';

// Attributes computed from the pixels at import; they share one namespace with file attributes
// (a CSV column with one of these names is renamed <name>_file).
export const measuredAttributeNames: ReadonlyArray<keyof MeasuredAttributes> = [
  'width',
  'height',
  'sharpness',
  'brightness',
  'contrast',
];

export function isMeasuredAttribute(name: string): name is keyof MeasuredAttributes {
  return (measuredAttributeNames as readonly string[]).includes(name);
}
