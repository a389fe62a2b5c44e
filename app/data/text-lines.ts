import { createReadStream } from 'node:fs';

/** Longest line a list file (pairs, attributes, list) may have: far beyond any real row. */
export const maxLineChars = 64 * 1024;

/** A line over the limit: the file is not a list file (or not a text file at all). */
export class LineTooLongError extends Error {
  override name = 'LineTooLongError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly limit: number,
  ) {
    super(
      `${file}: line ${line} is longer than ${limit} characters, far beyond any list line; is this the right file? It was not read further.`,
    );
  }
}

/**
 * Lines of a text file, streamed, with 1-based line numbers; a UTF-8 BOM is dropped; LF, CRLF and
 * CR end a line. No more than `limit` characters of one line are ever held: a longer line throws
 * LineTooLongError instead of growing memory with the file.
 */
export async function* readLines(file: string, limit = maxLineChars): AsyncGenerator<{ line: number; text: string }> {
  let line = 0;
  let text = '';
  let afterCR = false;
  const emit = () => {
    line++;
    return { line, text: line === 1 ? text.replace(/^\uFEFF/, '') : text };
  };
  for await (const chunk of createReadStream(file, { encoding: 'utf8' }) as AsyncIterable<string>) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c !== 10 && c !== 13) {
        afterCR = false;
        continue;
      }
      if (c === 10 && afterCR) {
        // The LF of a CRLF whose CR ended the line already.
        afterCR = false;
        start = i + 1;
        continue;
      }
      text += chunk.slice(start, i);
      if (text.length > limit) throw new LineTooLongError(file, line + 1, limit);
      yield emit();
      text = '';
      start = i + 1;
      afterCR = c === 13;
    }
    text += chunk.slice(start);
    if (text.length > limit) throw new LineTooLongError(file, line + 1, limit);
  }
  if (text.length > 0) yield emit();
}

/** Splits one CSV line (RFC 4180 quoting: "a,b" and "" for a quote). Fields spanning lines are not supported. */
export function parseCsvLine(text: string): { fields: string[]; error?: string } {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
      i++;
      continue;
    }
    if (c === ',') {
      fields.push(field.trim());
      field = '';
      i++;
      continue;
    }
    field += c;
    i++;
  }
  fields.push(field.trim());
  return quoted ? { fields, error: 'a quoted field is not closed on this line' } : { fields };
}

/** Dataset-relative path as stored: '/' separators, no leading './'. */
export function normaliseRelativePath(path: string): string {
  return path
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/{2,}/g, '/');
}
