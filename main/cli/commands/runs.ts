// `ddl-lab runs list|show|cancel|resume|delete`: the run records in the data directory.
import { defaultDataDir, LabOperationError, openLabDatabase, type Lab } from '../../../app/lab/lab.js';
import { resolveDatasetRef, resolveRunRef } from '../../../app/lab/refs.js';
import {
  openRunManager,
  runHistograms,
  runLatestMetrics,
  runStatuses,
  RunStateError,
  type RunStatus,
} from '../../../app/lab/runs.js';
import { describeRun } from '../../../app/train/progress-text.js';
import { commandFailure, parseCommandLine } from '../command-line.js';
import { didYouMean } from '../did-you-mean.js';
import { exportEmbeddings } from '../embeddings-export.js';
import { exportRun } from '../run-export.js';

const fail = commandFailure('runs');

const usage = `Usage: ddl-lab runs list [--dataset DATASET] [--status S] [--json]
       ddl-lab runs show RUN [--json]
       ddl-lab runs cancel RUN [--timeout SECONDS]   graceful, then forced after the timeout (default 60)
       ddl-lab runs delete RUN
       ddl-lab runs export RUN --format csv|json [--out FILE]   metric series (CSV step,name,value) or the run as JSON
       ddl-lab runs export RUN --format tensorboard --out DIR   a TensorBoard event file: scalars, similarity histograms
       ddl-lab runs embeddings RUN --dataset ID [--format csv|npy] --out FILE
                 every image's embedding from the run's latest checkpoint: CSV path,identity,e0..,
                 or an (N, d) float32 .npy with its rows in FILE.rows.csv (row,path,identity)
To resume a stopped run: ddl-lab train --resume RUN
RUN and DATASET are an id or a name. Common: --data-dir DIR
`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandLine(
    {
      args,
      allowPositionals: true,
      options: {
        dataset: { type: 'string' },
        status: { type: 'string' },
        timeout: { type: 'string', default: '60' },
        format: { type: 'string' },
        out: { type: 'string' },
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    },
    usage,
    fail,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [action, idText] = positionals;
  if (values.help || !action) {
    (values.help ? process.stdout : process.stderr).write(usage); // no action: a usage error
    return values.help ? 0 : 2;
  }
  // RUN is an id or a name; an unknown or ambiguous one is a LabOperationError (exit 1).
  const needId = () => (idText ? resolveRunRef(lab, idText) : undefined);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const db = openLabDatabase(dataDir, { mode: action === 'list' || action === 'show' ? 'read' : 'write' });
  const lab: Lab = { db, dataDir };
  const latestMetrics = (runId: number) => runLatestMetrics(lab, runId);
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  try {
    const manager = openRunManager(lab);
    switch (action) {
      case 'list': {
        const status = values.status?.split(',').map((s) => s.trim()) ?? [];
        const unknown = status.filter((s) => !runStatuses.includes(s as RunStatus));
        if (unknown.length > 0)
          return fail(`unknown status ${unknown.join(', ')}; statuses are ${runStatuses.join(', ')}`);
        const datasetId = values.dataset === undefined ? undefined : resolveDatasetRef(lab, values.dataset);
        const runs = manager.list({ datasetId, status: status as RunStatus[] });
        if (values.json) print({ runs: runs.map((r) => ({ ...r, latestMetrics: latestMetrics(r.id) })) });
        else
          process.stdout.write(
            runs.length === 0
              ? `no runs in ${dataDir}\n`
              : `${runs.map((r) => describeRun(r, latestMetrics(r.id))).join('\n')}\n`,
          );
        return 0;
      }
      case 'show': {
        const id = needId();
        if (id === undefined) return fail(`show needs a RUN (id or name), e.g. "ddl-lab runs show 3".\n\n${usage}`);
        const details = manager.get(id);
        if (!details) return fail(`no run ${id} in ${dataDir}`, 1);
        const latest = latestMetrics(id);
        const histograms = runHistograms(lab, id);
        if (values.json) {
          print({ run: details, latestMetrics: latest, histograms: histograms ?? null });
          return 0;
        }
        const lines = [
          describeRun(details, latest),
          `created ${details.createdAt}${details.startedAt ? `, started ${details.startedAt}` : ''}${details.finishedAt ? `, finished ${details.finishedAt}` : ''}; attempts ${details.attempts}`,
          `checkpoints: ${details.checkpoints.length > 0 ? details.checkpoints.map((c) => c.step).join(', ') : 'none'}`,
          `latest: ${
            Object.entries(latest)
              .map(([name, p]) => `${name} ${p.value === null ? 'NaN' : Number(p.value.toPrecision(4))}`)
              .join(', ') || 'nothing recorded'
          }`,
          ...(histograms
            ? [
                `similarity expectations at step ${histograms.step}: ${histograms.histograms.map((h) => `${h.branch} ${h.mean === null ? 'n/a' : h.mean.toFixed(3)}`).join(', ')}`,
              ]
            : []),
          `config: ${JSON.stringify(details.config)}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
        return 0;
      }
      case 'cancel': {
        const id = needId();
        if (id === undefined) return fail(`cancel needs a RUN (id or name).\n\n${usage}`);
        const graceMs = Number(values.timeout) * 1000;
        if (!Number.isFinite(graceMs) || graceMs < 0)
          return fail(`--timeout must be a number of seconds, got "${values.timeout}"`);
        const final = await manager.cancel(id, { graceMs });
        if (values.json) print({ run: final });
        else process.stdout.write(`${describeRun(final)}\n`);
        return 0;
      }
      case 'delete': {
        const id = needId();
        if (id === undefined) return fail(`delete needs a RUN (id or name).\n\n${usage}`);
        manager.delete(id);
        process.stdout.write(`deleted run ${id}\n`);
        return 0;
      }
      case 'export': {
        const id = needId();
        if (id === undefined) return fail('runs export needs a run id, e.g. "ddl-lab runs export 3 --format csv"');
        if (!manager.get(id)) return fail(`no run ${id} in ${dataDir}`, 1);
        return exportRun(db, id, values.format, values.out, fail);
      }
      case 'embeddings': {
        const id = needId();
        if (id === undefined)
          return fail('runs embeddings needs a run id, e.g. "ddl-lab runs embeddings 3 --dataset 1 --out e.csv"');
        if (!manager.get(id)) return fail(`no run ${id} in ${dataDir}`, 1);
        return await exportEmbeddings(lab, id, values, fail);
      }
      default:
        return fail(
          `unknown action "${action}".${didYouMean(action, ['list', 'show', 'cancel', 'delete', 'export', 'embeddings'])}\n\n${usage}`,
        );
    }
  } catch (error) {
    if (error instanceof RunStateError || error instanceof LabOperationError) return fail(error.message, 1);
    throw error;
  } finally {
    db.close();
  }
}
