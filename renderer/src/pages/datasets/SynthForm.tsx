import { useState, type FormEvent } from 'react';
import { lab, type SynthPreset } from '../../api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { fieldErrorsFromLabError, type FieldErrors } from '../../lib/form-errors.js';
import { formatCount } from '../../lib/format.js';

export const presetDescriptions: Record<SynthPreset, string> = {
  pose: 'hard = turned away, |yaw| ≥ 45°',
  resolution: 'hard = captured at ≤ 1/4 size',
  mixed: 'hard = pose, low resolution or dark light',
};

export interface SynthValues {
  preset: SynthPreset;
  identities: string;
  perIdentity: string;
  size: string;
  seed: string;
  name: string;
}

/** The demo the empty state offers: small enough to generate and train on a laptop CPU in minutes. */
export const demoSynthValues: SynthValues = {
  preset: 'pose',
  identities: '100',
  perIdentity: '12',
  size: '64',
  seed: '1',
  name: '',
};

function toParams(values: SynthValues) {
  return {
    preset: values.preset,
    identities: Number(values.identities),
    perIdentity: Number(values.perIdentity),
    size: Number(values.size),
    seed: Number(values.seed),
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
  };
}

export async function startSynth(values: SynthValues): Promise<string> {
  const { jobId } = await lab.call('synth.generate', toParams(values));
  return jobId;
}

/** SynthFaces generator: a preset says what makes an image hard; identities × images per identity set the size. */
export function SynthForm({ onStarted, onClose }: { onStarted: (jobId: string) => void; onClose: () => void }) {
  const [values, setValues] = useState<SynthValues>(demoSynthValues);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (key: keyof SynthValues) => (event: { target: { value: string } }) =>
    setValues((v) => ({ ...v, [key]: event.target.value }));
  const local: FieldErrors = {};
  for (const key of ['identities', 'perIdentity', 'seed'] as const) {
    if (!Number.isInteger(Number(values[key])) || values[key].trim() === '') local[key] = 'enter a whole number';
  }
  const shown = { ...errors, ...local };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    setErrors({});
    try {
      onStarted(await startSynth(values));
    } catch (error) {
      setErrors(fieldErrorsFromLabError(error));
    } finally {
      setBusy(false);
    }
  };
  const imageCount = Number(values.identities) * Number(values.perIdentity);
  return (
    <form className="panel form-panel" onSubmit={submit} aria-label="Generate SynthFaces">
      <div className="panel-header">
        <h2 className="panel-title">Generate SynthFaces</h2>
        <span className="muted">procedural faces with ground-truth pose, resolution and light</span>
      </div>
      <div className="form-row">
        <Field label="Preset" help={presetDescriptions[values.preset]} error={shown.preset}>
          {(p) => (
            <select {...p} className="input" value={values.preset} onChange={set('preset')}>
              <option value="pose">pose</option>
              <option value="resolution">resolution</option>
              <option value="mixed">mixed</option>
            </select>
          )}
        </Field>
        <Field label="Identities" error={shown.identities}>
          {(p) => (
            <input
              {...p}
              className="input input-num"
              inputMode="numeric"
              value={values.identities}
              onChange={set('identities')}
            />
          )}
        </Field>
        <Field label="Images per identity" error={shown.perIdentity}>
          {(p) => (
            <input
              {...p}
              className="input input-num"
              inputMode="numeric"
              value={values.perIdentity}
              onChange={set('perIdentity')}
            />
          )}
        </Field>
        <Field label="Image size (px)" error={shown.size}>
          {(p) => (
            <select {...p} className="input" value={values.size} onChange={set('size')}>
              {[32, 48, 64, 96, 112, 128].map((size) => (
                <option key={size} value={size}>
                  {size}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Seed" error={shown.seed}>
          {(p) => (
            <input {...p} className="input input-num" inputMode="numeric" value={values.seed} onChange={set('seed')} />
          )}
        </Field>
        <Field label="Name (optional)" error={shown.name}>
          {(p) => (
            <input
              {...p}
              className="input"
              value={values.name}
              placeholder={`synthfaces-${values.preset}`}
              onChange={set('name')}
            />
          )}
        </Field>
      </div>
      <ErrorMessage error={shown['']} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy || Object.keys(local).length > 0}>
          {busy ? 'Starting…' : `Generate ${Number.isFinite(imageCount) ? formatCount(imageCount) : ''} images`}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
