import { useState } from 'react';
import { lab, type ThumbnailSize } from '../api/index.js';

/** An image by dataset id + image id (never by path), as a thumbnail of `size` px. */
export function ImageThumb({
  datasetId,
  imageId,
  size,
  alt,
  className,
}: {
  datasetId: string;
  imageId: string;
  size: ThumbnailSize;
  alt: string;
  className?: string;
}) {
  const [failed, setFailed] = useState(false);
  if (failed)
    return (
      <div
        className={`thumb thumb-missing${className ? ` ${className}` : ''}`}
        role="img"
        aria-label={`${alt} (could not be loaded)`}
      >
        no image
      </div>
    );
  return (
    <img
      className={`thumb${className ? ` ${className}` : ''}`}
      src={lab.imageUrl(datasetId, imageId, size)}
      alt={alt}
      width={size}
      height={size}
      loading="lazy"
      decoding="async"
      draggable={false}
      onError={() => setFailed(true)}
    />
  );
}
