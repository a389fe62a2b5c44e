import { readFile } from 'node:fs/promises';

/** One branch of `ddl-lab loss` input: singles of distinct identities, same-identity pairs. */
export type LossInputBranch = { singles: number[][]; pairs: [number[], number[]][] };
export type LossInput = { teacher: LossInputBranch; student: LossInputBranch; options: unknown };

/** Input that cannot be used; the message names the file, the field and what to do. */
export class LossInputError extends Error {
  override name = 'LossInputError';
}

/** Reads and checks a `ddl-lab loss` input file. Throws LossInputError for anything unusable. */
export async function readLossInput(path: string): Promise<LossInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new LossInputError(`cannot read ${path}: ${why}`);
  }
  return parseLossInput(text, path);
}

/**
 * Parses `{"teacher": {"singles": [[...]], "pairs": [[[...], [...]]]}, "student": {...}, "options": {...}}`.
 * Bare NaN / Infinity (as Python's json.dump writes them) are read so they can be reported by position.
 */
export function parseLossInput(text: string, source: string): LossInput {
  let data: unknown;
  try {
    data = JSON.parse(quoteNonFiniteLiterals(text));
  } catch (error) {
    throw new LossInputError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(data))
    throw new LossInputError(`${source}: expected a JSON object with "teacher" and "student", got ${kindOf(data)}`);
  for (const key of Object.keys(data)) {
    if (!['teacher', 'student', 'options'].includes(key))
      throw new LossInputError(
        `${source}: unknown field "${key}"; expected "teacher", "student" and optionally "options"`,
      );
  }
  const shape = { dim: 0, firstPath: '' };
  const teacher = readBranch(data.teacher, 'teacher', source, shape);
  const student = readBranch(data.student, 'student', source, shape);
  return { teacher, student, options: data.options ?? {} };
}

type Shape = { dim: number; firstPath: string };

function readBranch(value: unknown, name: string, source: string, shape: Shape): LossInputBranch {
  if (value === undefined)
    throw new LossInputError(`${source}: missing "${name}" (an object with "singles" and "pairs")`);
  if (!isPlainObject(value))
    throw new LossInputError(`${source}: ${name} must be an object with "singles" and "pairs", got ${kindOf(value)}`);
  for (const key of Object.keys(value)) {
    if (key !== 'singles' && key !== 'pairs')
      throw new LossInputError(`${source}: ${name} has unknown field "${key}"; expected "singles" and "pairs"`);
  }
  const { singles, pairs } = value;
  if (!Array.isArray(singles))
    throw new LossInputError(
      `${source}: ${name}.singles must be a list of embeddings (one per distinct identity), got ${kindOf(singles)}`,
    );
  if (singles.length < 2) {
    throw new LossInputError(
      `${source}: ${name}.singles has ${singles.length} embedding(s); hardest negatives need at least 2 singles of distinct identities`,
    );
  }
  if (!Array.isArray(pairs))
    throw new LossInputError(
      `${source}: ${name}.pairs must be a list of [embedding, embedding] pairs, got ${kindOf(pairs)}`,
    );
  if (pairs.length === 0)
    throw new LossInputError(
      `${source}: ${name}.pairs is empty; the positive distribution needs at least 1 same-identity pair`,
    );
  return {
    singles: singles.map((v, i) => readVector(v, `${name}.singles[${i}]`, source, shape)),
    pairs: pairs.map((pair, i) => {
      const path = `${name}.pairs[${i}]`;
      if (!Array.isArray(pair) || pair.length !== 2) {
        const got = Array.isArray(pair) ? `a list of ${pair.length}` : kindOf(pair);
        throw new LossInputError(`${source}: ${path} must be a pair [embedding, embedding], got ${got}`);
      }
      return [readVector(pair[0], `${path}[0]`, source, shape), readVector(pair[1], `${path}[1]`, source, shape)];
    }),
  };
}

function readVector(value: unknown, path: string, source: string, shape: Shape): number[] {
  if (!Array.isArray(value))
    throw new LossInputError(`${source}: ${path} must be an embedding (a list of numbers), got ${kindOf(value)}`);
  if (value.length === 0) throw new LossInputError(`${source}: ${path} is empty; an embedding needs at least 1 value`);
  value.forEach((x, i) => {
    if (typeof x === 'number' && Number.isFinite(x)) return;
    const what =
      x === NON_FINITE.NaN
        ? 'NaN'
        : x === NON_FINITE.Infinity
          ? 'Infinity'
          : x === NON_FINITE.MinusInfinity
            ? '-Infinity'
            : typeof x === 'number'
              ? String(x)
              : kindOf(x);
    throw new LossInputError(`${source}: ${path}[${i}] is ${what}; every embedding value must be a finite number`);
  });
  if (shape.dim === 0) {
    shape.dim = value.length;
    shape.firstPath = path;
  } else if (value.length !== shape.dim) {
    throw new LossInputError(
      `${source}: ${path} has ${value.length} values but ${shape.firstPath} has ${shape.dim}; every embedding must have the same length`,
    );
  }
  if (value.every((x) => x === 0))
    throw new LossInputError(
      `${source}: ${path} is all zeros; it has no direction, so its cosine similarity is undefined`,
    );
  return value as number[];
}

// Markers that JSON text cannot produce from a number, so a bad value can be named by position.
const NON_FINITE = { NaN: '\u0000NaN', Infinity: '\u0000Infinity', MinusInfinity: '\u0000-Infinity' } as const;

/** Bare NaN, Infinity and -Infinity outside strings, rewritten as marker strings (otherwise valid JSON is untouched). */
function quoteNonFiniteLiterals(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    const literal = text.startsWith('-Infinity', i)
      ? '-Infinity'
      : text.startsWith('Infinity', i)
        ? 'Infinity'
        : text.startsWith('NaN', i)
          ? 'NaN'
          : null;
    if (literal) {
      out += JSON.stringify(
        literal === 'NaN' ? NON_FINITE.NaN : literal === 'Infinity' ? NON_FINITE.Infinity : NON_FINITE.MinusInfinity,
      );
      i += literal.length - 1;
      continue;
    }
    out += ch;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.replace(/^\u0000/, ''))}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
