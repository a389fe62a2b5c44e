import { describe, expect, it } from 'vitest';
import { pairedDifference } from '../eval/paired-statistics.js';
import { aggregate, formatSummaryTable, type SummaryRow } from './demo-table.js';

// The demo table on a pretrained MobileFaceNet: every similarity is 0.999x, so its margins are
// 1e-5 and three decimals printed a column of "0.000" (demo --pretrained, first run).

function row(label: string, stage1: number, cls: number, ddl: number): SummaryRow {
  return {
    key: label,
    label,
    better: 'higher',
    arms: { stage1: aggregate([stage1]), classification: aggregate([cls]), ddl: aggregate([ddl]) },
    ddlMinusClassification: aggregate([ddl - cls]),
    difference: pairedDifference([ddl], [cls]),
  };
}

describe('demo table cells', () => {
  it('keeps two significant digits of values too small for three decimals, and plain zeros plain', () => {
    const table = formatSummaryTable(
      [row('easy-hard margin', 2.1e-5, 3.4e-5, 5e-5), row('accuracy', 0.6171, 0.5, 0.5)],
      1,
      {
        stage1: 'mobilefacenet (pretrained)',
        classification: 'cls-only FT',
        ddl: 'DDL FT',
      },
    );
    const [margin, accuracy] = table.split('\n').slice(2, 4);
    expect(margin).toMatch(/easy-hard margin\s+2\.1e-5\s+3\.4e-5\s+5\.0e-5\s+\+1\.6e-5/);
    expect(accuracy).toMatch(/accuracy\s+0\.617\s+0\.500\s+0\.500\s+0\.000\s*$/);
    expect(table).not.toContain('-0.000');
    expect(table.split('\n')[0]).toContain('mobilefacenet (pretrained)');
  });
});
