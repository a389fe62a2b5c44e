import { useCallback, useState } from 'react';
import { lab, type AttributeInfo, type ImageItem, type ThumbnailSize } from '../../api/index.js';
import { ImageDetails } from '../../components/ImageDetails.js';
import { ImageThumb } from '../../components/ImageThumb.js';
import { PagedGrid } from '../../components/PagedGrid.js';
import { formatCount } from '../../lib/format.js';

const pageSize = 300;

/** The dataset as a virtualised thumbnail grid (any size), filtered by identity; a click opens the image's details. */
export function ImagesTab({
  datasetId,
  identity,
  onClearIdentity,
  attributes,
}: {
  datasetId: string;
  identity: string | null;
  onClearIdentity: () => void;
  attributes: AttributeInfo[];
}) {
  const [thumb, setThumb] = useState<ThumbnailSize>(96);
  const [selected, setSelected] = useState<string | null>(null);
  const key = `${datasetId}|${identity ?? ''}`;
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      lab.call('datasets.images', { datasetId, offset, limit, ...(identity ? { identity } : {}) }),
    [datasetId, identity],
  );
  const close = useCallback(() => setSelected(null), []);
  return (
    <div className="tab-body">
      <PagedGrid<ImageItem>
        listKey={key}
        pageSize={pageSize}
        fetchPage={fetchPage}
        header={(total) => (
          <div className="toolbar">
            <span className="toolbar-text" aria-live="polite">
              {total === undefined ? 'Loading images…' : `${formatCount(total)} images`}
              {identity ? (
                <>
                  {' '}
                  of identity <strong>{identity}</strong>
                </>
              ) : null}
            </span>
            {identity ? (
              <button type="button" className="button button-small" onClick={onClearIdentity}>
                Show all identities
              </button>
            ) : null}
            <span className="toolbar-spacer" />
            <label className="inline-label" htmlFor="thumb-size">
              Thumbnail size
            </label>
            <select
              id="thumb-size"
              className="input input-compact"
              value={thumb}
              onChange={(e) => setThumb(Number(e.target.value) as ThumbnailSize)}
            >
              <option value={64}>small</option>
              <option value={96}>medium</option>
              <option value={128}>large</option>
            </select>
          </div>
        )}
        label="Image grid"
        className="image-grid"
        cellWidth={thumb}
        cellHeight={thumb + 18}
        gap={6}
        renderItem={(image) => (
          <button
            type="button"
            className={`thumb-button${selected === image.id ? ' thumb-button-selected' : ''}`}
            onClick={() => setSelected(image.id)}
            aria-label={`Image ${image.path}, ${image.identity}`}
          >
            <ImageThumb datasetId={datasetId} imageId={image.id} size={thumb} alt="" />
            <span className="thumb-caption">{image.identity}</span>
          </button>
        )}
        renderPlaceholder={(index) => <div className="thumb-placeholder" aria-hidden="true" data-index={index} />}
      />
      {selected ? (
        <ImageDetails datasetId={datasetId} imageId={selected} attributes={attributes} onClose={close} />
      ) : null}
    </div>
  );
}
