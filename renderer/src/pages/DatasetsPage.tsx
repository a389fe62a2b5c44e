import { useEffect, useRef, useState } from 'react';
import { useDatasetSelection } from '../state/dataset-selection.js';
import { useJobs } from '../state/jobs.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { JobProgress } from '../components/JobProgress.js';
import { PageHeader } from '../components/PageHeader.js';
import { formatCount } from '../lib/format.js';
import { DatasetDetail } from './datasets/DatasetDetail.js';
import { ImportForm } from './datasets/ImportForm.js';
import { demoSynthValues, startSynth, SynthForm } from './datasets/SynthForm.js';

type Panel = 'none' | 'generate' | 'import';

/** Datasets: generate or import, then browse one like FiftyOne (grid, identities, attributes, bad files). */
export function DatasetsPage() {
  const { datasets, datasetsError, datasetId, selectDataset } = useDatasetSelection();
  const { jobs, track } = useJobs();
  const [panel, setPanel] = useState<Panel>('none');
  const [startError, setStartError] = useState<unknown>();
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const handled = useRef(new Set<string>());

  const dataJobs = Object.values(jobs).filter(
    (job) => (job.kind === 'import' || job.kind === 'synth') && !dismissed.has(job.id),
  );
  // a finished import or generation: show the new dataset
  useEffect(() => {
    for (const job of dataJobs) {
      if (job.status === 'completed' && job.result?.datasetId && !handled.current.has(job.id)) {
        handled.current.add(job.id);
        selectDataset(job.result.datasetId);
        setDismissed((d) => new Set(d).add(job.id));
      }
    }
  }, [dataJobs, selectDataset]);

  const started = (jobId: string) => {
    track(jobId);
    setPanel('none');
  };
  const generateDemo = () => {
    setStartError(undefined);
    startSynth(demoSynthValues).then(started, setStartError);
  };

  return (
    <div className="page">
      <PageHeader
        title="Datasets"
        subtitle="Local face datasets: browse the images, identities and attributes, and see every file that could not be read."
        actions={
          <>
            <button
              type="button"
              className={`button${panel === 'generate' ? ' button-active' : ''}`}
              aria-expanded={panel === 'generate'}
              onClick={() => setPanel(panel === 'generate' ? 'none' : 'generate')}
            >
              Generate SynthFaces
            </button>
            <button
              type="button"
              className={`button${panel === 'import' ? ' button-active' : ''}`}
              aria-expanded={panel === 'import'}
              onClick={() => setPanel(panel === 'import' ? 'none' : 'import')}
            >
              Import a folder
            </button>
          </>
        }
      />
      {panel === 'generate' ? <SynthForm onStarted={started} onClose={() => setPanel('none')} /> : null}
      {panel === 'import' ? <ImportForm onStarted={started} onClose={() => setPanel('none')} /> : null}
      {dataJobs.length > 0 ? (
        <div className="jobs-list">
          {dataJobs.map((job) => (
            <div key={job.id} className="job-row">
              <JobProgress jobId={job.id} label={job.kind === 'synth' ? 'Generating SynthFaces' : 'Importing'} />
              {job.status !== 'running' ? (
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => setDismissed((d) => new Set(d).add(job.id))}
                >
                  Dismiss
                </button>
              ) : null}
            </div>
          ))}
        </div>
      ) : null}
      <ErrorMessage error={datasetsError ?? startError} />
      {datasets && datasets.length === 0 && panel === 'none' && !dataJobs.some((job) => job.status === 'running') ? (
        <EmptyState
          title="No datasets yet"
          actions={
            <>
              <button type="button" className="button button-primary" onClick={generateDemo}>
                Generate a demo dataset
              </button>
              <button type="button" className="button" onClick={() => setPanel('import')}>
                Import a folder
              </button>
            </>
          }
        >
          <p>
            Start with <strong>SynthFaces</strong>: 100 synthetic identities × 12 images at 64 px, with ground-truth
            pose, so you can define “hard” as turned-away faces and train on it in minutes.
          </p>
          <p>
            Or import your own folder laid out as <code>root/&lt;identity&gt;/&lt;image&gt;</code>.
          </p>
        </EmptyState>
      ) : null}
      {datasets && datasets.length > 0 ? (
        <div className="datasets-layout">
          <ul className="dataset-list" aria-label="Datasets">
            {datasets.map((dataset) => (
              <li key={dataset.id}>
                <button
                  type="button"
                  className={`dataset-card${dataset.id === datasetId ? ' dataset-card-selected' : ''}`}
                  aria-pressed={dataset.id === datasetId}
                  onClick={() => selectDataset(dataset.id)}
                >
                  <span className="dataset-card-name">
                    {dataset.name}
                    {dataset.status !== 'ready' ? (
                      <>
                        {' '}
                        <span className={`badge badge-${dataset.status}`}>{dataset.status}</span>
                      </>
                    ) : null}
                  </span>
                  <span className="dataset-card-meta">
                    {dataset.kind} · {formatCount(dataset.imageCount)} images · {formatCount(dataset.identityCount)} ids
                  </span>
                  {dataset.badFileCount > 0 ? (
                    <span className="dataset-card-bad">{formatCount(dataset.badFileCount)} bad files</span>
                  ) : null}
                </button>
              </li>
            ))}
          </ul>
          {datasetId ? <DatasetDetail key={datasetId} datasetId={datasetId} /> : null}
        </div>
      ) : null}
    </div>
  );
}
