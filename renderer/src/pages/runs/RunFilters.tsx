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
      <FilterSelect
        label="Tag"
        value={value.tag}
        any="any tag"
        options={tags.map((t) => ({ value: t, label: t }))}
        onChange={(tag) => set({ tag })}
      />
      <FilterSelect
        label="Status"
        value={value.status}
        any="any status"
        options={runStatuses.map((s) => ({ value: s, label: s }))}
        onChange={(status) => set({ status })}
      />
      <FilterSelect
        label="Training dataset"
        value={value.datasetId}
        any="all datasets"
        options={datasets.map((d) => ({ value: d.id, label: d.name }))}
        onChange={(datasetId) => set({ datasetId })}
      />
      <FilterSelect
        label="DDL"
        value={value.ddl}
        any="DDL on or off"
        options={[
          { value: 'on', label: 'DDL on' },
          { value: 'off', label: 'DDL off' },
        ]}
        onChange={(ddl) => set({ ddl: ddl as RunFilterValues['ddl'] })}
      />
      {JSON.stringify(value) !== JSON.stringify(noRunFilters) ? (
        <button type="button" className="button button-small" onClick={() => onChange(noRunFilters)}>
          Clear
        </button>
      ) : null}
    </div>
  );
}

/** One filter: a labelled select whose empty value means "no filter". */
function FilterSelect({
  label,
  value,
  any,
  options,
  onChange,
}: {
  label: string;
  value: string;
  /** The empty value's text ("any tag"). */
  any: string;
  options: Array<{ value: string; label: string }>;
  onChange: (value: string) => void;
}) {
  return (
    <select className="input input-compact" aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{any}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
