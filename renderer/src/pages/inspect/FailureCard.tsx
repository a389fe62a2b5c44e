import type { FailurePair } from '../../api/index.js';
import { ImageThumb } from '../../components/ImageThumb.js';
import { formatAttribute, formatNumber } from '../../lib/format.js';

type FailureImage = FailurePair['a'];

/** One mistake: both images, the score against the threshold, the pair type and the attributes that matter. */
export function FailureCard({
  pair,
  rank,
  shownAttributes,
  onOpen,
}: {
  pair: FailurePair;
  rank: number;
  shownAttributes: string[];
  onOpen: (image: FailureImage) => void;
}) {
  const falseReject = pair.kind === 'false-reject';
  return (
    <article
      className={`failure-card failure-${pair.kind}`}
      aria-label={`Mistake ${rank}: ${pair.kind}, score ${formatNumber(pair.score, 3)}`}
    >
      <header className="failure-head">
        <span className="failure-rank">#{rank}</span>
        <span className={`badge ${falseReject ? 'badge-reject' : 'badge-accept'}`}>
          {falseReject ? 'false reject' : 'false accept'}
        </span>
        {pair.pairType ? <span className={`badge badge-type badge-${pair.pairType}`}>{pair.pairType}</span> : null}
        <span className="failure-score" title={`threshold ${formatNumber(pair.threshold, 4)}`}>
          score <strong>{formatNumber(pair.score, 3)}</strong> {falseReject ? '<' : '>'}{' '}
          {formatNumber(pair.threshold, 3)}
        </span>
      </header>
      <div className="failure-images">
        <FailureSide image={pair.a} shownAttributes={shownAttributes} onOpen={onOpen} />
        <FailureSide image={pair.b} shownAttributes={shownAttributes} onOpen={onOpen} />
      </div>
    </article>
  );
}

function FailureSide({
  image,
  shownAttributes,
  onOpen,
}: {
  image: FailureImage;
  shownAttributes: string[];
  onOpen: (image: FailureImage) => void;
}) {
  return (
    <div className="failure-side">
      <button
        type="button"
        className="thumb-button"
        onClick={() => onOpen(image)}
        aria-label={`Details of ${image.path} (${image.identity})`}
      >
        <ImageThumb datasetId={image.datasetId} imageId={image.imageId} size={128} alt="" />
      </button>
      <div className="failure-meta">
        <div className="failure-identity" title={image.path}>
          {image.identity}
        </div>
        <dl className="mini-facts">
          {shownAttributes.map((name) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{formatAttribute(image.attributes[name])}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  );
}
