import { useEffect, useState, type FormEvent } from 'react';
import { lab, type SlurmSettingsView } from '../../api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';
import { fieldErrorsFromLabError, type FieldErrors } from '../../lib/form-errors.js';

// The Slurm settings (the data folder's slurm.json, as `ddl-lab slurm settings` shows them): every
// job the lab submits is made from them. Empty fields take the cluster's (or the lab's) default;
// the lab checks every value and names a bad one next to its field.

type Settings = SlurmSettingsView['settings'];
const textFields = ['sharedDir', 'partition', 'account', 'time', 'memory', 'command'] as const;
const numberFields = ['cpus', 'gpus', 'pollSeconds'] as const;
type Values = Record<(typeof textFields)[number] | (typeof numberFields)[number] | 'setup', string>;

const labels: Record<keyof Values, string> = {
  sharedDir: 'Shared folder (bundles)',
  partition: 'Partition',
  account: 'Account',
  time: 'Time limit',
  cpus: 'CPUs',
  memory: 'Memory',
  gpus: 'GPUs',
  setup: 'Setup lines (one per line)',
  command: 'Worker command',
  pollSeconds: 'Poll every (s)',
};
const help: Partial<Record<keyof Values, string>> = {
  sharedDir: 'seen by the nodes at the same path',
  time: 'minutes, HH:MM:SS or D-HH:MM:SS',
  memory: 'e.g. 8G',
  setup: 'e.g. module load nodejs/20',
  command: "default: this lab's Node and bin/ddl-lab.js",
};

function toValues(settings: Settings): Values {
  const values = Object.fromEntries(
    [...textFields, ...numberFields].map((f) => [f, settings[f] === undefined ? '' : String(settings[f])]),
  ) as Values;
  values.setup = (settings.setup ?? []).join('\n');
  return values;
}

function toSettings(values: Values): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of textFields) if (values[f].trim()) out[f] = values[f].trim();
  for (const f of numberFields) {
    const text = values[f].trim();
    if (text) out[f] = Number.isFinite(Number(text)) ? Number(text) : text; // a word is named by the lab
  }
  const setup = values.setup.split('\n').filter((l) => l.trim());
  if (setup.length > 0) out.setup = setup;
  return out;
}

export function SlurmSettingsForm() {
  const query = useLabQuery('slurm.getSettings', {});
  const [values, setValues] = useState<Values>();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (query.data && values === undefined) setValues(toValues(query.data.settings));
  }, [query.data, values]);
  if (!values) return <ErrorMessage error={query.error} />;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setSaved(false);
    try {
      const view = await lab.call('slurm.setSettings', { settings: toSettings(values) as Settings });
      setValues(toValues(view.settings));
      setSaved(true);
      query.reload();
    } catch (error) {
      setErrors(fieldErrorsFromLabError(error, 'settings'));
    }
  };
  const set = (field: keyof Values) => (event: { target: { value: string } }) => {
    setSaved(false);
    setValues({ ...values, [field]: event.target.value });
  };
  return (
    <form onSubmit={(e) => void save(e)} aria-label="Slurm settings">
      <p className="muted">
        Every Slurm job is made from these settings ({query.data?.file ?? 'slurm.json'}; the same as{' '}
        <code>ddl-lab slurm settings</code>). Bundles go to {query.data?.sharedDir}.
      </p>
      <div className="form-row">
        {(['sharedDir', 'partition', 'account', 'time', 'cpus', 'memory', 'gpus', 'pollSeconds'] as const).map((f) => (
          <Field
            key={f}
            label={labels[f]}
            error={errors[f]}
            help={help[f]}
            className={f === 'sharedDir' ? 'field-wide' : undefined}
          >
            {(control) => (
              <input
                {...control}
                size={f === 'sharedDir' ? 40 : 8}
                value={values[f]}
                placeholder={f === 'sharedDir' ? query.data?.sharedDir : 'default'}
                onChange={set(f)}
              />
            )}
          </Field>
        ))}
      </div>
      <div className="form-row">
        <Field label={labels.setup} error={errors.setup ?? errors['setup.0']} help={help.setup} className="field-wide">
          {(control) => <textarea {...control} rows={3} cols={50} value={values.setup} onChange={set('setup')} />}
        </Field>
        <Field label={labels.command} error={errors.command} help={help.command} className="field-wide">
          {(control) => <input {...control} size={40} value={values.command} onChange={set('command')} />}
        </Field>
      </div>
      <div className="form-row">
        <button type="submit" className="button">
          Save Slurm settings
        </button>
        {saved ? <span className="muted">saved</span> : null}
      </div>
      <ErrorMessage error={errors[''] ? new Error(errors['']) : undefined} />
    </form>
  );
}
