import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Lines of a text file, streamed, with 1-based line numbers; a UTF-8 BOM is dropped; CRLF handled. */
export async function* readLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  for await (const raw of lines) {
    line++;
    yield { line, text: line === 1 ? raw.replace(/^\uFEFF/, '') : raw };
  }
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
