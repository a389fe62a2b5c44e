import { useState, type MouseEvent } from 'react';
import { chartFileName, svgMarkup, svgToPng } from '../lib/chart-image.js';
import { saveBlob } from '../lib/download.js';

/** "SVG" and "PNG" buttons for the chart card they sit in (the card's recharts <svg>). */
export function ChartSave({ title }: { title: string }) {
  const [error, setError] = useState<string>();
  const save = async (event: MouseEvent<HTMLButtonElement>, format: 'svg' | 'png') => {
    setError(undefined);
    const card = event.currentTarget.closest('figure');
    const svg = card?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!card || !svg) {
      setError('nothing drawn yet');
      return;
    }
    const background = getComputedStyle(card).backgroundColor || '#ffffff';
    const markup = svgMarkup(svg, background);
    try {
      if (format === 'svg') saveBlob(chartFileName(title, 'svg'), new Blob([markup], { type: 'image/svg+xml' }));
      else {
        const { width, height } = svg.getBoundingClientRect();
        saveBlob(chartFileName(title, 'png'), await svgToPng(markup, width, height));
      }
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return (
    <span className="chart-save">
      <button
        type="button"
        className="chart-save-button"
        onClick={(e) => void save(e, 'svg')}
        title={`Save "${title}" as SVG`}
      >
        <span className="sr-only">Save {title} as </span>
        SVG
      </button>
      <button
        type="button"
        className="chart-save-button"
        onClick={(e) => void save(e, 'png')}
        title={`Save "${title}" as PNG`}
      >
        <span className="sr-only">Save {title} as </span>
        PNG
      </button>
      {error ? (
        <span className="field-error" role="alert">
          {error}
        </span>
      ) : null}
    </span>
  );
}
