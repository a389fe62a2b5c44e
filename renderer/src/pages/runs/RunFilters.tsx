import type { DatasetSummary } from '../../api/index.js';
import { runStatuses } from '../../../../app/api/contract/index.js';

export interface RunFilterValues {
  search: string;
  tag: string;
  status: string;
  datasetId: string;
  ddl: '' | 'on' | 'off';
}

export const noRunFilters: RunFilterValues = { search: '', tag: '', status: '', datasetId: '', ddl: '' };

/** Search and filters of the runs table (name, notes, tag, status, training dataset, DDL on/off). */
export function RunFilters({
  value,
  onChange,
  tags,
  datasets,
}: {
  value: RunFilterValues;
  onChange: (next: RunFilterValues) => void;
  tags: string[];
  datasets: DatasetSummary[];
}) {
  const set = (patch: Partial<RunFilterValues>) => onChange({ ...value, ...patch });
  return (
    <div className="run-filters" role="search" aria-label="Find runs">
      <input
        type="search"
        className="input input-compact"
        placeholder="Search name, notes, tags…"
        aria-label="Search runs"
        value={value.search}
        onChange={(e) => set({ search: e.target.value })}
      />
      <select
        className="input input-compact"
        aria-label="Tag"
        value={value.tag}
        onChange={(e) => set({ tag: e.target.value })}
      >
        <option value="">any tag</option>
        {tags.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <select
        className="input input-compact"
        aria-label="Status"
        value={value.status}
        onChange={(e) => set({ status: e.target.value })}
      >
        <option value="">any status</option>
        {runStatuses.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <select
        className="input input-compact"
        aria-label="Training dataset"
        value={value.datasetId}
        onChange={(e) => set({ datasetId: e.target.value })}
      >
        <option value="">all datasets</option>
        {datasets.map((d) => (
          <option key={d.id} value={d.id}>
            {d.name}
          </option>
        ))}
      </select>
      <select
        className="input input-compact"
        aria-label="DDL"
        value={value.ddl}
        onChange={(e) => set({ ddl: e.target.value as RunFilterValues['ddl'] })}
      >
        <option value="">DDL on or off</option>
        <option value="on">DDL on</option>
        <option value="off">DDL off</option>
      </select>
      {JSON.stringify(value) !== JSON.stringify(noRunFilters) ? (
        <button type="button" className="button button-small" onClick={() => onChange(noRunFilters)}>
          Clear
        </button>
      ) : null}
    </div>
  );
}
