import { extname } from 'node:path';
import type { PairListFormat } from '../store/pairs-repo.js';
import { isPairType, type PairType } from '../vocabulary/index.js';
import type { IssueLog } from './issue-log.js';
import { isProblem, readCsvRecords } from './csv-records.js';
import { normaliseRelativePath, readLines } from './text-lines.js';

// Verification pair lists. LFW pairs.txt: an optional header ("10 300" = 10 folds of 300
// same + 300 different pairs, or a single count as in pairsDevTrain.txt), then lines
// `name n1 n2` (same person) or `name1 n1 name2 n2` (different people); the image of `name n`
// is `name/name_000n.jpg`. CSV or TSV (csv-parse, csv-records.ts): `path1,path2,same[,type][,fold]`
// (fold 0, 1, … only with a header naming it), header optional. Problems are reported by line
// number and column, never with the line's text: the file may not be a pair list at all.

export interface PairEntry {
  line: number;
  path1: string;
  path2: string;
  same: boolean;
  type: PairType | null;
  fold: number | null;
}

export interface PairFileInfo {
  format: PairListFormat;
  folds: number;
  entries: number;
}

export function pairFileFormat(file: string, firstLine: string): PairListFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (ext === '.txt') return 'lfw';
  return firstLine.includes(',') || firstLine.includes('\t') ? 'csv' : 'lfw';
}

export function lfwImagePath(name: string, number: string): string {
  return `${name}/${name}_${number.padStart(4, '0')}.jpg`;
}

export async function readPairsFile(
  file: string,
  options: { issues: IssueLog; onPair: (pair: PairEntry) => void },
): Promise<PairFileInfo> {
  let first = '';
  for await (const { text } of readLines(file)) {
    if (text.trim()) {
      first = text;
      break;
    }
  }
  const format = pairFileFormat(file, first);
  return format === 'csv' ? readCsvPairs(file, options) : readLfwPairs(file, options);
}

async function readLfwPairs(
  file: string,
  { issues, onPair }: { issues: IssueLog; onPair: (pair: PairEntry) => void },
): Promise<PairFileInfo> {
  let folds = 1;
  let perFold: number | null = null;
  let expected: number | null = null;
  let index = 0;
  let sawFirst = false;
  for await (const { line, text } of readLines(file)) {
    const tokens = text.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) continue;
    if (!sawFirst) {
      sawFirst = true;
      if (tokens.length <= 2 && tokens.every((t) => /^\d+$/.test(t))) {
        if (tokens.length === 2) {
          folds = Number(tokens[0]);
          perFold = 2 * Number(tokens[1]);
          expected = folds * perFold;
        } else {
          expected = 2 * Number(tokens[0]);
        }
        continue;
      }
    }
    const fold = perFold ? Math.floor(index / perFold) : null;
    if (tokens.length === 3 && /^\d+$/.test(tokens[1]!) && /^\d+$/.test(tokens[2]!)) {
      onPair({
        line,
        path1: lfwImagePath(tokens[0]!, tokens[1]!),
        path2: lfwImagePath(tokens[0]!, tokens[2]!),
        same: true,
        type: null,
        fold,
      });
      index++;
    } else if (tokens.length === 4 && /^\d+$/.test(tokens[1]!) && /^\d+$/.test(tokens[3]!)) {
      onPair({
        line,
        path1: lfwImagePath(tokens[0]!, tokens[1]!),
        path2: lfwImagePath(tokens[2]!, tokens[3]!),
        same: false,
        type: null,
        fold,
      });
      index++;
    } else {
      issues.add(
        line,
        'bad line',
        `line ${line}: expected "name n1 n2" or "name1 n1 name2 n2" (numbers n); found ${tokens.length} words that do not fit.`,
      );
    }
  }
  if (expected !== null && expected !== index) {
    issues.add(1, 'pair count', `the header promises ${expected} pairs; the file has ${index}.`);
  }
  return { format: 'lfw', folds, entries: index };
}

const sameValues = new Map<string, boolean>([
  ['1', true],
  ['0', false],
  ['true', true],
  ['false', false],
  ['same', true],
  ['diff', false],
  ['different', false],
  ['genuine', true],
  ['impostor', false],
  ['yes', true],
  ['no', false],
  ['1.0', true],
  ['0.0', false],
]);

async function readCsvPairs(
  file: string,
  { issues, onPair }: { issues: IssueLog; onPair: (pair: PairEntry) => void },
): Promise<PairFileInfo> {
  let cols = { path1: 0, path2: 1, same: 2, type: 3 as number | null, fold: null as number | null };
  let entries = 0;
  let folds = 1;
  let firstLine = true;
  for await (const record of readCsvRecords(file)) {
    const { line } = record;
    if (isProblem(record)) {
      issues.add(line, 'bad line', `line ${line}: ${record.error}; skipped.`);
      continue;
    }
    const { fields } = record;
    if (fields.length === 1 && fields[0] === '') continue;
    if (firstLine) {
      firstLine = false;
      const lower = fields.map((f) => f.toLowerCase());
      if (lower.includes('path1') || !sameValues.has(lower[2] ?? '')) {
        const find = (...names: string[]) => lower.findIndex((f) => names.includes(f));
        const header = {
          path1: find('path1', 'image1', 'a'),
          path2: find('path2', 'image2', 'b'),
          same: find('same', 'label', 'issame', 'is_same'),
          type: find('type', 'pair_type'),
          fold: find('fold'),
        };
        if (header.path1 < 0 || header.path2 < 0 || header.same < 0) {
          issues.add(
            line,
            'bad header',
            `line ${line}: a CSV pair list needs a header with columns path1,path2,same[,type], or no header and 1/0/true/false in the third column; this first line has ${fields.length} columns and neither. No pairs were read.`,
          );
          return { format: 'csv', folds: 1, entries: 0 };
        }
        cols = { ...header, type: header.type >= 0 ? header.type : null, fold: header.fold >= 0 ? header.fold : null };
        continue;
      }
    }
    const path1 = normaliseRelativePath(fields[cols.path1] ?? '');
    const path2 = normaliseRelativePath(fields[cols.path2] ?? '');
    const sameText = (fields[cols.same] ?? '').toLowerCase();
    if (!path1 || !path2 || !sameValues.has(sameText)) {
      const problem = !path1
        ? `column ${cols.path1 + 1} (path1) is empty`
        : !path2
          ? `column ${cols.path2 + 1} (path2) is empty`
          : `column ${cols.same + 1} (same) is not 1/0/true/false`;
      issues.add(line, 'bad line', `line ${line}: ${problem}; expected path1,path2,same (same = 1/0/true/false).`);
      continue;
    }
    let type: PairType | null = null;
    const typeText = cols.type === null ? '' : (fields[cols.type] ?? '').toLowerCase();
    if (typeText) {
      if (isPairType(typeText)) type = typeText;
      else
        issues.add(
          line,
          'bad value',
          `line ${line}: the pair type (column ${cols.type! + 1}) is not easy-easy, easy-hard or hard-hard; kept untyped.`,
        );
    }
    let fold: number | null = null;
    if (cols.fold !== null) {
      const foldText = fields[cols.fold] ?? '';
      if (/^\d{1,3}$/.test(foldText) && Number(foldText) < 255) {
        fold = Number(foldText);
        folds = Math.max(folds, fold + 1);
      } else
        issues.add(
          line,
          'bad value',
          `line ${line}: the fold (column ${cols.fold + 1}) is not a whole number from 0 to 254; kept without a fold.`,
        );
    }
    onPair({ line, path1, path2, same: sameValues.get(sameText)!, type, fold });
    entries++;
  }
  return { format: 'csv', folds, entries };
}
