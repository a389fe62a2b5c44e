import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { lab, type RunDetail, type RunSummary } from '../../api/index.js';
import { pretrainedModelNames, type PretrainedModelName } from '../../../../app/api/contract/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';
import { fieldErrorsFromLabError, type FieldErrors } from '../../lib/form-errors.js';
import {
  checkRunForm,
  defaultMarginFor,
  defaultRunForm,
  describeInherited,
  fieldApplies,
  fieldHelp,
  runFieldSpecs,
  withStageSuggestions,
  type FieldSpec,
  type RunForm,
  type SectionName,
} from '../../lib/run-form.js';

const sections: SectionName[] = ['Optimisation', 'DDL', 'Model', 'Head', 'Logging'];

/** The model a "Parent run" choice names when it is a pretrained model ("pretrained:mobilefacenet"). */
function pretrainedChoice(choice: string): PretrainedModelName | undefined {
  return pretrainedModelNames.find((name) => choice === `pretrained:${name}`);
}

/** The run config with the contract's suggested values; every message next to its field; launch stage 1 or 2. */
export function RunConfigForm({
  datasetId,
  initialSplitId,
  fineTuneFrom,
  onLaunched,
}: {
  datasetId: string;
  initialSplitId?: string;
  fineTuneFrom?: RunDetail;
  onLaunched: (run: RunSummary) => void;
}) {
  const splits = useLabQuery('splits.list', { datasetId }, { tags: ['splits'] });
  const runs = useLabQuery('runs.list', { datasetId }, { tags: ['runs'] });
  const models = useLabQuery('models.list', {});
  const [making, setMaking] = useState<string | undefined>();
  // Pretrained parents: centred (the dataset's mean embedding subtracted in the model) or raw.
  const [centre, setCentre] = useState(false);
  const [pickedModel, setPickedModel] = useState<PretrainedModelName | undefined>();
  const [form, setForm] = useState<RunForm>(() => {
    const initial = defaultRunForm(datasetId, initialSplitId ?? '');
    return fineTuneFrom
      ? {
          ...withStageSuggestions(initial, 2),
          parentRunId: fineTuneFrom.id,
          // A pretrained run has no split (0): the newest split of the dataset is chosen below.
          splitId: fineTuneFrom.splitId !== '0' ? fineTuneFrom.splitId : (initialSplitId ?? ''),
          seed: String(fineTuneFrom.seed),
        }
      : initial;
  });
  const [parent, setParent] = useState<RunDetail | undefined>(fineTuneFrom);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [launching, setLaunching] = useState(false);

  // default split: the newest saved one
  const splitList = splits.data?.splits;
  useEffect(() => {
    if (!splitList || form.splitId) return;
    const newest = [...splitList].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
    if (newest) setForm((f) => ({ ...f, splitId: newest.id }));
  }, [splitList, form.splitId]);

  const parents = (runs.data?.runs ?? []).filter((r) => r.stage === 1 && r.status === 'completed');
  const check = useMemo(() => checkRunForm(form), [form]);
  const errors: FieldErrors = {};
  for (const [path, message] of Object.entries(check.errors))
    if (submitted || touched.has(path)) errors[path] = message;
  Object.assign(errors, serverErrors);
  const isStage2 = form.stage === '2';

  const set = (path: string, value: string | boolean) => {
    setForm((f) => ({ ...f, [path]: value }));
    setTouched((t) => new Set(t).add(path));
    setServerErrors((e) => {
      const { [path]: _removed, '': _general, ...rest } = e;
      return rest;
    });
  };
  const setStage = (stage: 1 | 2) => {
    setForm((f) => withStageSuggestions(f, stage));
    setServerErrors({});
  };
  const chooseParent = async (choice: string, centred = centre) => {
    setParent(undefined);
    let parentId = choice;
    try {
      // A pretrained model: fine-tune its pretrained run on this dataset (made on first use).
      const model = pretrainedChoice(choice);
      setPickedModel(model);
      if (model) {
        set('parentRunId', '');
        setMaking(model);
        try {
          parentId = (await lab.call('models.pretrainedRun', { model, datasetId, centre: centred })).id;
        } finally {
          setMaking(undefined);
        }
        runs.reload();
      }
      set('parentRunId', parentId);
      if (!parentId) return;
      const detail = await lab.call('runs.get', { runId: parentId });
      setParent(detail);
      // A pretrained run has no split of its own (split 0): keep the split chosen here.
      setForm((f) => ({
        ...f,
        splitId: detail.splitId !== '0' ? detail.splitId : f.splitId,
        seed: String(detail.seed),
      }));
    } catch (error) {
      setServerErrors(fieldErrorsFromLabError(error));
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (!check.config) return;
    setLaunching(true);
    setServerErrors({});
    try {
      const run = await lab.call('runs.create', { config: check.config });
      setSubmitted(false);
      setTouched(new Set());
      onLaunched(run);
    } catch (error) {
      setServerErrors(fieldErrorsFromLabError(error, 'config'));
    } finally {
      setLaunching(false);
    }
  };

  const input = (spec: FieldSpec) => (
    <Field
      key={spec.path}
      label={spec.label}
      error={errors[spec.path]}
      help={fieldHelp(spec, form)}
      className={spec.kind === 'bool' ? 'field-checkbox' : undefined}
    >
      {(p) =>
        spec.kind === 'bool' ? (
          <input
            {...p}
            type="checkbox"
            className="checkbox-input"
            checked={form[spec.path] === true}
            onChange={(e) => set(spec.path, e.target.checked)}
          />
        ) : spec.kind === 'select' ? (
          <select
            {...p}
            className="input"
            value={String(form[spec.path] ?? '')}
            onChange={(e) => set(spec.path, e.target.value)}
          >
            {spec.options?.map((option) => (
              <option key={option} value={option}>
                {spec.optionLabels?.[option] ?? option}
              </option>
            ))}
          </select>
        ) : (
          <input
            {...p}
            className="input"
            inputMode={spec.kind === 'text' ? 'text' : 'decimal'}
            value={String(form[spec.path] ?? '')}
            placeholder={
              spec.path === 'head.m'
                ? String(defaultMarginFor(String(form['head.type'])) ?? '')
                : spec.optional
                  ? 'default'
                  : undefined
            }
            onChange={(e) => set(spec.path, e.target.value)}
          />
        )
      }
    </Field>
  );

  const errorCount = Object.keys(check.errors).length;
  const sectionErrors = (section: SectionName) =>
    runFieldSpecs.some((s) => s.section === section && fieldApplies(s, form) && errors[s.path]);
  return (
    <form className="run-form" onSubmit={submit} aria-label="New run" noValidate>
      <div className="panel">
        <div className="panel-header">
          <h2 className="panel-title">New run</h2>
        </div>
        <fieldset className="radio-row">
          <legend className="field-label">Stage</legend>
          <label className="radio">
            <input type="radio" name="stage" value="1" checked={!isStage2} onChange={() => setStage(1)} /> 1 · baseline
            (margin loss)
          </label>
          <label className="radio">
            <input type="radio" name="stage" value="2" checked={isStage2} onChange={() => setStage(2)} /> 2 · fine-tune
            a stage-1 run
          </label>
        </fieldset>
        {isStage2 ? (
          <>
            <Field
              label="Parent run (stage 1, completed)"
              error={errors.parentRunId}
              help={
                making
                  ? `embedding the dataset with ${making} for its classifier…`
                  : parents.length === 0 && !models.data?.models.length
                    ? 'complete a stage-1 run first'
                    : parent
                      ? `reuses its checkpoint: ${describeInherited(parent.config)}`
                      : 'its last checkpoint, network and head are reused'
              }
            >
              {(p) => (
                <select
                  {...p}
                  className="input"
                  value={String(form.parentRunId)}
                  onChange={(e) => {
                    void chooseParent(e.target.value);
                  }}
                >
                  <option value="">choose…</option>
                  {parents.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                    </option>
                  ))}
                  {(models.data?.models ?? [])
                    .filter(
                      (m) => !parents.some((r) => r.name === `${m.name} (pretrained${centre ? ', centred' : ''})`),
                    )
                    .map((m) => (
                      <option key={m.name} value={`pretrained:${m.name}`}>
                        {`${m.label}${centre ? ', centred' : ''}`}
                      </option>
                    ))}
                </select>
              )}
            </Field>
            {(models.data?.models.length ?? 0) > 0 ? (
              <Field
                label="Centre a pretrained model"
                help="for a model picked from the zoo above: its mean embedding over this dataset is subtracted in its last layer, so different people no longer score a cosine of ≈ 1 (MobileFaceNet's raw embeddings share a large constant part and DDL has nothing to separate)"
                className="field-checkbox"
              >
                {(p) => (
                  <input
                    {...p}
                    type="checkbox"
                    className="checkbox-input"
                    checked={centre}
                    disabled={making !== undefined}
                    onChange={(e) => {
                      setCentre(e.target.checked);
                      // The chosen pretrained parent follows: its centred or raw pretrained run.
                      if (pickedModel) void chooseParent(`pretrained:${pickedModel}`, e.target.checked);
                    }}
                  />
                )}
              </Field>
            ) : null}
            <fieldset className="radio-row">
              <legend className="field-label">Objective</legend>
              <label className="radio">
                <input
                  type="radio"
                  name="objective"
                  value="ddl"
                  checked={form.objective === 'ddl'}
                  onChange={() => set('objective', 'ddl')}
                />{' '}
                DDL
              </label>
              <label className="radio">
                <input
                  type="radio"
                  name="objective"
                  value="classification"
                  checked={form.objective === 'classification'}
                  onChange={() => set('objective', 'classification')}
                />{' '}
                classification only (fair baseline)
              </label>
            </fieldset>
            {errors.objective ? <div className="field-error">{errors.objective}</div> : null}
          </>
        ) : null}
        <Field
          label="Split"
          error={errors.splitId}
          help={
            splitList && splitList.length === 0
              ? 'save a split on the Split page first'
              : isStage2 && form.parentRunId
                ? 'the parent run’s split'
                : undefined
          }
        >
          {(p) => (
            <select
              {...p}
              className="input"
              value={String(form.splitId)}
              onChange={(e) => set('splitId', e.target.value)}
              disabled={isStage2 && Boolean(form.parentRunId)}
            >
              <option value="">choose…</option>
              {splitList?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.summary.usableIdentities} usable ids)
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Run name (optional)" error={errors.name}>
          {(p) => (
            <input
              {...p}
              className="input"
              value={String(form.name)}
              onChange={(e) => set('name', e.target.value)}
              placeholder={isStage2 ? (form.objective === 'ddl' ? 'ddl-finetune' : 'cls-finetune') : 'baseline'}
            />
          )}
        </Field>
        <ErrorMessage error={errors.backbone ?? errors.head ?? errors.ddl} compact />
      </div>
      {sections.map((section) => {
        const specs = runFieldSpecs.filter((spec) => spec.section === section && fieldApplies(spec, form));
        if (specs.length === 0) return null;
        return (
          <details
            key={section}
            className="panel form-section"
            open={section === 'Optimisation' || section === 'DDL' || sectionErrors(section)}
          >
            <summary className="panel-title">{section}</summary>
            <div className="form-grid">{specs.map(input)}</div>
          </details>
        );
      })}
      <div className="form-actions form-actions-sticky">
        <button type="submit" className="button button-primary" disabled={launching}>
          {launching
            ? 'Launching…'
            : isStage2
              ? `Launch stage 2${form.objective === 'ddl' ? ' (DDL)' : ' (classification)'}`
              : 'Launch stage 1'}
        </button>
        {submitted && errorCount > 0 ? (
          <span className="field-error" role="alert">
            {errorCount === 1 ? '1 field needs' : `${errorCount} fields need`} attention
          </span>
        ) : null}
      </div>
      <ErrorMessage error={serverErrors['']} />
    </form>
  );
}
