import { describe, expect, it } from 'vitest';
import { pairTypesFromSides, sidesFromPairTypes, sidesFromSplit } from './image-sides.js';

describe('image sides', () => {
  it('reads sides back from pair types: hard-hard wins, easy-hard propagates, then easy first', () => {
    const sides = sidesFromPairTypes({
      image1Ids: [1, 3, 5, 1, 7, 9],
      image2Ids: [2, 4, 6, 3, 1, 10],
      types: ['easy-easy', 'hard-hard', 'easy-hard', 'easy-easy', 'easy-hard', null],
    });
    // 3 is hard (hard-hard beats the easy-easy pair 1-3); 7 is opposite of the easy 1; 5-6 follow the order convention.
    expect(Object.fromEntries(sides)).toEqual({ 1: 0, 2: 0, 3: 1, 4: 1, 5: 0, 6: 1, 7: 1 });
  });

  it('types pairs from a split, null where an image has no side', () => {
    const sides = sidesFromSplit({ easy: [1, 2], hard: [3] });
    expect(pairTypesFromSides({ image1Ids: [1, 1, 3, 1], image2Ids: [2, 3, 3, 9] }, sides)).toEqual([
      'easy-easy',
      'easy-hard',
      'hard-hard',
      null,
    ]);
  });
});
