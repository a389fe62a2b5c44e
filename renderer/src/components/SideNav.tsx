import { useDatasetSelection } from '../state/dataset-selection.js';
import { useNavigation } from '../state/navigation.js';
import type { PageName } from '../lib/routes.js';

const pages: Array<{ page: PageName; label: string; hint: string }> = [
  { page: 'datasets', label: 'Datasets', hint: 'import, generate, browse' },
  { page: 'split', label: 'Split', hint: 'what counts as hard' },
  { page: 'train', label: 'Train', hint: 'baseline and DDL runs' },
  { page: 'runs', label: 'Runs', hint: 'evaluate and compare' },
  { page: 'inspect', label: 'Inspect', hint: 'the pairs it gets wrong' },
  { page: 'experiments', label: 'Experiments', hint: 'DDL vs baseline over seeds' },
];

/** Left navigation: the five pages in the order of the job, and the dataset they work on. */
export function SideNav() {
  const { route, navigate } = useNavigation();
  const { datasets, datasetId, selectDataset } = useDatasetSelection();
  return (
    <nav className="side-nav" aria-label="Pages">
      <div className="brand">
        <span className="brand-name">DDL Lab</span>
        <span className="brand-sub">hard-sample face recognition</span>
      </div>
      <ul className="nav-list">
        {pages.map(({ page, label, hint }) => (
          <li key={page}>
            <a
              href={`#/${page}`}
              className={`nav-link${route.page === page ? ' nav-link-active' : ''}`}
              aria-current={route.page === page ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                navigate(page);
              }}
            >
              <span className="nav-label">{label}</span>
              <span className="nav-hint">{hint}</span>
            </a>
          </li>
        ))}
      </ul>
      <div className="nav-dataset">
        <label htmlFor="nav-dataset-select" className="field-label">
          Working dataset
        </label>
        <select
          id="nav-dataset-select"
          className="input"
          value={datasetId ?? ''}
          onChange={(event) => selectDataset(event.target.value || null)}
          disabled={!datasets || datasets.length === 0}
        >
          {!datasets || datasets.length === 0 ? <option value="">none yet</option> : null}
          {datasets?.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </div>
    </nav>
  );
}
