import { evaluationJson, evaluationMetricsCsv, failuresCsv, writeFileWhole } from '../../app/export/index.js';
import { defaultDataDir, openLabDatabase } from '../../app/lab/lab.js';
import { commandFailure, parseCommandLine, wholeNumber } from './command-line.js';

// `ddl-lab eval export EVALUATION --format json|csv|failures-csv [--out FILE]`: a stored evaluation
// as JSON (the report with its run, pair list and options), its per-type metrics as CSV, or its
// mined failures as CSV with both images' attributes; on stdout, or written whole to FILE.

const fail = commandFailure('eval export');

export const evaluationExportFormats = ['json', 'csv', 'failures-csv'] as const;

export const evalExportUsage = `Usage: ddl-lab eval export EVALUATION --format json|csv|failures-csv [--out FILE] [--data-dir DIR]
  EVALUATION     evaluation id ("ddl-lab eval RUN --pairs ID" prints the id of the evaluation it stores)
  --format json          the stored report with its run, pair list and options
  --format csv           metrics per pair type: one row overall, one per type
                         (accuracy, its sd, AUC, EER, TAR@FAR, E[S+], E[S-], margin, d', overlap, rank-1/5)
  --format failures-csv  the mined failures, worst first: path1,path2,label,type,score,kind,severity
                         and each image's attributes as a.NAME / b.NAME columns
  --out FILE     write FILE (default: stdout)
`;

export async function runEvalExport(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        out: { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    },
    evalExportUsage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(evalExportUsage);
    return 0;
  }
  if (positionals.length !== 1)
    return fail(`give one evaluation id, e.g. "ddl-lab eval export 2 --format json".\n\n${evalExportUsage}`);
  const id = wholeNumber(positionals[0]!, 1);
  if (id === null) return fail(`the evaluation id must be a whole number, got "${positionals[0]}".`);
  const format = values.format;
  if (format === undefined) return fail(`eval export needs --format ${evaluationExportFormats.join('|')}.`);
  if (!(evaluationExportFormats as readonly string[]).includes(format))
    return fail(`--format must be one of ${evaluationExportFormats.join(', ')}, got "${format}".`);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const db = openLabDatabase(dataDir, { mode: 'read' });
  try {
    const text =
      format === 'json'
        ? `${JSON.stringify(evaluationJson(db, id), null, 2)}\n`
        : format === 'csv'
          ? evaluationMetricsCsv(db, id)
          : failuresCsv(db, id);
    if (values.out === undefined) {
      process.stdout.write(text);
      return 0;
    }
    writeFileWhole(values.out, text);
    process.stderr.write(`wrote ${values.out}\n`);
    return 0;
  } catch (error) {
    return fail(`exporting evaluation ${id} from ${dataDir} failed: ${(error as Error).message}`, 1);
  } finally {
    db.close();
  }
}
