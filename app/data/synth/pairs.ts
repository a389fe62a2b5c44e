// pairs.csv: verification pairs `path1,path2,same,type`, type easy-easy | easy-hard | hard-hard
// (easy image first in easy-hard). Per type: up to PAIRS_PER_IDENTITY genuine pairs per identity,
// and exactly as many impostor pairs between random identities. Deterministic from the seed.
import { Random } from '../../util/random.js';
import { pairTypes, type PairType } from '../../vocabulary/index.js';

export { pairTypes } from '../../vocabulary/index.js';
export const PAIRS_PER_IDENTITY = 3;
export const pairsHeader = 'path1,path2,same,type';

export interface IdentityImages {
  easy: string[];
  hard: string[];
}

export interface Pair {
  path1: string;
  path2: string;
  same: boolean;
  type: PairType;
}

function genuineCandidates(images: IdentityImages, type: PairType): [string, string][] {
  const out: [string, string][] = [];
  const within = (list: string[]) => {
    for (let a = 0; a < list.length; a++) for (let b = a + 1; b < list.length; b++) out.push([list[a]!, list[b]!]);
  };
  if (type === 'easy-easy') within(images.easy);
  else if (type === 'hard-hard') within(images.hard);
  else for (const e of images.easy) for (const h of images.hard) out.push([e, h]);
  return out;
}

function sides(type: PairType): ['easy' | 'hard', 'easy' | 'hard'] {
  return type === 'easy-easy' ? ['easy', 'easy'] : type === 'hard-hard' ? ['hard', 'hard'] : ['easy', 'hard'];
}

/** All pairs, type by type, each type's genuine and impostor pairs shuffled together. */
export function buildPairs(identities: readonly IdentityImages[], rng: Random): Pair[] {
  const pairs: Pair[] = [];
  for (const type of pairTypes) {
    const genuine: Pair[] = [];
    for (const images of identities) {
      const candidates = rng.shuffle(genuineCandidates(images, type));
      for (const [path1, path2] of candidates.slice(0, PAIRS_PER_IDENTITY))
        genuine.push({ path1, path2, same: true, type });
    }
    const [sideA, sideB] = sides(type);
    const impostor: Pair[] = [];
    const seen = new Set<string>();
    const usable = identities
      .map((_, i) => i)
      .filter((i) => identities[i]![sideA].length > 0 || identities[i]![sideB].length > 0);
    for (
      let attempts = 0;
      impostor.length < genuine.length && attempts < genuine.length * 50 && usable.length > 1;
      attempts++
    ) {
      const a = rng.pick(usable),
        b = rng.pick(usable);
      if (a === b) continue;
      const listA = identities[a]![sideA],
        listB = identities[b]![sideB];
      if (listA.length === 0 || listB.length === 0) continue;
      const path1 = rng.pick(listA),
        path2 = rng.pick(listB);
      const key = path1 < path2 ? `${path1}|${path2}` : `${path2}|${path1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      impostor.push({ path1, path2, same: false, type });
    }
    genuine.splice(impostor.length); // balanced even when too few distinct impostor pairs exist
    pairs.push(...rng.shuffle([...genuine, ...impostor]));
  }
  return pairs;
}

export function pairRow(p: Pair): string {
  return `${p.path1},${p.path2},${p.same ? 1 : 0},${p.type}`;
}
