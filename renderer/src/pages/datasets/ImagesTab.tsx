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
  // A face dataset's grid can show the photos or the aligned crops (the pixel cache, what training sees).
  const hasFaces = attributes.some((a) => a.name === 'faceSize') && attributes.some((a) => a.name === 'yaw');
  const [show, setShow] = useState<'photos' | 'aligned'>('photos');
  const aligned = hasFaces && show === 'aligned';
  const [selected, setSelected] = useState<string | null>(null);
  const key = `${datasetId}|${identity ?? ''}|${aligned ? 'aligned' : 'photos'}`;
  const fetchPage = useCallback(
    async (offset: number, limit: number) => {
      const page = await lab.call('datasets.images', { datasetId, offset, limit, ...(identity ? { identity } : {}) });
      if (!aligned || page.items.length === 0) return page;
      const crops = new Map<string, string>();
      for (let i = 0; i < page.items.length; i += 200) {
        const ids = page.items.slice(i, i + 200).map((item) => item.id);
        for (const c of (await lab.call('datasets.cachedPixels', { datasetId, imageIds: ids })).items)
          crops.set(c.imageId, c.dataUrl);
      }
      return { ...page, items: page.items.map((item) => ({ ...item, crop: crops.get(item.id) })) };
    },
    [datasetId, identity, aligned],
  );
  const close = useCallback(() => setSelected(null), []);
  return (
    <div className="tab-body">
      <PagedGrid<ImageItem & { crop?: string }>
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
            {hasFaces ? (
              <>
                <label className="inline-label" htmlFor="grid-show">
                  Show
                </label>
                <select
                  id="grid-show"
                  className="input input-compact"
                  value={show}
                  onChange={(e) => setShow(e.target.value as 'photos' | 'aligned')}
                >
                  <option value="photos">photos</option>
                  <option value="aligned">aligned faces</option>
                </select>
              </>
            ) : null}
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
            {image.crop ? (
              <img className="thumb" src={image.crop} alt="" width={thumb} height={thumb} draggable={false} />
            ) : (
              <ImageThumb datasetId={datasetId} imageId={image.id} size={thumb} alt="" />
            )}
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
