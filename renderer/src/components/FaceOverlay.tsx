import { lab, type ImageItem } from '../api/index.js';
import { useLabQuery } from '../hooks/use-lab-query.js';
import { ErrorMessage } from './ErrorMessage.js';

type Face = NonNullable<ImageItem['face']>;
const pointNames = ['right eye', 'left eye', 'nose tip', 'right mouth corner', 'left mouth corner'];

/**
 * A face imported with "Find and align faces": the original photo with the detector's box and the
 * five alignment points drawn (source pixels, scaled with the picture), and beside it the aligned
 * crop the model is trained on (the pixel cache's row).
 */
export function FaceOverlay({ datasetId, image, face }: { datasetId: string; image: ImageItem; face: Face }) {
  const crop = useLabQuery('datasets.cachedPixels', { datasetId, imageIds: [image.id] });
  const r = Math.max(2, Math.max(image.width, image.height) / 150);
  return (
    <div className="face-overlay" aria-label="Detected face">
      <figure className="face-original">
        <div className="face-original-frame">
          <img src={lab.imageUrl(datasetId, image.id, 256)} alt={`${image.identity}: ${image.path}`} />
          <svg
            viewBox={`0 0 ${image.width} ${image.height}`}
            preserveAspectRatio="none"
            role="img"
            aria-label={`face ${face.index} box and five landmarks`}
          >
            <rect
              x={face.box.x}
              y={face.box.y}
              width={face.box.width}
              height={face.box.height}
              className="face-box"
              strokeWidth={r / 1.5}
            />
            {face.points.map(([x, y], i) => (
              <circle key={i} cx={x} cy={y} r={r} className="face-point">
                <title>{pointNames[i]}</title>
              </circle>
            ))}
          </svg>
        </div>
        <figcaption>original, face {face.index}</figcaption>
      </figure>
      <figure className="face-aligned">
        {crop.data?.items[0] ? (
          <img src={crop.data.items[0].dataUrl} alt="aligned crop" width={112} height={112} />
        ) : (
          <div className="thumb-placeholder" aria-hidden="true" />
        )}
        <figcaption>aligned {crop.data ? `${crop.data.size}×${crop.data.size}` : ''}</figcaption>
      </figure>
      <ErrorMessage error={crop.error} />
    </div>
  );
}
