// `ddl-lab split create|preview|list|show`: easy/hard splits of a dataset from JSON rules.
// The work is in app/lab/splits.ts (rules validated and evaluated by app/data).
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { findDataset } from '../../../app/lab/datasets.js';
import { defaultDataDir, openLabDatabase, type Lab } from '../../../app/lab/lab.js';
import { resolveDatasetRef, resolveSplitRef } from '../../../app/lab/refs.js';
import {
  createSplit,
  listSplitSummaries,
  loadSplit,
  previewSplit,
  SplitRuleError,
  type SplitScores,
  type SplitSummary,
} from '../../../app/lab/splits.js';
import { commandFailure, parseCommandLine } from '../command-line.js';
import { didYouMean } from '../did-you-mean.js';

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
    (values.help ? process.stdout : process.stderr).write(usage); // no action: a usage error
    return values.help ? 0 : 2;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const db = openLabDatabase(dataDir, { mode: action === 'create' ? 'write' : 'read' });
  const lab: Lab = { db, dataDir };
  try {
    if (action === 'list') return listCommand(lab, datasetArg, values.json);
    if (!datasetArg) return fail(`${action} needs a DATASET (id or name).\n\n${usage}`, 2);
    const dataset = findDataset(lab, resolveDatasetRef(lab, datasetArg));
    if (!dataset) return fail(`no dataset "${datasetArg}"; "ddl-lab dataset list" shows the datasets there are.`, 1);
    switch (action) {
      case 'create':
      case 'preview': {
        if (!values.rule) return fail(`${action} needs --rule FILE.json.\n\n${usage}`, 2);
        const rule = readJson(values.rule, 'rule');
        const scores = values.scores ? (readJson(values.scores, 'scores') as SplitScores) : undefined;
        if (action === 'preview') return printSummary(previewSplit(lab, dataset.id, rule, scores), values.json, null);
        const saved = createSplit(lab, dataset.id, {
          rule,
          scores,
          name: values.name,
          nameBase: values.rule.trim().startsWith('{') ? 'split' : basename(values.rule).replace(/\.json$/i, ''),
        });
        return printSummary(saved.summary, values.json, { id: saved.id, name: saved.name });
      }
      case 'show': {
        if (!splitArg) return fail(`show needs DATASET and SPLIT (id or name).\n\n${usage}`, 2);
        const split = loadSplit(lab, dataset.id, resolveSplitRef(lab, dataset.id, splitArg));
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
        return fail(
          `unknown action "${action}".${didYouMean(action, ['list', 'create', 'preview', 'show'])}\n\n${usage}`,
          2,
        );
    }
  } catch (error) {
    if (error instanceof SplitRuleError)
      return fail(`invalid rule:\n${error.issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`, 1);
    return fail(error instanceof Error ? error.message : String(error), 1);
  } finally {
    db.close();
  }
}

function listCommand(lab: Lab, datasetArg: string | undefined, json: boolean): number {
  const dataset = datasetArg === undefined ? undefined : findDataset(lab, resolveDatasetRef(lab, datasetArg));
  if (datasetArg !== undefined && !dataset) return fail(`no dataset "${datasetArg}".`, 1);
  const splits = listSplitSummaries(lab, dataset?.id);
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
