import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLossInput, readLossInput } from './loss-input.js';

const good = {
  teacher: {
    singles: [
      [1, 0, 0],
      [0, 1, 0],
    ],
    pairs: [
      [
        [1, 0, 0],
        [0.9, 0.1, 0],
      ],
    ],
  },
  student: {
    singles: [
      [0, 0, 1],
      [0, 1, 1],
    ],
    pairs: [
      [
        [1, 0, 0],
        [0.5, 0.5, 0],
      ],
    ],
  },
};

const parse = (value: unknown) => parseLossInput(typeof value === 'string' ? value : JSON.stringify(value), 'in.json');
const withBranch = (name: 'teacher' | 'student', branch: unknown) => ({ ...good, [name]: branch });

describe('ddl-lab loss input', () => {
  it('reads a good file; options default to {}', () => {
    const input = parse(good);
    expect(input.teacher.singles).toHaveLength(2);
    expect(input.student.pairs[0]).toEqual([
      [1, 0, 0],
      [0.5, 0.5, 0],
    ]);
    expect(input.options).toEqual({});
  });

  it.each([
    [
      'ragged vectors',
      withBranch('student', {
        ...good.student,
        singles: [
          [0, 0, 1],
          [0, 1],
        ],
      }),
      'in.json: student.singles[1] has 2 values but teacher.singles[0] has 3; every embedding must have the same length',
    ],
    [
      'a NaN written by Python',
      JSON.stringify(good).replace('[0.9,0.1,0]', '[0.9,NaN,0]'),
      'in.json: teacher.pairs[0][1][1] is NaN; every embedding value must be a finite number',
    ],
    [
      '-Infinity',
      JSON.stringify(good).replace('[0,1,1]', '[0,-Infinity,1]'),
      'in.json: student.singles[1][1] is -Infinity',
    ],
    [
      'an overflowing number',
      JSON.stringify(good).replace('[0,1,1]', '[0,1e999,1]'),
      'in.json: student.singles[1][1] is Infinity',
    ],
    [
      'a string value',
      withBranch('teacher', {
        ...good.teacher,
        singles: [
          [1, '0', 0],
          [0, 1, 0],
        ],
      }),
      'in.json: teacher.singles[0][1] is the string "0"',
    ],
    [
      'fewer than 2 singles',
      withBranch('teacher', { ...good.teacher, singles: [[1, 0, 0]] }),
      'in.json: teacher.singles has 1 embedding(s); hardest negatives need at least 2 singles of distinct identities',
    ],
    [
      'empty pairs',
      withBranch('student', { ...good.student, pairs: [] }),
      'in.json: student.pairs is empty; the positive distribution needs at least 1 same-identity pair',
    ],
    [
      'a pair of 3',
      withBranch('student', {
        ...good.student,
        pairs: [
          [
            [1, 0, 0],
            [1, 0, 0],
            [1, 0, 0],
          ],
        ],
      }),
      'in.json: student.pairs[0] must be a pair [embedding, embedding], got a list of 3',
    ],
    [
      'a zero vector',
      withBranch('teacher', {
        ...good.teacher,
        singles: [
          [0, 0, 0],
          [0, 1, 0],
        ],
      }),
      'in.json: teacher.singles[0] is all zeros',
    ],
    [
      'an empty vector',
      withBranch('teacher', { ...good.teacher, singles: [[], [0, 1, 0]] }),
      'in.json: teacher.singles[0] is empty',
    ],
    ['a missing branch', { teacher: good.teacher }, 'in.json: missing "student"'],
    ['an unknown field', { ...good, extra: 1 }, 'in.json: unknown field "extra"'],
    [
      'an unknown branch field',
      withBranch('teacher', { ...good.teacher, negatives: [] }),
      'in.json: teacher has unknown field "negatives"',
    ],
    ['not an object', [1, 2], 'in.json: expected a JSON object with "teacher" and "student", got a list'],
    ['not JSON', '{"teacher": [1, 2', 'in.json is not valid JSON:'],
  ])('rejects %s with a message naming it', (_kind, value, message) => {
    expect(() => parse(value)).toThrow(message);
  });

  it('leaves NaN inside strings alone', () => {
    expect(() => parse({ ...good, options: { compat: 'NaN' } })).not.toThrow();
  });

  it('names a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddl-loss-input-'));
    await expect(readLossInput(join(dir, 'nope.json'))).rejects.toThrow(
      `cannot read ${join(dir, 'nope.json')}: file not found`,
    );
    writeFileSync(join(dir, 'ok.json'), JSON.stringify(good));
    await expect(readLossInput(join(dir, 'ok.json'))).resolves.toMatchObject({ options: {} });
  });
});
