import { CsvError, parse } from 'csv-parse/sync';
import { delimiterOfLine, describeCsvError, type CsvDelimiter } from '../data/csv-records.js';

// Reads `score,label[,type]` CSV or TSV text (label 1 genuine / 0 impostor, header optional). Bad
// lines are skipped and reported by line number; what is readable is returned.
// Fields are csv-parse's (quoted fields, doubled quotes, a BOM, tab or comma), but each line is one
// record: a pair's score line never holds a line break, and csv-parse cannot keep a quote left open
// to its line (with skip_records_with_error it reads every later line into that record, or resumes
// mid-record after an invalid closing quote: tried in scores-csv.test.ts), so the text is split
// into lines first and a line with a quote is handed to csv-parse alone. Lines without quotes (a
// scores file's usual lines: numbers) are split on the delimiter directly, which is what csv-parse
// would give and many times faster on files of millions of pairs.

export interface CsvProblem {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface ParsedScores {
  scores: Float64Array;
  labels: Uint8Array;
  /** One type per pair, or null when the file has no type column. */
  types: string[] | null;
  /** Line number of each pair in the file (to point back at it). */
  lines: Uint32Array;
  /** Column names of the header line, or null when there is none. */
  header: string[] | null;
  /** Lines that were not blank (header included). */
  dataLines: number;
  /** Bad lines skipped. */
  skipped: number;
  /** Bad lines in line order, at most `maxProblems` of them (all are counted in `skipped`). */
  problems: CsvProblem[];
  /** Remarks about how the file was read (e.g. columns taken by position). */
  notes: string[];
}

export interface ParseOptions {
  maxProblems?: number;
  /** Field separator (default: tab when the first non-blank line has a tab and no comma, else comma). */
  delimiter?: CsvDelimiter;
  /** Longest line read (default 4096 characters); a longer one stops the parse (ScoresLineTooLongError). */
  maxLineChars?: number;
}

/** A score line is a few dozen characters: a far longer one means the file is not a scores CSV. */
export const defaultMaxLineChars = 4096;

export class ScoresLineTooLongError extends Error {
  override name = 'ScoresLineTooLongError';
  constructor(
    readonly line: number,
    readonly length: number,
    readonly limit: number,
  ) {
    super(
      `line ${line} is ${length} characters long; a score,label[,type] line has at most ${limit}. Is this a scores CSV?`,
    );
  }
}

/** A value as quoted in a problem: at most 40 characters. */
function quote(text: string): string {
  return `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`;
}

interface Columns {
  score: number;
  label: number;
  type: number | null;
  /** Fields a line may have at most (null = no limit, extra named columns are ignored). */
  maxFields: number | null;
  /** The header names the type column (so every line needs a type). */
  typeNamed: boolean;
}

export function parseScoresCsv(text: string, options: ParseOptions = {}): ParsedScores {
  const maxProblems = options.maxProblems ?? 100;
  const maxLineChars = options.maxLineChars ?? defaultMaxLineChars;
  const rawLines = text.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  const problems: CsvProblem[] = [];
  const notes: string[] = [];
  let skipped = 0;
  let dataLines = 0;
  const report = (line: number, message: string) => {
    skipped++;
    if (problems.length < 2 * maxProblems) problems.push({ line, message }); // two rounds; sorted and cut below
  };

  let header: string[] | null = null;
  let columns: Columns = positionalColumns;
  // One pass into typed arrays. Without a header naming a type column, a line may lack a type; whether
  // the file has types is known only at the end, so those lines are remembered and judged then.
  const capacity = rawLines.length;
  let scores = new Float64Array(capacity);
  let labels = new Uint8Array(capacity);
  let lines = new Uint32Array(capacity);
  let typeCodes = new Uint32Array(capacity);
  let missingType = new Uint16Array(capacity); // 0 has a type, else fields on the line + 1 (empty type: 0xffff)
  const typeNames: string[] = [];
  const typeCode = new Map<string, number>();
  let count = 0;
  let anyType = false;
  let anyMissing = false;
  let delimiter = options.delimiter;
  for (let k = 0; k < rawLines.length; k++) {
    const raw = rawLines[k]!;
    if (raw.length > maxLineChars) throw new ScoresLineTooLongError(k + 1, raw.length, maxLineChars);
    if (raw.length === 0 || raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    dataLines++;
    delimiter ??= delimiterOfLine(raw);
    const fields = lineFields(raw, delimiter);
    if (typeof fields === 'string') {
      report(k + 1, fields);
      continue;
    }
    if (header === null && count === 0 && skipped === 0 && !fields.some(isNumber)) {
      header = fields;
      columns = columnsFromHeader(fields, notes);
      continue;
    }
    const problem = checkFields(fields, columns);
    if (problem) {
      report(k + 1, problem);
      continue;
    }
    scores[count] = Number(fields[columns.score]!.trim());
    labels[count] = fields[columns.label]!.trim() === '1' ? 1 : 0;
    lines[count] = k + 1;
    if (columns.type !== null) {
      const typeText = fields.length > columns.type ? fields[columns.type]!.trim() : null;
      if (typeText === null || typeText === '') {
        missingType[count] = typeText === null ? Math.min(fields.length + 1, 0xfffe) : 0xffff;
        anyMissing = true;
      } else {
        let code = typeCode.get(typeText);
        if (code === undefined) {
          code = typeNames.length;
          typeNames.push(typeText);
          typeCode.set(typeText, code);
        }
        typeCodes[count] = code;
        anyType = true;
      }
    }
    count++;
  }
  const hasTypes = columns.type !== null && (columns.typeNamed || anyType);
  if (hasTypes && anyMissing) {
    // Some lines have a type and these do not: they are bad lines too.
    let kept = 0;
    for (let j = 0; j < count; j++) {
      if (missingType[j]) {
        const line = lines[j]!;
        const fieldCount = missingType[j]! - 1;
        report(
          line,
          missingType[j] !== 0xffff
            ? `expected score,label,type, got ${fieldCount} field${fieldCount === 1 ? '' : 's'}`
            : 'type is empty (other lines have a type; give every line one)',
        );
        continue;
      }
      scores[kept] = scores[j]!;
      labels[kept] = labels[j]!;
      lines[kept] = lines[j]!;
      typeCodes[kept] = typeCodes[j]!;
      kept++;
    }
    count = kept;
  }
  scores = scores.slice(0, count);
  labels = labels.slice(0, count);
  lines = lines.slice(0, count);
  typeCodes = typeCodes.subarray(0, count);
  missingType = new Uint16Array(0);
  return {
    scores,
    labels,
    types: hasTypes ? Array.from(typeCodes, (code) => typeNames[code]!) : null,
    lines,
    header,
    dataLines,
    skipped,
    problems: problems.sort((a, b) => a.line - b.line).slice(0, maxProblems),
    notes,
  };
}

// Checks one line's fields; a missing or empty type is judged later (see parseScoresCsv).
function checkFields(fields: string[], columns: Columns): string | null {
  const needed = Math.max(columns.score, columns.label) + 1;
  if (fields.length < needed) {
    return `expected ${columns.typeNamed ? 'score,label,type' : 'score,label[,type]'}, got ${fields.length} field${fields.length === 1 ? '' : 's'}`;
  }
  if (columns.maxFields !== null && fields.length > columns.maxFields) {
    return `expected at most ${columns.maxFields} fields (score,label,type), got ${fields.length}`;
  }
  const score = fields[columns.score]!.trim();
  if (!isNumber(score)) return `score must be a finite number, got ${quote(score)}`;
  const label = fields[columns.label]!.trim();
  if (label !== '0' && label !== '1') return `label must be 0 or 1, got ${quote(label)}`;
  return null;
}

function columnsFromHeader(names: string[], notes: string[]): Columns {
  const lower = names.map((n) => n.trim().toLowerCase());
  const score = lower.indexOf('score');
  const label = lower.indexOf('label');
  const typeAt = lower.findIndex((n) => n === 'type' || n === 'pair_type' || n === 'pairtype');
  if (score >= 0 && label >= 0)
    return { score, label, type: typeAt >= 0 ? typeAt : null, maxFields: null, typeNamed: typeAt >= 0 };
  notes.push(
    `header "${names.join(',')}" does not name score and label columns; reading columns by position (score,label[,type])`,
  );
  return positionalColumns;
}

const positionalColumns: Columns = { score: 0, label: 1, type: 2, maxFields: 3, typeNamed: false };
const decimalNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function isNumber(text: string): boolean {
  const t = text.trim();
  return decimalNumber.test(t) && Number.isFinite(Number(t));
}

/** One line's fields (csv-parse for a line with quotes), or what is wrong with it. */
function lineFields(line: string, delimiter: CsvDelimiter): string[] | string {
  if (!line.includes('"')) return line.split(delimiter);
  try {
    const records = parse(line, { delimiter, relax_column_count: true, record_delimiter: ['\n'] }) as string[][];
    return records.length === 1 ? records[0]! : 'expected one record on the line';
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    return error.code === 'CSV_QUOTE_NOT_CLOSED' ? 'unbalanced double quote' : describeCsvError(error);
  }
}
