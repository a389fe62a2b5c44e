import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listIdentities, listImages } from '../store/images-repo.js';
import { openDatabase } from '../store/db.js';
import { listPairLists, loadPairs } from '../store/pairs-repo.js';
import { readAttributesCsv, type AttributeRow } from './attributes-csv.js';
import { importDataset } from './import-dataset.js';
import { IssueLog } from './issue-log.js';
import { readPairsFile, type PairEntry } from './pairs-file.js';
import { scanListFile } from './scan-list-file.js';
import { writeImageFolder } from './test-fixtures.js';
import { parseCsvLine } from './text-lines.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ddl-readers-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function readPairs(path: string) {
  const issues = new IssueLog('pairs', path);
  const pairs: PairEntry[] = [];
  const info = await readPairsFile(path, { issues, onPair: (p) => pairs.push(p) });
  return { info, pairs, issues: issues.finish().map((i) => [i.line, i.reason]) };
}

describe('CSV lines', () => {
  it('handles quotes, commas and doubled quotes inside fields', () => {
    expect(parseCsvLine('a/b c.jpg,"x, y","say ""hi""",3')).toEqual({ fields: ['a/b c.jpg', 'x, y', 'say "hi"', '3'] });
    expect(parseCsvLine('"open,1').error).toMatch(/not closed/);
  });
});

describe('attributes CSV', () => {
  it('infers numeric and categorical columns, reads missing tokens as missing, renames clashes with measured attributes', async () => {
    const path = file(
      'attrs.csv',
      '\uFEFFpath,yaw,race,sharpness,quality\r\n' +
        'a/1.jpg,-30.5,asian,1,NA\r\n' +
        '"./a/2.jpg",1e1,"black, of course",2,\r\n' +
        'b\\3.jpg,,white,3,good\r\n',
    );
    const issues = new IssueLog('attributes', path);
    const rows: AttributeRow[] = [];
    const { columns } = await readAttributesCsv(path, {
      issues,
      reservedNames: ['sharpness'],
      onRow: (r) => rows.push(r),
    });
    expect(columns).toEqual([
      { name: 'yaw', kind: 'numeric' },
      { name: 'race', kind: 'categorical' },
      { name: 'sharpness_file', kind: 'numeric' },
      { name: 'quality', kind: 'categorical' },
    ]);
    expect(rows.map((r) => [r.line, r.path, r.values])).toEqual([
      [2, 'a/1.jpg', [-30.5, 'asian', 1, null]],
      [3, 'a/2.jpg', [10, 'black, of course', 2, null]],
      [4, 'b/3.jpg', [null, 'white', 3, 'good']],
    ]);
    expect(issues.finish().map((i) => i.reason)).toEqual(['renamed column']);
  });

  it('reports a file without a path header and reads nothing from it', async () => {
    const path = file('noheader.csv', 'a/1.jpg,3,4\n');
    const issues = new IssueLog('attributes', path);
    const result = await readAttributesCsv(path, { issues, onRow: () => {} });
    expect(result).toEqual({ columns: [], rows: 0 });
    expect(issues.finish()[0]).toMatchObject({ line: 1, reason: 'bad header' });
  });

  it('keeps at most 200 issues per reason and says how many more there were', () => {
    const log = new IssueLog('attributes', 'x.csv');
    for (let i = 0; i < 450; i++) log.add(i + 2, 'unknown image', `line ${i + 2}`);
    const all = log.finish();
    expect(all).toHaveLength(201);
    expect(all[200]!.detail).toMatch(/250 more lines/);
    expect(log.count).toBe(450);
  });
});

describe('LFW pairs.txt', () => {
  const body = [
    'Abel_Pacheco\t1\t4',
    'Akhmed_Zakayev 1 3',
    'Abdel_Madi_Shabneh\t1\tDean_Barker\t1',
    'Abdel_Madi_Shabneh 1 Giancarlo_Fisichella 1',
  ];

  it('reads the 10-fold header ("folds n": n same then n different per fold) with folds', async () => {
    const { info, pairs, issues } = await readPairs(file('pairs.txt', ['2\t1', ...body, ''].join('\n')));
    expect(info).toEqual({ format: 'lfw', folds: 2, entries: 4 });
    expect(pairs.map((p) => [p.path1, p.path2, p.same, p.fold])).toEqual([
      ['Abel_Pacheco/Abel_Pacheco_0001.jpg', 'Abel_Pacheco/Abel_Pacheco_0004.jpg', true, 0],
      ['Akhmed_Zakayev/Akhmed_Zakayev_0001.jpg', 'Akhmed_Zakayev/Akhmed_Zakayev_0003.jpg', true, 0],
      ['Abdel_Madi_Shabneh/Abdel_Madi_Shabneh_0001.jpg', 'Dean_Barker/Dean_Barker_0001.jpg', false, 1],
      [
        'Abdel_Madi_Shabneh/Abdel_Madi_Shabneh_0001.jpg',
        'Giancarlo_Fisichella/Giancarlo_Fisichella_0001.jpg',
        false,
        1,
      ],
    ]);
    expect(issues).toEqual([]);
  });

  it('reads the plain header (one count, as pairsDevTrain.txt) and no header at all', async () => {
    const plain = await readPairs(file('pairsDevTrain.txt', ['2', ...body].join('\n')));
    expect(plain.info).toEqual({ format: 'lfw', folds: 1, entries: 4 });
    expect(plain.pairs.every((p) => p.fold === null)).toBe(true);
    const bare = await readPairs(file('bare.txt', body.join('\n')));
    expect(bare.info.entries).toBe(4);
  });

  it('reports malformed lines and a header whose count does not match', async () => {
    const { info, issues } = await readPairs(file('bad.txt', ['10\t300', 'only_a_name', ...body].join('\n')));
    expect(info.entries).toBe(4);
    expect(issues).toEqual([
      [2, 'bad line'],
      [1, 'pair count'],
    ]);
  });
});

describe('CSV pair lists', () => {
  it('reads path1,path2,same[,type] with or without a header, in any column order', async () => {
    const headed = await readPairs(
      file('p1.csv', 'type,same,path2,path1\nhard-hard,0,b/2.jpg,a/1.jpg\neasy-easy,true,a/3.jpg,a/1.jpg\n'),
    );
    expect(headed.pairs.map((p) => [p.path1, p.path2, p.same, p.type])).toEqual([
      ['a/1.jpg', 'b/2.jpg', false, 'hard-hard'],
      ['a/1.jpg', 'a/3.jpg', true, 'easy-easy'],
    ]);
    const bare = await readPairs(file('p2.csv', 'a/1.jpg,a/2.jpg,1\na/1.jpg,b/1.jpg,0\n'));
    expect(bare.pairs.map((p) => p.same)).toEqual([true, false]);
  });

  it('reports bad same values and unknown types with line numbers, never stopping', async () => {
    const { pairs, issues } = await readPairs(
      file('p3.csv', 'path1,path2,same,type\na,b,maybe,easy-easy\na,c,1,medium\na,d,0,\n'),
    );
    expect(pairs).toHaveLength(2);
    expect(issues).toEqual([
      [2, 'bad line'],
      [3, 'bad value'],
    ]);
  });
});

describe('list files ("path label" per line)', () => {
  it('reads paths with spaces, skips comments, reports bad and repeated lines', async () => {
    const issues = new IssueLog('list', 'list.txt');
    const list = file('list.txt', '# my list\nb/x y.jpg 10\na/1.jpg 2\n\nnolabel\na/1.jpg 2\n./c/2.png alice\n');
    const entries = await scanListFile('/data/root', list, issues);
    expect(entries.map((e) => [e.path, e.identity])).toEqual([
      ['a/1.jpg', '2'],
      ['b/x y.jpg', '10'],
      ['c/2.png', 'alice'],
    ]);
    expect(issues.finish().map((i) => [i.line, i.reason])).toEqual([
      [5, 'bad line'],
      [6, 'duplicate entry'],
    ]);
  });

  it('imports a dataset from a list file: labels become identities (numeric labels in numeric order)', async () => {
    const root = join(dir, 'listed');
    await writeImageFolder(root, { identities: 3, perIdentity: 2 });
    const list = file(
      'listed.txt',
      [
        'id_002/img_00.png 10',
        'id_002/img_01.png 10',
        'id_000/img_00.png 9',
        'id_001/img_00.png 9',
        'id_001/img_01.png 100',
        'id_000/gone.png 9',
      ].join('\n'),
    );
    const db = openDatabase(join(dir, 'list-data', 'lab.sqlite'));
    const result = await importDataset({
      db,
      root,
      listFile: list,
      inputSize: 8,
      pathPolicy: { outsideFiles: 'allow' },
    });
    expect(result).toMatchObject({ kind: 'list', images: 5, identities: 3 });
    expect(result.bad.map((b) => [b.path, b.reason])).toEqual([['id_000/gone.png', 'missing']]);
    expect(
      listIdentities(db, result.id, { limit: 10 })
        .items.sort((a, b) => a.idx - b.idx)
        .map((i) => [i.idx, i.name, i.imageCount]),
    ).toEqual([
      [0, '9', 2],
      [1, '10', 2],
      [2, '100', 1],
    ]);
    expect(listImages(db, result.id).map((i) => i.identityIdx)).toEqual([0, 0, 1, 1, 2]);
    db.close();
  });

  it('imports an LFW-style folder with its pairs.txt picked up by default', async () => {
    const root = join(dir, 'lfw');
    await writeImageFolder(root, { identities: 2, perIdentity: 2 });
    // Rename to LFW's naming: <name>/<name>_000n.jpg is what pairs.txt refers to (PNG content is fine).
    const { renameSync, mkdirSync } = await import('node:fs');
    for (const [from, name] of [
      ['id_000', 'Ann_Lee'],
      ['id_001', 'Bo_Chen'],
    ] as const) {
      mkdirSync(join(root, name));
      renameSync(join(root, from, 'img_00.png'), join(root, name, `${name}_0001.jpg`));
      renameSync(join(root, from, 'img_01.png'), join(root, name, `${name}_0002.jpg`));
      rmSync(join(root, from), { recursive: true });
    }
    writeFileSync(join(root, 'pairs.txt'), '1\t1\nAnn_Lee\t1\t2\nAnn_Lee\t1\tBo_Chen\t2\nBo_Chen 1 7\n');
    const db = openDatabase(join(dir, 'lfw-data', 'lab.sqlite'));
    const result = await importDataset({ db, root, inputSize: 8 });
    expect(result.pairs).toMatchObject({ format: 'lfw', folds: 1, pairs: 2, skipped: 1 });
    expect(result.bad.filter((b) => b.source === 'pairs').map((b) => [b.line, b.reason])).toEqual([
      [4, 'missing image'],
      [1, 'pair count'],
    ]);
    const [list] = listPairLists(db, result.id);
    expect(loadPairs(db, list!.id).folds).toEqual(new Int16Array([0, 0]));
    db.close();
  });
});
