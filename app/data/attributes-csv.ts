import type { AttributeColumn } from '../store/attributes-repo.js';
import type { IssueLog } from './issue-log.js';
import { isProblem, readCsvRecords, type CsvRecord } from './csv-records.js';
import { normaliseRelativePath } from './text-lines.js';

// Attributes CSV (or TSV): `path,<attr>...` with a header, read with csv-parse (csv-records.ts). A column is numeric when all its values but a
// few (at most 2, or 5%) are numbers - those few are reported as bad numbers - and categorical
// otherwise. Nothing in the file is fatal: short rows, bad numbers and duplicate rows are logged
// with their line number and the rest is kept. Reports never quote a row's text or values.

export type AttributeCell = number | string | null;

export interface AttributeRow {
  line: number;
  /** Dataset-relative path as written (normalised separators). */
  path: string;
  /** One value per column, null where missing. */
  values: AttributeCell[];
}

const pathHeaders = new Set(['path', 'image', 'file', 'filename', 'image_path']);
const missingTokens = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '-']);
const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function parseNumber(text: string): number | null {
  return numberPattern.test(text) ? Number(text) : null;
}

function isMissing(text: string): boolean {
  return missingTokens.has(text.toLowerCase());
}

/** Reads the file twice (kinds first, then rows), so memory does not grow with its length. */
export async function readAttributesCsv(
  file: string,
  options: {
    reservedNames?: readonly string[];
    issues: IssueLog;
    onRow: (row: AttributeRow, columns: readonly AttributeColumn[]) => void;
  },
): Promise<{ columns: AttributeColumn[]; rows: number }> {
  const { issues } = options;
  const header = await readHeader(file, options.reservedNames ?? [], issues);
  if (!header) return { columns: [], rows: 0 };
  const width = header.names.length;

  // Pass 1: which columns are numeric.
  const numeric = new Array<number>(width).fill(0);
  const other = new Array<number>(width).fill(0);
  for await (const { fields } of dataRows(file, header.line)) {
    for (let c = 0; c < width; c++) {
      const v = fields[c + 1];
      if (v === undefined || isMissing(v)) continue;
      if (parseNumber(v) !== null) numeric[c]! += 1;
      else other[c]! += 1;
    }
  }
  const columns: AttributeColumn[] = header.names.map((name, c) => ({
    name,
    kind: numeric[c]! > 0 && other[c]! <= Math.max(2, 0.05 * (numeric[c]! + other[c]!)) ? 'numeric' : 'categorical',
  }));

  // Pass 2: the rows.
  let rows = 0;
  for await (const { line, fields } of dataRows(file, header.line, issues)) {
    const path = normaliseRelativePath(fields[0] ?? '');
    if (!path) {
      issues.add(line, 'bad line', `line ${line}: the path (first column) is empty; row skipped.`);
      continue;
    }
    if (fields.length - 1 < width) {
      const absent = columns.slice(fields.length - 1).map((c) => c.name);
      issues.add(
        line,
        'missing values',
        `line ${line}: ${fields.length} of ${width + 1} columns; no value for ${absent.join(', ')} (left missing).`,
      );
    } else if (fields.length - 1 > width) {
      issues.add(
        line,
        'extra values',
        `line ${line}: ${fields.length} columns but the header has ${width + 1}; the extra ones are ignored.`,
      );
    }
    const values: AttributeCell[] = columns.map((column, c) => {
      const v = fields[c + 1];
      if (v === undefined || isMissing(v)) return null;
      if (column.kind === 'categorical') return v;
      const n = parseNumber(v);
      if (n === null)
        issues.add(line, 'bad number', `line ${line}: the ${column.name} value is not a number; left missing.`);
      return n;
    });
    options.onRow({ line, path, values }, columns);
    rows++;
  }
  return { columns, rows };
}

/** The records after the header, blank ones left out; unreadable ones reported (when `issues` is given) and left out. */
async function* dataRows(file: string, headerLine: number, issues?: IssueLog): AsyncGenerator<CsvRecord> {
  for await (const record of readCsvRecords(file)) {
    if (record.line <= headerLine) continue;
    if (isProblem(record)) {
      issues?.add(record.line, 'bad line', `line ${record.line}: ${record.error}; row skipped.`);
      continue;
    }
    if (record.fields.length === 1 && record.fields[0] === '') continue;
    yield record;
  }
}

async function readHeader(
  file: string,
  reserved: readonly string[],
  issues: IssueLog,
): Promise<{ names: string[]; line: number } | null> {
  for await (const record of readCsvRecords(file)) {
    const line = record.line;
    if (isProblem(record)) {
      issues.add(line, 'bad header', `line ${line}: ${record.error}. No attributes were read.`);
      return null;
    }
    const { fields } = record;
    const first = (fields[0] ?? '').toLowerCase();
    if (!pathHeaders.has(first)) {
      issues.add(
        line,
        'bad header',
        `the first line must be a header starting with "path" (e.g. "path,yaw,pitch"); its first column is not one of ${[...pathHeaders].join(', ')}. No attributes were read.`,
      );
      return null;
    }
    const names: string[] = [];
    fields.slice(1).forEach((raw, i) => {
      let name = raw || `column_${i + 2}`;
      if (reserved.includes(name)) {
        issues.add(
          line,
          'renamed column',
          `column "${name}" has the name of a measured attribute; it is stored as "${name}_file".`,
        );
        name = `${name}_file`;
      }
      while (names.includes(name)) {
        issues.add(line, 'renamed column', `column "${name}" appears twice; the later one is stored as "${name}_2".`);
        name = `${name}_2`;
      }
      names.push(name);
    });
    if (names.length === 0) issues.add(line, 'bad header', 'the header has a path column but no attribute columns.');
    return { names, line };
  }
  issues.add(null, 'bad header', 'the file is empty.');
  return null;
}
