import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IssueLog } from './issue-log.js';
import { readPairsFile } from './pairs-file.js';
import { LineTooLongError, readLines } from './text-lines.js';

// Lines of list files, read with a bound: the same lines node's readline gives, but a line of
// tens of megabytes stops the read with the file and line named instead of being held whole.

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-text-lines-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(file: string, limit?: number) {
  const out: Array<[number, string]> = [];
  for await (const { line, text } of readLines(file, limit)) out.push([line, text]);
  return out;
}

describe('readLines', () => {
  it('gives the lines readline gives: BOM dropped, LF, CRLF and CR, blank lines kept, no trailing empty line', async () => {
    const file = join(dir, 'mixed.txt');
    writeFileSync(file, '\uFEFFfirst,1\r\nsecond\n\nthird\rfourth\r\n\r\nlast');
    const expected: Array<[number, string]> = [];
    let n = 0;
    for await (const text of createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity }))
      expected.push([++n, n === 1 ? text.replace(/^\uFEFF/, '') : text]);
    expect(await collect(file)).toEqual(expected);
    expect(expected.map((e) => e[1])).toEqual(['first,1', 'second', '', 'third', 'fourth', '', 'last']);
  });

  it('keeps CRLF together across read chunks', async () => {
    const file = join(dir, 'chunks.txt');
    // 64 KiB read chunks: put a CR at the end of the first chunk and its LF at the start of the next.
    const first = 'a'.repeat(64 * 1024 - 1);
    writeFileSync(file, `${first}\r\nb\n`);
    expect((await collect(file, 100_000)).map(([line, text]) => [line, text.length])).toEqual([
      [1, first.length],
      [2, 1],
    ]);
  });

  it('stops at a 50 MB line, naming file and line', async () => {
    const file = join(dir, 'giant.csv');
    writeFileSync(file, `a/1.jpg,a/2.jpg,1\n${'x'.repeat(50_000_000)},b,1\n`);
    const error = await collect(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineTooLongError);
    expect((error as Error).message).toMatch(/giant\.csv: line 2 is longer than 65536 characters/);
    const pairs = readPairsFile(file, { issues: new IssueLog('pairs', file), onPair: () => {} });
    await expect(pairs).rejects.toThrow(/giant\.csv: line 2 is longer than 65536 characters/);
  });
});
