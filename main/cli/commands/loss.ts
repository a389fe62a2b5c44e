// `ddl-lab loss --in FILE.json [--compat clean|reference]`: the DDL terms (each KL, order, total,
// expectations, histograms) for given embeddings, JSON in and out, to check our numbers against
// another implementation. The maths is in app/losses/ddl; reading, checking and printing in
// main/cli (loss-input.ts, loss-report.ts).
import { LossInputError, readLossInput } from '../loss-input.js';
import { commandFailure, parseCommandLine } from '../command-line.js';
import { describeNonFinite, firstNonFinite } from '../finite-output.js';

const fail = commandFailure('loss');

const usage = `Usage: ddl-lab loss --in FILE.json [--compat clean|reference]

FILE.json: {"teacher": {"singles": [[...], ...], "pairs": [[[...], [...]], ...]},
            "student": {"singles": ..., "pairs": ...}, "options": {...}}
  singles  embeddings of distinct identities (hardest negatives; at least 2 per branch)
  pairs    same-identity embedding pairs (positives; at least 1 per branch)
  options  any DDL option: bins {min, max, count}, sigma, lambdaPos, lambdaNeg, lambdaOrder,
           positiveThreshold, teacherGradient, compat (defaults: the reference implementation's)
Embeddings need not be normalised. Teacher = easy (P), student = hard (Q).
Prints JSON: posKL, negKL, order, total = lambdaPos*posKL + lambdaNeg*negKL + lambdaOrder*order,
teacher/student {posMean, negMean, posKept, pairs, singles}, histograms, options.
--compat reference reproduces the published code's hardest negatives (upper-triangle row max).
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      options: {
        in: { type: 'string' },
        compat: { type: 'string' },
        json: { type: 'boolean', default: true }, // output is always JSON; accepted for symmetry
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (!values.in) return fail(`--in FILE.json is required.\n\n${usage}`, 2);
  const compat = values.compat;
  if (compat !== undefined && compat !== 'clean' && compat !== 'reference')
    return fail(`--compat must be clean or reference, got "${compat}".`, 2);

  try {
    const input = await readLossInput(values.in);
    // tfjs loads only once the input is known to be good: bad input fails fast.
    const tf = await import('@tensorflow/tfjs');
    const { computeLossReport, formatLossReport } = await import('../loss-report.js');
    tf.enableProdMode(); // also silences tfjs's "install tfjs-node" banner
    await tf.setBackend('cpu'); // small, exact float32 work: the plain backend is enough
    const report = computeLossReport(input, values.in, compat ? { compat } : {});
    const bad = firstNonFinite(report);
    if (bad) {
      const { sigma, bins } = report.options;
      return fail(
        `${describeNonFinite(bad)}: the DDL terms of ${values.in} cannot be computed in float32 with these options (sigma ${sigma}, bins ${bins.min}..${bins.max} × ${bins.count}); a sigma far below the bin width underflows. Nothing was printed.`,
        1,
      );
    }
    process.stdout.write(`${formatLossReport(report)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof LossInputError) return fail(error.message, 1);
    throw error;
  }
}
