import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

describe('Random', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Random(7),
      b = new Random(7),
      c = new Random(8);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('resumes the same sequence from a saved state', () => {
    const r = new Random(3);
    r.next();
    r.next();
    const resumed = Random.restore(r.save());
    expect([resumed.next(), resumed.next()]).toEqual([r.next(), r.next()]);
  });

  it('gives roughly uniform ints and a full permutation on shuffle', () => {
    const r = new Random(1);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[r.int(4)]! += 1;
    for (const c of counts) expect(c).toBeGreaterThan(850);
    expect(r.shuffle([0, 1, 2, 3, 4, 5]).sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});
