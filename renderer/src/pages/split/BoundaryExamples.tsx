import type { z } from 'zod';
import type { boundaryExampleSchema } from '../../api/index.js';
import { ImageThumb } from '../../components/ImageThumb.js';
import { formatNumber } from '../../lib/format.js';

type BoundaryExample = z.infer<typeof boundaryExampleSchema>;

/** The images the rule decides by the thinnest margin, from both sides: are these really easy / hard? */
export function BoundaryExamples({
  datasetId,
  easy,
  hard,
  onOpen,
}: {
  datasetId: string;
  easy: BoundaryExample[];
  hard: BoundaryExample[];
  onOpen: (imageId: string) => void;
}) {
  return (
    <div className="panel">
      <div className="panel-header">
        <h2 className="panel-title">At the boundary</h2>
        <span className="muted">closest to the threshold first</span>
      </div>
      <BoundaryRow title="Easy, just inside" side="easy" datasetId={datasetId} examples={easy} onOpen={onOpen} />
      <BoundaryRow title="Hard, just inside" side="hard" datasetId={datasetId} examples={hard} onOpen={onOpen} />
    </div>
  );
}

function BoundaryRow({
  title,
  side,
  datasetId,
  examples,
  onOpen,
}: {
  title: string;
  side: 'easy' | 'hard';
  datasetId: string;
  examples: BoundaryExample[];
  onOpen: (imageId: string) => void;
}) {
  return (
    <div className="boundary-row">
      <h3 className={`boundary-title boundary-${side}`}>{title}</h3>
      {examples.length === 0 ? (
        <p className="muted">No {side} images under this rule.</p>
      ) : (
        <ul className="boundary-strip">
          {examples.map((image) => {
            const caption = image.margin === null ? '—' : `Δ ${formatNumber(image.margin, 2)}`;
            return (
              <li key={image.id}>
                <button
                  type="button"
                  className="thumb-button"
                  onClick={() => onOpen(image.id)}
                  aria-label={`${side} image ${image.path} ${caption}`}
                  title={`${image.path} (${image.identity}): ${caption} from the threshold`}
                >
                  <ImageThumb datasetId={datasetId} imageId={image.id} size={64} alt="" />
                  <span className="thumb-caption">{caption}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
