import { describe, expect, it } from 'vitest';
import { Random } from '../../util/random.js';
import { buildPairs, type IdentityImages, PAIRS_PER_IDENTITY } from './pairs.js';

const groups: IdentityImages[] = Array.from({ length: 5 }, (_, k) => ({
  easy: [`a${k}/e0`, `a${k}/e1`, `a${k}/e2`],
  hard: k === 0 ? [`a${k}/h0`] : [`a${k}/h0`, `a${k}/h1`],
}));
const identity = (path: string) => path.split('/')[0];

describe('buildPairs', () => {
  it('balances genuine and impostor pairs per type and types each pair by its images', () => {
    const pairs = buildPairs(groups, new Random(3));
    for (const type of ['easy-easy', 'easy-hard', 'hard-hard'] as const) {
      const ofType = pairs.filter((p) => p.type === type);
      const genuine = ofType.filter((p) => p.same),
        impostor = ofType.filter((p) => !p.same);
      expect(genuine.length).toBe(impostor.length);
      for (const p of genuine) expect(identity(p.path1)).toBe(identity(p.path2));
      for (const p of impostor) expect(identity(p.path1)).not.toBe(identity(p.path2));
      for (const p of ofType) {
        const kinds = [p.path1, p.path2].map((x) => (x.includes('/h') ? 'hard' : 'easy'));
        expect(kinds.join('-')).toBe(type);
      }
    }
    // identity 0 has one hard image: no hard-hard genuine pair for it; others give one each
    expect(pairs.filter((p) => p.type === 'hard-hard' && p.same)).toHaveLength(4);
    expect(pairs.filter((p) => p.type === 'easy-hard' && p.same)).toHaveLength(5 * PAIRS_PER_IDENTITY);
  });

  it('is deterministic for a seed', () => {
    expect(buildPairs(groups, new Random(9))).toEqual(buildPairs(groups, new Random(9)));
    expect(buildPairs(groups, new Random(9))).not.toEqual(buildPairs(groups, new Random(10)));
  });
});
