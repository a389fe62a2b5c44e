import { describe, expect, it } from 'vitest';
import { parseScoresCsv } from '../eval/scores-csv.js';
import { csvField, csvNumber } from './csv-field.js';

describe('csvField', () => {
  it('leaves plain text alone and quotes what a CSV reader would otherwise split or skip', () => {
    expect(csvField('id01/a.jpg')).toBe('id01/a.jpg');
    expect(csvField('a,b.jpg')).toBe('"a,b.jpg"');
    expect(csvField('say "hi".jpg')).toBe('"say ""hi"".jpg"');
    expect(csvField('#1/a.jpg')).toBe('"#1/a.jpg"');
    expect(csvField(' lead.jpg')).toBe('" lead.jpg"');
  });

  it('round-trips awkward paths and exact scores through the metrics reader', () => {
    const scores = [0.1 + 0.2, -1 / 3];
    const text = [
      'path1,path2,label,type,score',
      `${csvField('#x/a.jpg')},${csvField('q"/c.jpg')},1,easy-easy,${csvNumber(scores[0]!)}`,
      `${csvField('y/a,b.jpg')},${csvField('y/e.jpg')},0,hard-hard,${csvNumber(scores[1]!)}`,
    ].join('\n');
    const parsed = parseScoresCsv(text);
    expect(parsed.skipped).toBe(0);
    expect(Array.from(parsed.scores)).toEqual(scores);
    expect(Array.from(parsed.labels)).toEqual([1, 0]);
    expect(parsed.types).toEqual(['easy-easy', 'hard-hard']);
  });

  it('writes a missing number as NaN', () => {
    expect(csvNumber(null)).toBe('NaN');
    expect(csvNumber(1e-7)).toBe('1e-7');
  });
});
