import { folderBytes } from '../util/folder-bytes.js';
import type { LabDatabase } from './db.js';
import { ensureEvaluationTables } from './evaluations-tables.js';
import { runFolder } from './runs-checkpoints.js';
import { sql } from './statements.js';

// What a researcher writes about a run (migration 7): a note and tags, and what deleting a run
// would remove, counted from the tables and the run's folder, so the UI can say it before asking.

/** Tags are short words: trimmed, at most 40 characters, no commas (they separate tags in a text field). */
export const maxTagLength = 40;

export class RunAnnotationError extends Error {
  constructor(
    message: string,
    readonly field: 'tags' | 'notes' | 'name',
  ) {
    super(message);
    this.name = 'RunAnnotationError';
  }
}

/** Trimmed, distinct, sorted tags; a bad one is refused by name. */
export function normalizeTags(tags: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of tags) {
    const tag = raw.trim();
    if (tag === '') continue;
    if (tag.length > maxTagLength)
      throw new RunAnnotationError(`the tag "${tag.slice(0, 20)}…" is longer than ${maxTagLength} characters`, 'tags');
    if (tag.includes(','))
      throw new RunAnnotationError(`the tag "${tag}" contains a comma; give each tag separately`, 'tags');
    out.add(tag);
  }
  return [...out].sort((a, b) => a.localeCompare(b));
}

/** Replaces a run's tags (in one transaction). */
export function setRunTags(db: LabDatabase, runId: number, tags: readonly string[]): string[] {
  const clean = normalizeTags(tags);
  db.transaction(() => {
    sql(db, 'DELETE FROM run_tags WHERE run_id = ?').run(runId);
    const insert = sql(db, 'INSERT INTO run_tags (run_id, tag) VALUES (?, ?)');
    for (const tag of clean) insert.run(runId, tag);
  })();
  return clean;
}

export function setRunNotes(db: LabDatabase, runId: number, notes: string): void {
  sql(db, 'UPDATE runs SET notes = ? WHERE id = ?').run(notes, runId);
}

export function runNotes(db: LabDatabase, runId: number): string {
  return (sql(db, 'SELECT notes FROM runs WHERE id = ?').get(runId) as { notes: string } | undefined)?.notes ?? '';
}

export interface RunRemoval {
  metricRows: number;
  histogramRows: number;
  checkpoints: number;
  evaluations: number;
  failureRows: number;
  tags: number;
  /** Bytes in the run's folder (checkpoints, log); 0 when it has none. */
  folderBytes: number;
  folder: string;
}

/** What deleting the run removes: its rows in each table and its folder on disk. */
export function runRemoval(db: LabDatabase, dataDir: string, runId: number): RunRemoval {
  ensureEvaluationTables(db);
  const count = (text: string) => (sql(db, text).get(runId) as { n: number }).n;
  const folder = runFolder(dataDir, runId);
  return {
    metricRows: count('SELECT COUNT(*) AS n FROM run_metrics WHERE run_id = ?'),
    histogramRows: count('SELECT COUNT(*) AS n FROM run_histograms WHERE run_id = ?'),
    checkpoints: count('SELECT COUNT(*) AS n FROM run_checkpoints WHERE run_id = ?'),
    evaluations: count('SELECT COUNT(*) AS n FROM evaluations WHERE run_id = ?'),
    failureRows: count(
      'SELECT COUNT(*) AS n FROM failures WHERE evaluation_id IN (SELECT id FROM evaluations WHERE run_id = ?)',
    ),
    tags: count('SELECT COUNT(*) AS n FROM run_tags WHERE run_id = ?'),
    folderBytes: folderBytes(folder),
    folder,
  };
}

export function setRunCodeVersion(db: LabDatabase, runId: number, version: string): void {
  sql(db, 'UPDATE runs SET code_version = ? WHERE id = ?').run(version, runId);
}

/** The lab version that created the run; null for runs from before it was recorded. */
export function runCodeVersion(db: LabDatabase, runId: number): string | null {
  return (
    (sql(db, 'SELECT code_version AS v FROM runs WHERE id = ?').get(runId) as { v: string | null } | undefined)?.v ??
    null
  );
}

export function runTags(db: LabDatabase, runId: number): string[] {
  return sql<{ tag: string }>(db, 'SELECT tag FROM run_tags WHERE run_id = ? ORDER BY tag')
    .all(runId)
    .map((r) => r.tag);
}

/** Every tag with the number of runs carrying it, by tag. */
export function tagCounts(db: LabDatabase): Array<{ tag: string; runs: number }> {
  return sql<{ tag: string; runs: number }>(
    db,
    'SELECT tag, COUNT(*) AS runs FROM run_tags GROUP BY tag ORDER BY tag',
  ).all();
}
