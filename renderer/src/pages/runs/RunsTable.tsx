import { Fragment } from 'react';
import type { Benchmark, BenchmarkCell, DatasetSummary, RunSummary } from '../../api/index.js';
import { formatFar, formatPercent } from '../../lib/format.js';
import { runColumns, type RunColumn } from './run-columns.js';

/**
 * The FAR the table's TAR column shows: 1e-3 when some run has a TAR there, else the nearest FAR
 * with a TAR (a small pair list has too few impostor pairs for 1e-3).
 */
export function tableFar(cells: BenchmarkCell[]): number | undefined {
  const fars = [...new Set(cells.flatMap((c) => c.tarAtFar.map((t) => t.far)))].sort((a, b) => a - b);
  const measured = fars.filter((far) => cells.some((c) => c.tarAtFar.some((t) => t.far === far && t.tar !== null)));
  const distance = (far: number) => Math.abs(Math.log10(far) + 3);
  const nearest = [...measured].sort((a, b) => distance(a) - distance(b) || b - a)[0];
  return nearest ?? (fars.includes(1e-3) ? 1e-3 : fars[0]);
}

/**
 * Every run, one row each: the run columns (run-columns.tsx), then one column group per benchmark
 * (pair list) any listed run was evaluated on, insightface style: accuracy ± sd and TAR@FAR; a
 * benchmark cell opens that evaluation in Inspect.
 */
export function RunsTable({
  runs,
  datasets,
  benchmarks,
  cells,
  selected,
  onToggle,
  onOpenRun,
  onInspect,
  renderActions,
  columns = runColumns,
}: {
  runs: RunSummary[];
  datasets: DatasetSummary[];
  benchmarks: Benchmark[];
  cells: BenchmarkCell[];
  selected: string[];
  onToggle: (runId: string) => void;
  onOpenRun: (runId: string) => void;
  onInspect: (evaluationId: string) => void;
  renderActions: (run: RunSummary) => React.ReactNode;
  columns?: RunColumn[];
}) {
  const listed = new Set(runs.map((r) => r.id));
  const visibleCells = cells.filter((c) => listed.has(c.runId));
  const groups = benchmarks
    .map((b) => {
      const mine = visibleCells.filter((c) => c.pairListId === b.id);
      return { benchmark: b, cells: mine, far: tableFar(mine) };
    })
    .filter((g) => g.cells.length > 0);
  const context = { datasets: new Map(datasets.map((d) => [d.id, d])), openRun: onOpenRun };
  return (
    <table className="table runs-table">
      <caption className="sr-only">Every run, with its results on each benchmark it was evaluated on</caption>
      <thead>
        {groups.length > 0 ? (
          <tr className="benchmark-header">
            <th scope="colgroup" colSpan={columns.length + 1}>
              <span className="sr-only">Run</span>
            </th>
            {groups.map((g) => (
              <th
                key={g.benchmark.id}
                scope="colgroup"
                colSpan={2}
                className="benchmark-group"
                title={`${g.benchmark.datasetName} / ${g.benchmark.name}: ${g.benchmark.pairCount} pairs, ${g.benchmark.folds} folds`}
              >
                {g.benchmark.datasetName}
                <div className="muted small">{g.benchmark.name}</div>
              </th>
            ))}
            <th scope="colgroup">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        ) : null}
        <tr>
          <th scope="col">
            <span className="sr-only">Compare</span>
          </th>
          {columns.map((c) => (
            <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} title={c.title}>
              {c.header}
            </th>
          ))}
          {groups.map((g) => (
            <Fragment key={g.benchmark.id}>
              <th scope="col" className="num benchmark-first">
                Acc
              </th>
              <th scope="col" className="num">
                {g.far === undefined ? 'TAR' : `TAR@${formatFar(g.far)}`}
              </th>
            </Fragment>
          ))}
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const slot = selected.indexOf(run.id);
          return (
            <tr key={run.id} className={slot >= 0 ? 'row-selected' : undefined}>
              <td>
                <input
                  type="checkbox"
                  checked={slot >= 0}
                  onChange={() => onToggle(run.id)}
                  aria-label={`Compare ${run.name}`}
                />
              </td>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {c.cell(run, context)}
                </td>
              ))}
              {groups.map((g) => {
                const cell = g.cells.find((c) => c.runId === run.id);
                const tar = cell?.tarAtFar.find((t) => t.far === g.far)?.tar ?? null;
                return (
                  <Fragment key={g.benchmark.id}>
                    <td className="num benchmark-first">
                      {cell ? (
                        <button
                          type="button"
                          className="link-button"
                          title={`± ${formatPercent(cell.accuracySd, 2)} over folds; checkpoint ${cell.checkpointStep}. Inspect its mistakes.`}
                          onClick={() => onInspect(cell.evaluationId)}
                        >
                          {formatPercent(cell.accuracy, 2)}
                          <span className="sr-only">
                            {' '}
                            Inspect {run.name} on {g.benchmark.datasetName} / {g.benchmark.name}
                          </span>
                        </button>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="num">{cell ? formatPercent(tar, 2) : <span className="muted">—</span>}</td>
                  </Fragment>
                );
              })}
              <td>
                <div className="row-actions">{renderActions(run)}</div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
