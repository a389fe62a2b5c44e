import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { parse, type CsvError, type Parser } from 'csv-parse';
import { LineTooLongError, maxLineChars, readLines } from './text-lines.js';

// CSV and TSV list files (attributes, CSV pair lists) read with csv-parse, streamed: RFC 4180
// quoting, quoted fields across lines, a UTF-8 BOM, CRLF/LF/CR. Each record comes with the line it
// starts on, so problems are still reported by line number; a record csv-parse cannot read (a
// quote never closed) is reported at its first line and skipped. No record may exceed the line
// limit: a longer one means the file is not a list file (LineTooLongError, nothing read further).

export interface CsvRecord {
  /** 1-based line the record starts on. */
  line: number;
  /** Fields, trimmed; a blank line gives one empty field. */
  fields: string[];
}

export interface CsvProblemRecord {
  line: number;
  /** What is wrong, in words (never the record's text). */
  error: string;
}

export type CsvDelimiter = ',' | '\t';

/** Tab for `.tsv`/`.tab` files or when the first non-blank line has a tab and no comma; else comma. */
export async function detectDelimiter(file: string): Promise<CsvDelimiter> {
  const ext = extname(file).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return '\t';
  for await (const { text } of readLines(file)) {
    if (text.trim() === '') continue;
    return delimiterOfLine(text);
  }
  return ',';
}

/** Tab when a list file's first non-blank line has a tab and no comma; else comma. */
export function delimiterOfLine(text: string): CsvDelimiter {
  return text.includes('\t') && !text.includes(',') ? '\t' : ',';
}

/** The records of `file` in order; bad records as `{ line, error }` in their place. */
export async function* readCsvRecords(
  file: string,
  options: { delimiter?: CsvDelimiter; limit?: number } = {},
): AsyncGenerator<CsvRecord | CsvProblemRecord> {
  const delimiter = options.delimiter ?? (await detectDelimiter(file));
  const limit = options.limit ?? maxLineChars;
  // on_skip runs while parsing, ahead of the records the stream hands over; each skip remembers how
  // many records came before it, so it is reported between the records around it.
  const skips: Array<{ error: CsvError; after: number }> = [];
  const parser: Parser = createReadStream(file).pipe(
    parse({
      bom: true,
      delimiter,
      relax_quotes: true,
      // Every line ending, even mixed in one file (an editor's CRLF lines added to an LF file).
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: false,
      ltrim: true,
      max_record_size: limit,
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) skips.push({ error, after: parser.info.records });
        return undefined;
      },
    }),
  );
  /** Line after the last record (or skipped record) seen. */
  let next = 1;
  let records = 0;
  let head = 0;
  const problem = (error: CsvError): CsvProblemRecord => {
    const line = next;
    if (error.code === 'CSV_MAX_RECORD_SIZE') throw new LineTooLongError(file, line, limit);
    next = Math.max(next, ((error as CsvError & { lines?: number }).lines ?? line) + 1);
    return { line, error: describeCsvError(error) };
  };
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      while (head < skips.length && skips[head]!.after <= records) yield problem(skips[head++]!.error);
      records++;
      yield { line: next, fields: record.map((field) => field.trim()) };
      // Lines counted here, not by csv-parse (which counts a CRLF inside a quoted field as two).
      next += 1 + lineBreaksIn(record);
    }
    while (head < skips.length) yield problem(skips[head++]!.error);
  } finally {
    parser.destroy();
  }
}

/** Line breaks inside a record's fields (CRLF, LF or CR each one); a CR the record delimiter left on the last field is not one. */
function lineBreaksIn(record: string[]): number {
  let breaks = 0;
  if (!record.some((field) => field.includes('\n') || field.includes('\r'))) return 0;
  record.forEach((field, i) => {
    const text = i === record.length - 1 && field.endsWith('\r') ? field.slice(0, -1) : field;
    for (let k = 0; k < text.length; k++) {
      const c = text.charCodeAt(k);
      if (c === 10 || (c === 13 && text.charCodeAt(k + 1) !== 10)) breaks++;
    }
  });
  return breaks;
}

export function isProblem(record: CsvRecord | CsvProblemRecord): record is CsvProblemRecord {
  return 'error' in record;
}

/** A csv-parse error in words (never the record's text). */
export function describeCsvError(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field opened here is never closed (every line after it was read into it)';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a quoted field is followed by other characters before the separator';
    default:
      return `the record cannot be read as CSV (${error.code})`;
  }
}
