import { describe, expect, it, vi } from 'vitest';
import { commandFailure, parseCommandLine, wholeNumber } from './command-line.js';

describe('command-line helpers', () => {
  it('report a bad flag with the usage as exit code 2, and parse good ones', () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const fail = commandFailure('demo');
      const options = { size: { type: 'string' }, json: { type: 'boolean', default: false } } as const;
      expect(parseCommandLine({ args: ['--bogus'], options }, 'Usage: ddl-lab demo [--size N]\n', fail)).toBe(2);
      expect(written.join('')).toMatch(
        /^ddl-lab demo: Unknown option '--bogus'.*\n\nUsage: ddl-lab demo \[--size N\]\n$/s,
      );
      const parsed = parseCommandLine({ args: ['--size', '7'], options }, '', fail);
      expect(typeof parsed === 'number' ? parsed : parsed.values).toEqual({ size: '7', json: false });
      expect(fail('it broke', 1)).toBe(1);
      expect(written.at(-1)).toBe('ddl-lab demo: it broke\n');
    } finally {
      spy.mockRestore();
    }
  });

  it('read whole numbers within bounds and nothing else', () => {
    expect(wholeNumber('12')).toBe(12);
    expect(wholeNumber(' 8 ', 8, 1024)).toBe(8);
    for (const bad of ['', '-1', '1.5', '1e3', 'ten', '2000']) expect(wholeNumber(bad, 0, 1024), bad).toBeNull();
    expect(wholeNumber('0', 1)).toBeNull();
  });
});
