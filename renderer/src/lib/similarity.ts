import type { DistributionName, SimilarityHistograms } from '../../../app/api/contract/index.js';

// The four DDL similarity distributions, laid out as two chart panels: by polarity (teacher vs
// student, what the KL terms compare) or by branch (genuine vs impostor, the overlap DDL shrinks).

export type HistogramGrouping = 'polarity' | 'branch';

export interface DistributionStyle {
  label: string;
  shortLabel: string;
  color: string;
  dashed: boolean;
}

export const distributionStyles: Record<DistributionName, DistributionStyle> = {
  teacherPositive: { label: 'Teacher genuine (easy pairs)', shortLabel: 'T+', color: '#1d4ed8', dashed: false },
  teacherNegative: { label: 'Teacher impostor (easy)', shortLabel: 'T−', color: '#4f8fe6', dashed: true },
  studentPositive: { label: 'Student genuine (hard pairs)', shortLabel: 'S+', color: '#c2410c', dashed: false },
  studentNegative: { label: 'Student impostor (hard)', shortLabel: 'S−', color: '#e8843c', dashed: true },
};

export interface HistogramPanel {
  title: string;
  series: Array<{ key: DistributionName; expectation: number | null; count: number } & DistributionStyle>;
}

export function histogramPanels(
  histograms: Pick<SimilarityHistograms, 'expectations' | 'counts'>,
  grouping: HistogramGrouping,
): HistogramPanel[] {
  const series = (key: DistributionName) => ({
    key,
    expectation: histograms.expectations[key],
    count: histograms.counts[key],
    ...distributionStyles[key],
  });
  return grouping === 'polarity'
    ? [
        {
          title: 'Genuine similarities: teacher vs student',
          series: [series('teacherPositive'), series('studentPositive')],
        },
        {
          title: 'Impostor similarities: teacher vs student',
          series: [series('teacherNegative'), series('studentNegative')],
        },
      ]
    : [
        {
          title: 'Teacher (easy): genuine vs impostor',
          series: [series('teacherPositive'), series('teacherNegative')],
        },
        {
          title: 'Student (hard): genuine vs impostor',
          series: [series('studentPositive'), series('studentNegative')],
        },
      ];
}

/** E[S+] − E[S−] per branch: the paper's Fig. 1 margin (null when a side has no samples). */
export function expectationMargins(histograms: Pick<SimilarityHistograms, 'expectations'>): {
  teacher: number | null;
  student: number | null;
} {
  const e = histograms.expectations;
  const margin = (pos: number | null, neg: number | null) => (pos === null || neg === null ? null : pos - neg);
  return {
    teacher: margin(e.teacherPositive, e.teacherNegative),
    student: margin(e.studentPositive, e.studentNegative),
  };
}

/** ROC points a log-FAR axis can draw: FAR above zero, sorted, floored at `minFar`. */
export function rocForLogAxis(
  points: ReadonlyArray<{ far: number; tar: number }>,
  minFar = 1e-6,
): Array<{ far: number; tar: number }> {
  return points
    .filter((p) => p.far >= minFar && p.far <= 1 && Number.isFinite(p.tar))
    .slice()
    .sort((a, b) => a.far - b.far);
}
