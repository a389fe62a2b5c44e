import { useState, type MouseEvent } from 'react';
import { chartFileName, framedSvg, svgToPng } from '../lib/chart-image.js';
import { saveBlob } from '../lib/download.js';

/** "SVG" and "PNG" buttons for the chart card they sit in (the card's recharts <svg>). */
export function ChartSave({ title }: { title: string }) {
  const [error, setError] = useState<string>();
  const save = async (event: MouseEvent<HTMLButtonElement>, format: 'svg' | 'png') => {
    setError(undefined);
    const card = event.currentTarget.closest('figure');
    // the chart's own <svg> (legend icons are recharts-surface svgs too)
    const svg = card?.querySelector<SVGSVGElement>('.recharts-wrapper > svg.recharts-surface');
    if (!card || !svg) {
      setError('nothing drawn yet');
      return;
    }
    const style = getComputedStyle(card);
    const paint = (value: string | null | undefined) => (value && value !== 'none' ? value : undefined);
    const legend = [...card.querySelectorAll<HTMLElement>('.recharts-legend-item')].map((item) => {
      const icon = item.querySelector('path');
      return {
        label: item.querySelector('.recharts-legend-item-text')?.textContent ?? '',
        color: paint(icon?.getAttribute('stroke')) ?? paint(icon?.getAttribute('fill')) ?? style.color,
      };
    });
    const framed = framedSvg(svg, style.backgroundColor || '#ffffff', { title, legend, ink: style.color || '#1b2230' });
    try {
      if (format === 'svg') saveBlob(chartFileName(title, 'svg'), new Blob([framed.markup], { type: 'image/svg+xml' }));
      else saveBlob(chartFileName(title, 'png'), await svgToPng(framed.markup, framed.width, framed.height));
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
        aria-label={`Save ${title} as SVG`}
      >
        SVG
      </button>
      <button
        type="button"
        className="chart-save-button"
        onClick={(e) => void save(e, 'png')}
        title={`Save "${title}" as PNG`}
        aria-label={`Save ${title} as PNG`}
      >
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
