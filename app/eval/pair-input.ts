// Checks and normalises the (scores, labels, types) triple every metric starts from, with errors
// that name the index and value, so bad input is refused before any number is computed.

export type ScoreArray = Float32Array | Float64Array | readonly number[];
export type LabelArray = ArrayLike<number>;

/** Pair types as one string per pair, or as codes into a list of names (cheaper for 10⁶ pairs). */
export type PairTypes = readonly string[] | { codes: ArrayLike<number>; names: readonly string[] };

export interface PairInput {
  scores: Float32Array | Float64Array;
  /** 1 genuine, 0 impostor. */
  labels: Uint8Array;
  /** Type code per pair (index into typeNames); null without types. */
  typeCodes: Uint16Array | null;
  typeNames: string[];
}

const knownTypeOrder = ['easy-easy', 'easy-hard', 'hard-hard'];

export function checkPairInput(scores: ScoreArray, labels: LabelArray, types?: PairTypes | null): PairInput {
  const n = scores.length;
  if (labels.length !== n)
    throw new Error(`labels has ${labels.length} entries but scores has ${n}; give one label per score.`);
  const typedScores =
    scores instanceof Float32Array || scores instanceof Float64Array ? scores : Float64Array.from(scores);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(typedScores[i]!))
      throw new Error(`scores[${i}] is ${String(scores[i])}; every score must be a finite number.`);
  }
  const typedLabels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (label !== 0 && label !== 1)
      throw new Error(`labels[${i}] is ${String(label)}; a label must be 1 (genuine) or 0 (impostor).`);
    typedLabels[i] = label;
  }
  const coded = types ? codeTypes(types, n) : null;
  return { scores: typedScores, labels: typedLabels, typeCodes: coded?.codes ?? null, typeNames: coded?.names ?? [] };
}

// Re-codes types so names come in display order: easy-easy, easy-hard, hard-hard, then by name.
function codeTypes(types: PairTypes, n: number): { codes: Uint16Array; names: string[] } {
  const raw = new Uint32Array(n);
  let rawNames: string[];
  if (isCoded(types)) {
    if (types.codes.length !== n)
      throw new Error(`types.codes has ${types.codes.length} entries but scores has ${n}; give one type per score.`);
    rawNames = [...types.names];
    for (let i = 0; i < n; i++) {
      const code = types.codes[i]!;
      if (!Number.isInteger(code) || code < 0 || code >= rawNames.length) {
        throw new Error(
          `types.codes[${i}] is ${String(code)}; it must index types.names (0 … ${rawNames.length - 1}).`,
        );
      }
      raw[i] = code;
    }
  } else {
    if (types.length !== n)
      throw new Error(`types has ${types.length} entries but scores has ${n}; give one type per score.`);
    const seen = new Map<string, number>();
    rawNames = [];
    for (let i = 0; i < n; i++) {
      const name = types[i];
      if (typeof name !== 'string')
        throw new Error(`types[${i}] is ${String(name)}; a pair type must be a string such as "easy-hard".`);
      let code = seen.get(name);
      if (code === undefined) {
        code = rawNames.length;
        seen.set(name, code);
        rawNames.push(name);
      }
      raw[i] = code;
    }
  }
  const used = new Uint8Array(rawNames.length);
  for (let i = 0; i < n; i++) used[raw[i]!] = 1;
  const names = [...new Set(rawNames.filter((_, c) => used[c]))].sort(compareTypeNames);
  if (names.length > 65535) throw new Error(`There are ${names.length} pair types; at most 65535 are supported.`);
  const remap = rawNames.map((name) => names.indexOf(name));
  const codes = new Uint16Array(n);
  for (let i = 0; i < n; i++) codes[i] = remap[raw[i]!]!;
  return { codes, names };
}

function isCoded(types: PairTypes): types is { codes: ArrayLike<number>; names: readonly string[] } {
  return !Array.isArray(types) && typeof (types as { codes?: unknown }).codes === 'object';
}

export function compareTypeNames(a: string, b: string): number {
  const ia = knownTypeOrder.indexOf(a);
  const ib = knownTypeOrder.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}
