import { useCallback, useMemo, useState, type FormEvent } from 'react';
import { lab, type DatasetSummary, type SplitInfo } from '../api/index.js';
import { useDatasetSelection } from '../state/dataset-selection.js';
import { useNavigation } from '../state/navigation.js';
import { useRefresh } from '../state/refresh.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorMessage } from '../components/ErrorMessage.js';
import { Field } from '../components/Field.js';
import { ImageDetails } from '../components/ImageDetails.js';
import { PageHeader } from '../components/PageHeader.js';
import { useDebouncedValue } from '../hooks/use-debounced-value.js';
import { useLabQuery } from '../hooks/use-lab-query.js';
import { fieldErrorsFromLabError, type FieldErrors } from '../lib/form-errors.js';
import {
  defaultHardDraft,
  describeRule,
  draftsToDefinition,
  groupDraft,
  conditionDraft,
  ruleToDraft,
  type GroupDraft,
} from '../lib/rule-builder.js';
import { AttributeSplitCharts } from './split/AttributeSplitCharts.js';
import { BoundaryExamples } from './split/BoundaryExamples.js';
import { RuleBuilder } from './split/RuleBuilder.js';
import { SavedSplits } from './split/SavedSplits.js';
import { SplitCounts } from './split/SplitCounts.js';
import { SplitDistributions } from './split/SplitDistributions.js';

/** Split: decide what "hard" means for the dataset, with live counts, boundary examples and distributions. */
export function SplitPage() {
  const { dataset, datasets } = useDatasetSelection();
  const { navigate } = useNavigation();
  return (
    <div className="page">
      <PageHeader
        title="Split"
        subtitle="Decide which images are hard. DDL teaches the model to treat hard images like easy ones: it needs identities with at least 2 easy and 1 hard image."
      />
      {!dataset ? (
        datasets && datasets.length === 0 ? (
          <EmptyState
            title="No dataset to split"
            actions={
              <button type="button" className="button button-primary" onClick={() => navigate('datasets')}>
                Go to Datasets
              </button>
            }
          >
            <p>Generate a demo dataset or import one first; then come back to decide what counts as hard.</p>
          </EmptyState>
        ) : (
          <p className="muted">Loading…</p>
        )
      ) : (
        <SplitEditor key={dataset.id} dataset={dataset} />
      )}
    </div>
  );
}

function SplitEditor({ dataset }: { dataset: DatasetSummary }) {
  const { navigate } = useNavigation();
  const { invalidate } = useRefresh();
  const attributes = dataset.attributes;
  const [hard, setHard] = useState<GroupDraft>(() => defaultHardDraft(attributes));
  const [easy, setEasy] = useState<GroupDraft | null>(null);
  const [name, setName] = useState('');
  const [saveErrors, setSaveErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<SplitInfo>();
  const [saving, setSaving] = useState(false);
  const [openImage, setOpenImage] = useState<string | null>(null);

  const { definition, errors } = useMemo(() => draftsToDefinition(hard, easy, attributes), [hard, easy, attributes]);
  const definitionKey = definition ? JSON.stringify(definition) : '';
  const settledKey = useDebouncedValue(definitionKey, 300);
  const settled = useMemo(() => (settledKey ? (JSON.parse(settledKey) as typeof definition) : undefined), [settledKey]);

  const preview = useLabQuery('splits.preview', settled ? { datasetId: dataset.id, definition: settled } : null);
  const boundary = useLabQuery(
    'splits.boundary',
    settled ? { datasetId: dataset.id, definition: settled, perSide: 10 } : null,
  );
  const splits = useLabQuery('splits.list', { datasetId: dataset.id }, { tags: ['splits'] });

  const load = (split: SplitInfo) => {
    setHard(ruleToDraft(split.definition.hard));
    setEasy(split.definition.easy ? ruleToDraft(split.definition.easy) : null);
    setName(split.name);
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    if (!definition) return;
    if (!name.trim()) {
      setSaveErrors({ name: 'name the split, e.g. "pose ≥ 45"' });
      return;
    }
    setSaving(true);
    setSaveErrors({});
    try {
      const split = await lab.call('splits.save', { datasetId: dataset.id, definition, name: name.trim() });
      setSaved(split);
      invalidate('splits');
    } catch (error) {
      setSaveErrors(fieldErrorsFromLabError(error));
    } finally {
      setSaving(false);
    }
  };
  const closeImage = useCallback(() => setOpenImage(null), []);
  const stale = definitionKey !== settledKey || preview.loading;

  return (
    <div className="split-layout">
      <div className="split-left">
        <section className="panel" aria-label="Rule">
          <div className="panel-header">
            <h2 className="panel-title">Rule</h2>
          </div>
          {attributes.length === 0 ? <p className="muted">This dataset has no attributes to split on.</p> : null}
          <RuleBuilder root={hard} onChange={setHard} attributes={attributes} errors={errors} side="Hard" />
          <div className="easy-rule">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={easy !== null}
                onChange={(e) =>
                  setEasy(
                    e.target.checked
                      ? groupDraft('and', [
                          conditionDraft({
                            attribute:
                              hard.items[0]?.kind === 'condition'
                                ? hard.items[0].attribute
                                : (attributes[0]?.name ?? ''),
                            op: '<',
                            value: '',
                          }),
                        ])
                      : null,
                  )
                }
              />
              Define easy images too (otherwise every image that is not hard is easy)
            </label>
            {easy ? (
              <RuleBuilder root={easy} onChange={setEasy} attributes={attributes} errors={errors} side="Easy" />
            ) : null}
          </div>
          {definition ? (
            <p className="rule-summary">
              Hard: <strong>{describeRule(definition.hard)}</strong>
              {definition.easy ? (
                <>
                  {' '}
                  · Easy: <strong>{describeRule(definition.easy)}</strong>
                </>
              ) : null}
            </p>
          ) : null}
        </section>
        <form className="panel" onSubmit={save} aria-label="Save the split">
          <div className="panel-header">
            <h2 className="panel-title">Save</h2>
          </div>
          <div className="form-row">
            <Field label="Split name" error={saveErrors.name} className="field-grow">
              {(p) => (
                <input
                  {...p}
                  className="input"
                  value={name}
                  onChange={(e) => setName(e.target.value)}
                  placeholder={definition ? describeRule(definition.hard) : 'pose ≥ 45'}
                />
              )}
            </Field>
            <button type="submit" className="button button-primary form-inline-button" disabled={!definition || saving}>
              {saving ? 'Saving…' : 'Save split'}
            </button>
          </div>
          <ErrorMessage error={saveErrors[''] ?? saveErrors.definition} />
          {saved ? (
            <div className="notice notice-ok" role="status">
              <span className="notice-text">
                Saved “{saved.name}”: {saved.summary.usableIdentities} identities usable for DDL.
              </span>
              <button
                type="button"
                className="button button-small"
                onClick={() => navigate('train', { split: saved.id })}
              >
                Train with it →
              </button>
            </div>
          ) : null}
        </form>
        <section className="panel" aria-label="Saved splits">
          <div className="panel-header">
            <h2 className="panel-title">Saved splits</h2>
          </div>
          <ErrorMessage error={splits.error} />
          {splits.data ? (
            <SavedSplits
              splits={splits.data.splits}
              onLoad={load}
              onTrain={(split) => navigate('train', { split: split.id })}
            />
          ) : null}
        </section>
      </div>
      <div className="split-right">
        {!definition ? (
          <div className="notice notice-info" role="status">
            <span className="notice-text">Complete the rule (every condition needs a value) to see its counts.</span>
          </div>
        ) : null}
        <ErrorMessage error={preview.error} />
        {preview.data ? (
          <SplitCounts summary={preview.data} stale={stale} />
        ) : definition && !preview.error ? (
          <div className="panel">
            <p className="muted">Counting…</p>
          </div>
        ) : null}
        <ErrorMessage error={boundary.error} />
        {boundary.data ? (
          <BoundaryExamples
            datasetId={dataset.id}
            easy={boundary.data.easy}
            hard={boundary.data.hard}
            onOpen={setOpenImage}
          />
        ) : null}
        {preview.data ? <AttributeSplitCharts summary={preview.data} hard={settled?.hard} stale={stale} /> : null}
        <SplitDistributions datasetId={dataset.id} definition={settled} />
      </div>
      {openImage ? (
        <ImageDetails datasetId={dataset.id} imageId={openImage} attributes={attributes} onClose={closeImage} />
      ) : null}
    </div>
  );
}
