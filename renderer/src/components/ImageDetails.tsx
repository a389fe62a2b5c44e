import { useEffect, useRef } from 'react';
import type { AttributeInfo } from '../api/index.js';
import { useLabQuery } from '../hooks/use-lab-query.js';
import { formatAttribute } from '../lib/format.js';
import { ErrorMessage } from './ErrorMessage.js';
import { FaceOverlay } from './FaceOverlay.js';
import { ImageThumb } from './ImageThumb.js';

const measuredNames = new Set(['sharpness', 'brightness', 'contrast', 'width', 'height']);
/** Estimated by "Find and align faces" (stored like file attributes). */
const faceNames = new Set(['yaw', 'pitch', 'roll', 'faceSize', 'eyeDistance', 'faceScore', 'blur']);

/** Side panel with one image and every attribute: ground truth from the files, measured at import. */
export function ImageDetails({
  datasetId,
  imageId,
  attributes,
  onClose,
}: {
  datasetId: string;
  imageId: string;
  attributes?: AttributeInfo[];
  onClose: () => void;
}) {
  const query = useLabQuery('datasets.image', { datasetId, imageId });
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [imageId, onClose]);

  const image = query.data;
  const source = new Map(attributes?.map((a) => [a.name, a.source]));
  const entries = image ? Object.entries(image.attributes) : [];
  const isMeasured = (name: string) =>
    (source.get(name) ?? (measuredNames.has(name) ? 'measured' : 'file')) === 'measured';
  const isEstimated = (name: string) => Boolean(image?.face) && faceNames.has(name);
  const faceEntries = entries.filter(([name]) => isEstimated(name));
  const fileEntries = entries.filter(([name]) => !isMeasured(name) && !isEstimated(name));
  const measuredEntries = entries.filter(([name]) => isMeasured(name));

  return (
    <aside className="drawer" aria-label="Image details">
      <div className="drawer-header">
        <h2 className="drawer-title">Image details</h2>
        <button
          ref={closeRef}
          type="button"
          className="button button-small"
          onClick={onClose}
          aria-label="Close image details"
        >
          Close
        </button>
      </div>
      {image?.face ? (
        <FaceOverlay datasetId={datasetId} image={image} face={image.face} />
      ) : (
        <ImageThumb
          datasetId={datasetId}
          imageId={imageId}
          size={256}
          alt={image ? `${image.identity}: ${image.path}` : 'Selected image'}
          className="drawer-image"
        />
      )}
      <ErrorMessage error={query.error} />
      {image ? (
        <>
          <dl className="facts">
            <dt>Identity</dt>
            <dd>{image.identity}</dd>
            <dt>File</dt>
            <dd className="path">{image.path}</dd>
            <dt>Size</dt>
            <dd>
              {image.width} × {image.height} px
            </dd>
            <dt>Image id</dt>
            <dd>{image.id}</dd>
          </dl>
          <AttributeTable title="Estimated from the face" entries={faceEntries} />
          <AttributeTable title="Attributes (from the dataset files)" entries={fileEntries} />
          <AttributeTable title="Measured at import" entries={measuredEntries} />
        </>
      ) : query.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
    </aside>
  );
}

function AttributeTable({ title, entries }: { title: string; entries: Array<[string, number | string | null]> }) {
  if (entries.length === 0) return null;
  return (
    <table className="table table-compact attribute-table">
      <caption>{title}</caption>
      <tbody>
        {entries.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="num">{formatAttribute(value)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
