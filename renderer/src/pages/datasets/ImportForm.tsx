import { useState, type FormEvent } from 'react';
import { lab } from '../../api/index.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { useLabQuery } from '../../hooks/use-lab-query.js';
import { fieldErrorsFromLabError, type FieldErrors } from '../../lib/form-errors.js';
import { importCacheChoices, importParams, type ImportCache } from '../../lib/import-form.js';

/** Import a folder laid out as root/<identity>/<image>; the desktop app offers its folder picker. */
export function ImportForm({ onStarted, onClose }: { onStarted: (jobId: string) => void; onClose: () => void }) {
  const info = useLabQuery('system.info', {});
  const canPick = info.data?.shell === 'electron';
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [attributesFile, setAttributesFile] = useState('');
  const [pairsFile, setPairsFile] = useState('');
  const [faces, setFaces] = useState<'none' | 'detect' | 'detect-all'>('none');
  const [cache, setCache] = useState<ImportCache>('raw');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const pick = async () => {
    try {
      const picked = await lab.call('system.pickFolder', { title: 'Folder to import' });
      if (picked.path) setPath(picked.path);
    } catch (error) {
      setErrors(fieldErrorsFromLabError(error));
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!path.trim()) {
      setErrors({ path: 'type the folder to import (it holds one sub-folder per identity)' });
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const { jobId } = await lab.call(
        'datasets.import',
        importParams({ path, name, attributesFile, pairsFile, faces, cache }),
      );
      onStarted(jobId);
    } catch (error) {
      setErrors(fieldErrorsFromLabError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel form-panel" onSubmit={submit} aria-label="Import a folder">
      <div className="panel-header">
        <h2 className="panel-title">Import a folder</h2>
        <span className="muted">
          ImageFolder layout: one sub-folder per identity; attributes.csv and pairs.txt are picked up when present
        </span>
      </div>
      <div className="form-row">
        <Field
          label="Folder"
          error={errors.path}
          help={canPick ? undefined : 'a path on the machine running the lab'}
          className="field-wide"
        >
          {(p) => (
            <div className="input-with-button">
              <input
                {...p}
                className="input"
                value={path}
                placeholder="/data/faces"
                onChange={(e) => setPath(e.target.value)}
              />
              {canPick ? (
                <button type="button" className="button" onClick={pick}>
                  Choose…
                </button>
              ) : null}
            </div>
          )}
        </Field>
        <Field label="Name (optional)" error={errors.name}>
          {(p) => <input {...p} className="input" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Attributes CSV (optional)" error={errors.attributesFile}>
          {(p) => (
            <input
              {...p}
              className="input"
              value={attributesFile}
              placeholder="attributes.csv"
              onChange={(e) => setAttributesFile(e.target.value)}
            />
          )}
        </Field>
        <Field label="Pairs list (optional)" error={errors.pairsFile}>
          {(p) => (
            <input
              {...p}
              className="input"
              value={pairsFile}
              placeholder="pairs.txt"
              onChange={(e) => setPairsFile(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Find and align faces"
          error={errors.faces}
          help="for ordinary photos: detect faces, align them to the ArcFace template, estimate yaw, pitch, roll, size, blur"
        >
          {(p) => (
            <select {...p} className="input" value={faces} onChange={(e) => setFaces(e.target.value as typeof faces)}>
              <option value="none">no: images are already aligned faces</option>
              <option value="detect">yes: the largest face of each photo</option>
              <option value="detect-all">yes: every face, each its own image</option>
            </select>
          )}
        </Field>
        <Field
          label="Pixel cache"
          error={errors.cache}
          help="how the decoded images are stored for training: png takes about half the disk and is decoded while training (bit-identical)"
        >
          {(p) => (
            <select {...p} className="input" value={cache} onChange={(e) => setCache(e.target.value as ImportCache)}>
              {importCacheChoices.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <ErrorMessage error={errors['']} />
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Starting…' : 'Import'}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
