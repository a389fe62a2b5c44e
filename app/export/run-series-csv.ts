import type { LabDatabase } from '../store/db.js';
import { getRunRecord } from '../store/runs-repository.js';
import { metricSeries } from '../store/runs-series.js';
import { csvField, csvNumber } from './csv-field.js';

// A run's metric series as long-form CSV, one row per recorded value: `step,name,value`, ordered by
// step then name (the shape TensorBoard's and W&B's scalar exports have; pivot it for a wide table).
// A value the lab recorded as non-finite is written NaN.

export const runSeriesCsvHeader = 'step,name,value';

export function runSeriesCsv(db: LabDatabase, runId: number): string {
  if (!getRunRecord(db, runId)) throw new Error(`no run ${runId} in this lab; "ddl-lab runs list" lists the runs.`);
  const rows: Array<{ step: number; name: string; value: number | null }> = [];
  for (const [name, points] of Object.entries(metricSeries(db, runId)))
    for (const p of points) rows.push({ step: p.step, name, value: p.value });
  rows.sort((a, b) => a.step - b.step || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = rows.map((r) => `${r.step},${csvField(r.name)},${csvNumber(r.value)}`);
  return `${[runSeriesCsvHeader, ...lines].join('\n')}\n`;
}
