import type { LabDatabase } from '../store/db.js';
import { listFailures, type FailureImage } from '../store/evaluations-failures.js';
import { csvField, csvNumber } from './csv-field.js';
import { storedEvaluation } from './evaluation-json.js';

// An evaluation's mined failures as CSV, worst first (as the failure gallery orders them):
// `path1,path2,label,type,score,kind,severity` then one column per attribute of each image,
// `a.NAME` for the first and `b.NAME` for the second (the dataset's attribute file columns in
// their order, then the measured ones: width, height, sharpness, brightness, contrast). A value
// the image lacks is empty. Label 1 = genuine (a false reject), 0 = impostor (a false accept).
// These are the failures the evaluation stored: at most its limit per kind and pair type.

export function failuresCsv(db: LabDatabase, evaluationId: number): string {
  const evaluation = storedEvaluation(db, evaluationId);
  const total = listFailures(db, evaluationId, { limit: 0 }).total;
  const { items } = listFailures(db, evaluationId, { limit: total, attributes: true });
  const names: string[] = [];
  const seen = new Set<string>();
  for (const f of items)
    for (const image of [f.image1, f.image2])
      for (const name of Object.keys(image.attributes ?? {}))
        if (!seen.has(name)) {
          seen.add(name);
          names.push(name);
        }
  const typed = evaluation.typesSource !== 'none' || items.some((f) => f.pairType !== null);
  const header = [
    'path1',
    'path2',
    'label',
    ...(typed ? ['type'] : []),
    'score',
    'kind',
    'severity',
    ...names.map((n) => `a.${n}`),
    ...names.map((n) => `b.${n}`),
  ];
  const attributes = (image: FailureImage) =>
    names.map((name) => {
      const value = image.attributes?.[name];
      return value === undefined ? '' : typeof value === 'number' ? csvNumber(value) : csvField(value);
    });
  const lines = [header.map(csvField).join(',')];
  for (const f of items)
    lines.push(
      [
        csvField(f.image1.path),
        csvField(f.image2.path),
        f.kind === 'false-reject' ? '1' : '0',
        ...(typed ? [csvField(f.pairType ?? 'untyped')] : []),
        String(f.score),
        f.kind,
        String(f.severity),
        ...attributes(f.image1),
        ...attributes(f.image2),
      ].join(','),
    );
  return `${lines.join('\n')}\n`;
}
