import { describe, expect, it } from 'vitest';
import { defaultDdlConfig, parseDdlConfig } from './ddl-config.js';

describe('DDL config', () => {
  it('defaults to the reference values', () => {
    expect(defaultDdlConfig).toEqual({
      bins: { min: 0, max: 1, count: 1000 },
      sigma: 0.1,
      lambdaPos: 0.1,
      lambdaNeg: 0.02,
      lambdaOrder: 0.5,
      positiveThreshold: 0,
      studentPairs: 'easy-hard',
      teacherGradient: 'flow',
      compat: 'clean',
    });
  });

  it('keeps given fields and fills the rest', () => {
    const config = parseDdlConfig({ sigma: 0.05, bins: { count: 50 }, compat: 'reference' });
    expect(config.sigma).toBe(0.05);
    expect(config.bins).toEqual({ min: 0, max: 1, count: 50 });
    expect(config.compat).toBe('reference');
    expect(config.lambdaPos).toBe(0.1);
  });

  it.each([
    [{ sigma: -1 }, 'DDL config: sigma must be > 0, got -1'],
    [{ sigma: 'wide' }, 'DDL config: sigma must be a number, got "wide"'],
    [{ lambdaNeg: -0.5 }, 'DDL config: lambdaNeg must be >= 0, got -0.5'],
    [{ bins: { count: 1.5 } }, 'DDL config: bins.count must be a whole number, got 1.5'],
    [{ bins: { min: 1, max: 0 } }, 'DDL config: bins.max must be > bins.min, got min 1 and max 0'],
    [{ positiveThreshold: 1 }, 'DDL config: positiveThreshold must be in [-1, 1), got 1'],
    [{ compat: 'torch' }, 'DDL config: compat must be "clean" or "reference", got "torch"'],
    [{ teacherGradient: 'detach' }, 'DDL config: teacherGradient must be "flow" or "stop", got "detach"'],
    [{ studentPairs: 'hard' }, 'DDL config: studentPairs must be "easy-hard" or "hard-hard", got "hard"'],
    [{ lamdaPos: 1 }, 'DDL config: unknown field "lamdaPos"'],
  ])('rejects %j with a readable message', (input, message) => {
    expect(() => parseDdlConfig(input)).toThrow(message);
  });

  it('reports every problem at once', () => {
    expect(() => parseDdlConfig({ sigma: 0, lambdaPos: -1 })).toThrow(
      'DDL config: sigma must be > 0, got 0; lambdaPos must be >= 0, got -1',
    );
  });
});
