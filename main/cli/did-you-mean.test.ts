import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from './did-you-mean.js';

describe('did you mean', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('dataset', 'dataset')).toBe(0);
    expect(editDistance('datset', 'dataset')).toBe(1);
    expect(editDistance('jsno', 'json')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests the closest word within two edits, and nothing farther', () => {
    const commands = ['dataset', 'demo', 'eval', 'lab', 'loss', 'metrics', 'runs', 'serve', 'split', 'synth', 'train'];
    expect(closestMatch('datset', commands)).toBe('dataset');
    expect(closestMatch('trian', commands)).toBe('train');
    expect(closestMatch('run', commands)).toBe('runs');
    expect(closestMatch('--jsno', ['--json', '--data-dir', '--help'])).toBe('--json');
    expect(closestMatch('--JSON', ['--json'])).toBe('--json');
    expect(closestMatch('export', commands)).toBeUndefined();
    expect(closestMatch('xy', ['ab'])).toBeUndefined();
  });

  it('words the suggestion for an error message', () => {
    expect(didYouMean('evl', ['eval', 'demo'])).toBe(' Did you mean "eval"?');
    expect(didYouMean('zzzzzz', ['eval', 'demo'])).toBe('');
  });
});
