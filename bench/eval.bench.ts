// `npm run bench:eval`: time of the verification report on 10⁶ impostor + 10⁴ genuine scores with
// three pair types, stage by stage (the same functions computeVerificationReport composes), then the
// whole report, failure mining and identification; then scikit-learn's roc_curve + auc on the same
// scores beside ours (bench/reference/verification_sklearn.py; skipped with a message without
// python3-sklearn). Figures are from this one run.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, ratioText, runReference } from './reference.js';
import { Random } from '../app/util/random.js';
import { scoreDistributions } from '../app/eval/distributions.js';
import { mineFailures } from '../app/eval/failures.js';
import { assignFolds } from '../app/eval/folds.js';
import { identification } from '../app/eval/identification.js';
import { bestThreshold, bestThresholdsPerFold, kFoldAccuracy } from '../app/eval/kfold-accuracy.js';
import { ascendingOrder } from '../app/eval/sort-order.js';
import { checkPairInput } from '../app/eval/pair-input.js';
import { areaUnderRoc, equalErrorRate, operatingPointAtFar, rocFromSorted, thinRoc } from '../app/eval/roc.js';
import { sortPairs, splitByType } from '../app/eval/sorted-pairs.js';
import { computeVerificationReport } from '../app/eval/verification-report.js';

const impostors = 1_000_000;
const genuine = 10_000;
const n = impostors + genuine;
const typeNames = ['easy-easy', 'easy-hard', 'hard-hard'];

function makeScores(): { scores: Float32Array; labels: Uint8Array; codes: Uint8Array } {
  const random = new Random(1);
  const scores = new Float32Array(n);
  const labels = new Uint8Array(n);
  const codes = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const isGenuine = i < genuine;
    const type = random.int(3);
    labels[i] = isGenuine ? 1 : 0;
    codes[i] = type;
    const centre = isGenuine ? 0.55 - 0.12 * type : 0.02 * type;
    scores[i] = Math.max(-1, Math.min(1, centre + random.normal() * (isGenuine ? 0.15 : 0.1)));
  }
  return { scores, labels, codes };
}

function time<T>(label: string, work: () => T, lines: string[]): T {
  const start = performance.now();
  const result = work();
  lines.push(`  ${label.padEnd(44)} ${(performance.now() - start).toFixed(1).padStart(8)} ms`);
  return result;
}

const { scores, labels, codes } = makeScores();
const types = { codes, names: typeNames };
// One full warm-up run so the figures below measure compiled code, not the JIT.
const warmStart = performance.now();
computeVerificationReport(scores, labels, types);
const warmUp = performance.now() - warmStart;

const lines: string[] = [];
const stagesStart = performance.now();
const input = time('check input (types coded)', () => checkPairInput(scores, labels, types), lines);
const folds = time(
  'assign 10 stratified folds',
  () => assignFolds(input.labels, input.typeCodes, { folds: 10, assignment: 'stratified-shuffle', seed: 0 }),
  lines,
);
const all = time('sort (radix, the one sort)', () => sortPairs(input.scores, input.labels, folds), lines);
const perType = time('split per type (no re-sort)', () => splitByType(all, input.typeCodes!, typeNames.length), lines);
const sets = [all, ...perType];
time(
  'ROC + AUC + EER + TAR@FAR + thinning (4 sets)',
  () =>
    sets.map((set) => {
      const roc = rocFromSorted(set);
      return [
        areaUnderRoc(roc),
        equalErrorRate(roc),
        [1e-1, 1e-2, 1e-3, 1e-4, 1e-5].map((far) => operatingPointAtFar(roc, far)),
        thinRoc(roc, 200),
      ];
    }),
  lines,
);
time('10-fold accuracy (4 sets, one sweep each)', () => sets.map((set) => kFoldAccuracy(set, 10)), lines);
time(
  "histograms + stats + overlap + d' (4 sets)",
  () => sets.map((set) => scoreDistributions(set, { bins: 40, min: -1, max: 1 })),
  lines,
);
const stagesTotal = performance.now() - stagesStart;

const comparisons: string[] = [];
time(
  '  10 separate per-fold sweeps, all pairs',
  () => Array.from({ length: 10 }, (_, f) => bestThreshold(all, f)),
  comparisons,
);
time(
  '  10 fresh radix sorts of all pairs',
  () => Array.from({ length: 10 }, () => ascendingOrder(input.scores)),
  comparisons,
);
time('  one sweep for all 10 folds, all pairs', () => bestThresholdsPerFold(all, 10), comparisons);

const report = time(
  'computeVerificationReport, float32 scores',
  () => computeVerificationReport(scores, labels, types),
  lines,
);
const scores64 = Float64Array.from(scores, (s, i) => s + (i % 7) * 1e-12); // full-precision doubles
time('computeVerificationReport, float64 scores', () => computeVerificationReport(scores64, labels, types), lines);
time(
  'computeVerificationReport, string types',
  () =>
    computeVerificationReport(
      scores,
      labels,
      Array.from(codes, (c) => typeNames[c]!),
    ),
  lines,
);
time('computeVerificationReport, no types', () => computeVerificationReport(scores, labels), lines);
time('mineFailures at FAR 1e-2 (limit 50 per type)', () => mineFailures(scores, labels, types), lines);

const dim = 128;
const identities = 1000;
const random = new Random(2);
const unit = (count: number) => {
  const data = Float32Array.from({ length: count * dim }, () => random.normal());
  for (let r = 0; r < count; r++) {
    let norm = 0;
    for (let k = 0; k < dim; k++) norm += data[r * dim + k]! ** 2;
    for (let k = 0; k < dim; k++) data[r * dim + k]! /= Math.sqrt(norm);
  }
  return data;
};
const gallery = { embeddings: unit(identities), labels: Array.from({ length: identities }, (_, i) => i) };
const probes = { embeddings: unit(2000), labels: Array.from({ length: 2000 }, (_, i) => i % identities) };
time(`identification 2000 × ${identities} gallery, ${dim}-d`, () => identification({ gallery, probes }), lines);

process.stdout.write(
  `Eval benchmark: ${impostors} impostor + ${genuine} genuine scores, 3 pair types, Node ${process.version}\n`,
);
process.stdout.write(`  ${'first (cold) computeVerificationReport'.padEnd(44)} ${warmUp.toFixed(1).padStart(8)} ms\n`);
process.stdout.write(`${lines.join('\n')}\n`);
process.stdout.write(
  `  ${'stages above, summed (first seven lines)'.padEnd(44)} ${stagesTotal.toFixed(1).padStart(8)} ms\n`,
);
process.stdout.write(`Threshold search alternatives (why the 10-fold step is one sweep):\n${comparisons.join('\n')}\n`);
const eh = report.byType.find((t) => t.type === 'easy-hard')!;
process.stdout.write(
  `Check: overall AUC ${report.overall.auc?.toFixed(4)}, TAR@FAR=1e-4 ${report.overall.tarAtFar[3]?.tar?.toFixed(4)}, ` +
    `TAR@FAR=1e-6 ${report.overall.tarAtFar[5]?.reason}; easy-hard ROC vertices ${eh.roc?.vertices}, 10-fold ${eh.accuracy?.mean.toFixed(4)}\n`,
);

// scikit-learn beside ours on the same scores: roc_curve sorts, so our side includes our sort.
const rounds = 3;
const medianMs = (work: () => unknown) =>
  median(
    Array.from({ length: rounds }, () => {
      const start = performance.now();
      work();
      return performance.now() - start;
    }),
  );
const ourAuc: { value: number | null } = { value: null };
const oursAll = medianMs(() => {
  ourAuc.value = areaUnderRoc(rocFromSorted(sortPairs(input.scores, input.labels, folds)));
});
const oursSets = medianMs(() => {
  const sorted = sortPairs(input.scores, input.labels, folds);
  return [sorted, ...splitByType(sorted, input.typeCodes!, typeNames.length)].map((set) => {
    const roc = rocFromSorted(set);
    return [
      areaUnderRoc(roc),
      equalErrorRate(roc),
      [1e-1, 1e-2, 1e-3, 1e-4, 1e-5].map((far) => operatingPointAtFar(roc, far)),
    ];
  });
});
const file = join(tmpdir(), `ddl-bench-eval-${process.pid}.bin`);
writeFileSync(file, Buffer.concat([Buffer.from(scores.buffer), Buffer.from(labels.buffer), Buffer.from(codes.buffer)]));
const sklearn = runReference('verification_sklearn.py', [file, n, rounds]);
rmSync(file, { force: true });
process.stdout.write(`Reference, same scores, median of ${rounds}:\n`);
if (!sklearn.ok) process.stdout.write(`  scikit-learn reference skipped: ${sklearn.reason}\n`);
else {
  const ref = sklearn.value as {
    sklearn: string;
    rocAucAllMs: number;
    rocReportSetsMs: number;
    sets: number;
    auc: number;
  };
  const row = (label: string, ours: number, theirs: number) =>
    process.stdout.write(
      `  ${label.padEnd(44)} ours ${ours.toFixed(1)} ms, scikit-learn ${ref.sklearn} ${theirs.toFixed(1)} ms: ${ratioText(ours, theirs)}\n`,
    );
  row('ROC + AUC, all pairs (sort included)', oursAll, ref.rocAucAllMs);
  row(`ROC + AUC + EER + TAR@5 FARs, ${ref.sets} sets`, oursSets, ref.rocReportSetsMs);
  process.stdout.write(`  AUC cross-check: ours ${ourAuc.value?.toFixed(6)}, scikit-learn ${ref.auc.toFixed(6)}\n`);
}
