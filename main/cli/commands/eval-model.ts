// `ddl-lab eval-model NAME --pairs ID [eval's options]`: evaluates a pretrained model without
// training. The model is stored on the pair list's dataset as a pretrained run (app/lab/models.ts,
// made once and reused), which `ddl-lab eval` then evaluates: the same report, flags and storage.
import { pairListDatasetId, pretrainedModelRun } from '../../../app/lab/models.js';
import { defaultDataDir, LabOperationError, openLabDatabase } from '../../../app/lab/lab.js';
import { commandFailure, parseCommandLine, wholeNumber } from '../command-line.js';
import { run as runEval } from './eval.js';

const fail = commandFailure('eval-model');

const usage = `Usage: ddl-lab eval-model NAME --pairs ID [--json] [--data-dir DIR] [any "ddl-lab eval" option]
  NAME        a pretrained model ("ddl-lab models list")
  --pairs ID  pair list id ("ddl-lab dataset show DATASET" lists a dataset's pair lists)
The model is stored on the pair list's dataset as a pretrained run (a stage-1 run with one step-0
checkpoint and no training), so it shows in "ddl-lab runs list", can be evaluated again with
"ddl-lab eval RUN" and fine-tuned by a stage-2 run. The report is "ddl-lab eval"'s ("eval --help").
`;

export async function run(args: string[]): Promise<number> {
  // The options of "ddl-lab eval" (passed on to it as given), so a bad flag is a usage error here.
  const parsed = parseCommandLine(
    {
      args,
      allowPositionals: true,
      options: {
        pairs: { type: 'string' },
        flip: { type: 'boolean' },
        threshold: { type: 'string' },
        far: { type: 'string' },
        step: { type: 'string' },
        split: { type: 'string' },
        failures: { type: 'string' },
        'scores-out': { type: 'string' },
        json: { type: 'boolean' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (positionals.length !== 1)
    return fail(`give one model name, e.g. "ddl-lab eval-model mobilefacenet --pairs 1".\n\n${usage}`, 2);
  const name = positionals[0]!;
  const rest = args.filter((a) => a !== name);
  const pairsText = values.pairs;
  if (pairsText === undefined) return fail(`--pairs ID is required: the pair list to evaluate on.\n\n${usage}`, 2);
  const pairListId = wholeNumber(pairsText, 1);
  if (pairListId === null) return fail(`--pairs must be a pair list id (a whole number), got "${pairsText}".`, 2);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  let runId: number;
  const db = openLabDatabase(dataDir);
  try {
    const lab = { db, dataDir };
    const datasetId = pairListDatasetId(lab, pairListId);
    const { run, created } = await pretrainedModelRun(lab, { model: name, datasetId });
    process.stderr.write(`${created ? 'stored' : 'using'} ${name} on dataset ${datasetId} as run ${run.id}\n`);
    runId = run.id;
  } catch (error) {
    if (error instanceof LabOperationError) return fail(error.message, 1);
    return fail(`preparing ${name} failed: ${(error as Error).message}`, 1);
  } finally {
    db.close();
  }
  return runEval([String(runId), ...rest]);
}
