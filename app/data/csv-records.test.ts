import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAttributesCsv, type AttributeRow } from './attributes-csv.js';
import { readCsvRecords } from './csv-records.js';
import { IssueLog } from './issue-log.js';
import { readPairsFile, type PairEntry } from './pairs-file.js';

// CSV/TSV list files through csv-parse, on real files: quoted fields with separators and doubled
// quotes, quoted fields across lines (LF and CRLF) with the lines after them still numbered right,
// TSV, a BOM, and a record that cannot be read reported by its line while the rest is read.

const dir = mkdtempSync(join(tmpdir(), 'ddl-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function records(path: string) {
  const out: unknown[] = [];
  for await (const r of readCsvRecords(path)) out.push('error' in r ? [r.line, 'error'] : [r.line, ...r.fields]);
  return out;
}

describe('CSV records', () => {
  it('reads quoted separators, doubled quotes and fields across lines, numbering lines as an editor does', async () => {
    const path = file(
      'quoted.csv',
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from('path,note\n"a, b.jpg","say ""hi"""\n\n"c.jpg","two\r\nlines"\r\nd.jpg, padded \n'),
      ]),
    );
    expect(await records(path)).toEqual([
      [1, 'path', 'note'],
      [2, 'a, b.jpg', 'say "hi"'],
      [3, ''],
      [4, 'c.jpg', 'two\r\nlines'],
      [6, 'd.jpg', 'padded'],
    ]);
  });

  it('reads TSV by extension or by a first line with tabs and no commas', async () => {
    expect(await records(file('list.tsv', 'path\tyaw\n"x\ty, z.jpg"\t3\n'))).toEqual([
      [1, 'path', 'yaw'],
      [2, 'x\ty, z.jpg', '3'],
    ]);
    expect(await records(file('tabs.txt', 'path\tyaw\nb.jpg\t4\n'))).toEqual([
      [1, 'path', 'yaw'],
      [2, 'b.jpg', '4'],
    ]);
  });

  it('reports a quote never closed at the line it opens, after every record before it', async () => {
    expect(await records(file('open.csv', 'a,1\nb,"x"y,2\nc,3\n"open,4\nd,5\n'))).toEqual([
      [1, 'a', '1'],
      [2, 'b', '"x"y', '2'],
      [3, 'c', '3'],
      [4, 'error'],
    ]);
  });
});

describe('list files on csv-parse', () => {
  it('an attributes CSV with a quoted path across lines and a TSV pair list with types and folds', async () => {
    const attributes = file(
      'attributes.csv',
      'path,yaw,group\n"odd\nname.jpg",12.5,"a, b"\r\nplain.jpg,x,c\n"broken,3\n',
    );
    const issues = new IssueLog('attributes', attributes);
    const rows: AttributeRow[] = [];
    const read = await readAttributesCsv(attributes, { issues, onRow: (row) => rows.push(row) });
    expect(read.columns).toEqual([
      { name: 'yaw', kind: 'numeric' },
      { name: 'group', kind: 'categorical' },
    ]);
    expect(rows.map((r) => [r.line, r.path, ...r.values])).toEqual([
      [2, 'odd\nname.jpg', 12.5, 'a, b'],
      [4, 'plain.jpg', null, 'c'],
    ]);
    expect(issues.finish().map((i) => [i.line, i.reason])).toEqual([
      [4, 'bad number'],
      [5, 'bad line'],
    ]);

    const pairsPath = file(
      'pairs.tsv',
      'path1\tpath2\tsame\ttype\tfold\na.jpg\tb.jpg\t1\teasy-hard\t0\na.jpg\tc.jpg\t0\t\t1\nx\ty\tmaybe\t\t2\n',
    );
    const pairIssues = new IssueLog('pairs', pairsPath);
    const pairs: PairEntry[] = [];
    const info = await readPairsFile(pairsPath, { issues: pairIssues, onPair: (p) => pairs.push(p) });
    expect(info).toEqual({ format: 'csv', folds: 2, entries: 2 });
    expect(pairs.map((p) => [p.line, p.path1, p.path2, p.same, p.type, p.fold])).toEqual([
      [2, 'a.jpg', 'b.jpg', true, 'easy-hard', 0],
      [3, 'a.jpg', 'c.jpg', false, null, 1],
    ]);
    expect(pairIssues.finish().map((i) => [i.line, i.reason])).toEqual([[4, 'bad line']]);
  });
});
