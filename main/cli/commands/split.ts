// `ddl-lab split create|preview|list|show`: easy/hard splits of a dataset from JSON rules.
// The work is in app/data (rule validation, evaluation, storage).
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { SplitScores } from '../../../app/data/compile-rule.js';
import { evaluateSplit, loadSplit, saveSplit, type SplitSummary } from '../../../app/data/evaluate-split.js';
import { SplitRuleError } from '../../../app/data/split-rule.js';
import { defaultDataDir } from '../../../app/store/data-dir.js';
import { findDataset } from '../../../app/store/datasets-repo.js';
import { openLabDatabase, type LabDatabase } from '../../../app/store/db.js';
import { findSplit, listSplits } from '../../../app/store/splits-repo.js';
import { commandFailure, parseCommandLine } from '../command-line.js';

const fail = commandFailure('split');

const usage = `Usage:
  ddl-lab split create DATASET --rule FILE.json [--name N] [--scores FILE.json] [--data-dir D] [--json]
  ddl-lab split preview DATASET --rule FILE.json [--scores FILE.json] [--data-dir D] [--json]
  ddl-lab split list [DATASET] [--data-dir D] [--json]
  ddl-lab split show DATASET SPLIT [--data-dir D] [--json]

A rule says which images are hard (and optionally which are easy), e.g.
  {"hard": {"any": [{"attr": "yaw", "abs": true, "op": ">=", "value": 45},
                    {"attr": "resolution", "op": "<=", "value": 0.25}]}}
Comparisons: < <= > >= == != in; groups: all / any / not; also measured attributes (sharpness,
brightness, contrast, width, height), {"tag": T}, {"images": [ids]} and
{"percentile": {"score": NAME, "below": P}} with --scores {"NAME": {"<image id>": score}}.
--rule also takes the JSON itself. DATASET and SPLIT are ids or names.
`;

const options = {
  rule: { type: 'string' },
  name: { type: 'string' },
  scores: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine({ args, options, allowPositionals: true }, usage, fail);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [action, datasetArg, splitArg] = positionals;
  if (values.help || !action) {
    process.stdout.write(usage);
    return action || values.help ? 0 : 2;
  }
  const db = openLabDatabase(values['data-dir'] ?? defaultDataDir(), { mode: action === 'create' ? 'write' : 'read' });
  try {
    if (action === 'list') return listCommand(db, datasetArg, values.json);
    if (!datasetArg) return fail(`${action} needs a DATASET (id or name).\n\n${usage}`, 2);
    const dataset = findDataset(db, datasetArg);
    if (!dataset) return fail(`no dataset "${datasetArg}"; "ddl-lab dataset list" shows the datasets there are.`, 1);
    switch (action) {
      case 'create':
      case 'preview': {
        if (!values.rule) return fail(`${action} needs --rule FILE.json.\n\n${usage}`, 2);
        const rule = readJson(values.rule, 'rule');
        const scores = values.scores ? (readJson(values.scores, 'scores') as SplitScores) : undefined;
        if (action === 'preview') return printSummary(evaluateSplit(db, dataset.id, rule, scores), values.json, null);
        const name =
          values.name ??
          freeName(
            db,
            dataset.id,
            values.rule.trim().startsWith('{') ? 'split' : basename(values.rule).replace(/\.json$/i, ''),
          );
        const saved = saveSplit(db, dataset.id, name, rule, scores);
        return printSummary(saved.summary, values.json, { id: saved.id, name: saved.name });
      }
      case 'show': {
        if (!splitArg) return fail('show needs DATASET and SPLIT (id or name).', 2);
        const split = loadSplit(db, dataset.id, splitArg);
        if (values.json) {
          process.stdout.write(
            `${JSON.stringify({ id: split.id, name: split.name, datasetId: split.datasetId, rule: split.rule, summary: split.summary, createdAt: split.createdAt, easy: split.easy, hard: split.hard }, null, 2)}\n`,
          );
          return 0;
        }
        process.stdout.write(`Rule: ${JSON.stringify(split.rule)}\n`);
        return printSummary(split.summary, false, { id: split.id, name: split.name });
      }
      default:
        return fail(`unknown action "${action}".\n\n${usage}`, 2);
    }
  } catch (error) {
    if (error instanceof SplitRuleError)
      return fail(`invalid rule:\n${error.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, 1);
    return fail(error instanceof Error ? error.message : String(error), 1);
  } finally {
    db.close();
  }
}

function listCommand(db: LabDatabase, datasetArg: string | undefined, json: boolean): number {
  const dataset = datasetArg === undefined ? undefined : findDataset(db, datasetArg);
  if (datasetArg !== undefined && !dataset) return fail(`no dataset "${datasetArg}".`, 1);
  const splits = listSplits<unknown, SplitSummary>(db, dataset?.id).map((s) => ({
    id: s.id,
    datasetId: s.datasetId,
    name: s.name,
    createdAt: s.createdAt,
    easyImages: s.summary.easyImages,
    hardImages: s.summary.hardImages,
    usableIdentities: s.summary.usableIdentities,
  }));
  if (json) process.stdout.write(`${JSON.stringify(splits, null, 2)}\n`);
  else if (splits.length === 0)
    process.stdout.write('No splits yet; "ddl-lab split create DATASET --rule FILE.json" adds one.\n');
  else
    for (const s of splits)
      process.stdout.write(
        `${s.id}\tdataset ${s.datasetId}\t${s.name}\t${s.easyImages} easy\t${s.hardImages} hard\t${s.usableIdentities} usable identities\n`,
      );
  return 0;
}

function printSummary(summary: SplitSummary, json: boolean, saved: { id: number; name: string } | null): number {
  if (json) {
    process.stdout.write(
      `${JSON.stringify(saved ? { id: saved.id, name: saved.name, ...summary } : summary, null, 2)}\n`,
    );
    return 0;
  }
  const head = saved ? `Split ${saved.id} "${saved.name}"` : 'Preview';
  process.stdout.write(
    `${head}: ${summary.easyImages} easy, ${summary.hardImages} hard, ${summary.excludedImages} excluded of ${summary.images} images; ` +
      `${summary.usableIdentities} of ${summary.identities} identities usable for DDL (≥2 easy, ≥1 hard).\n`,
  );
  for (const warning of summary.warnings) process.stdout.write(`Warning: ${warning}\n`);
  return 0;
}

/** A file's JSON, or the argument itself when it is JSON. */
function readJson(arg: string, what: string): unknown {
  const text = arg.trim().startsWith('{') ? arg : existsSync(arg) ? readFileSync(arg, 'utf8') : null;
  if (text === null) throw new Error(`--${what} ${arg}: no such file.`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(
      `--${what} ${arg.length > 60 ? `${arg.slice(0, 60)}…` : arg} is not valid JSON (${(error as Error).message}).`,
    );
  }
}

function freeName(db: LabDatabase, datasetId: number, base: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!findSplit(db, datasetId, name)) return name;
  }
}
