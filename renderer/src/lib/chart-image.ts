// A chart as a file: the recharts <svg> serialized with the styles it inherits from the page
// (font, colours of text set by CSS), and as PNG by drawing that SVG on a canvas at 2x.

const inherited = ['font-family', 'font-size', 'font-weight', 'fill', 'stroke', 'color'] as const;

/** Standalone SVG text of a chart, on the chart card's background. */
export function svgMarkup(svg: SVGSVGElement, background: string): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  // recharts sizes its <svg> with style="width: 100%; height: 100%", which has no container in a file
  clone.removeAttribute('style');
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  clone.setAttribute('viewBox', `0 0 ${Math.round(width)} ${Math.round(height)}`);
  // text takes its font and colour from CSS: copy the computed values onto the clone
  const sources = svg.querySelectorAll('text, tspan');
  const targets = clone.querySelectorAll('text, tspan');
  sources.forEach((source, i) => {
    const style = getComputedStyle(source);
    const target = targets[i] as SVGElement | undefined;
    if (!target) return;
    for (const name of inherited)
      if (!target.getAttribute(name)) target.setAttribute(name, style.getPropertyValue(name));
  });
  const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  rect.setAttribute('width', '100%');
  rect.setAttribute('height', '100%');
  rect.setAttribute('fill', background);
  clone.insertBefore(rect, clone.firstChild);
  return new XMLSerializer().serializeToString(clone);
}

export interface ChartFrame {
  title: string;
  /** The legend's entries (recharts draws its legend in HTML, outside the <svg>). */
  legend: Array<{ label: string; color: string }>;
  ink: string;
}

const escapeXml = (text: string) =>
  text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** The chart with its title above and its legend below, as one SVG; returns it with its size. */
export function framedSvg(
  svg: SVGSVGElement,
  background: string,
  frame: ChartFrame,
): { markup: string; width: number; height: number } {
  const { width, height } = svg.getBoundingClientRect();
  const w = Math.round(width);
  const top = 26;
  const bottom = frame.legend.length > 0 ? 24 : 0;
  const total = Math.round(height) + top + bottom;
  const inner = svgMarkup(svg, background).replace(/^<svg/, `<svg x="0" y="${top}"`);
  let x = 12;
  const items = frame.legend
    .map((item) => {
      const entry = `<rect x="${x}" y="${total - 17}" width="12" height="3" fill="${item.color}"/><text x="${x + 16}" y="${total - 12}" font-size="12" font-family="sans-serif" fill="${frame.ink}">${escapeXml(item.label)}</text>`;
      x += 28 + item.label.length * 7;
      return entry;
    })
    .join('');
  const markup =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${total}" viewBox="0 0 ${w} ${total}">` +
    `<rect width="100%" height="100%" fill="${background}"/>` +
    `<text x="12" y="18" font-size="13" font-weight="600" font-family="sans-serif" fill="${frame.ink}">${escapeXml(frame.title)}</text>` +
    `${inner}${items}</svg>`;
  return { markup, width: w, height: total };
}

/** PNG bytes of SVG text, drawn at `scale` times its size. */
export function svgToPng(markup: string, width: number, height: number, scale = 2): Promise<Blob> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml;charset=utf-8' }));
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      const context = canvas.getContext('2d');
      if (!context) {
        URL.revokeObjectURL(url);
        reject(new Error('this browser cannot draw on a canvas'));
        return;
      }
      context.scale(scale, scale);
      context.drawImage(image, 0, 0, width, height);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the chart could not be encoded as PNG'))));
    };
    image.onerror = () => {
      URL.revokeObjectURL(url);
      reject(new Error('the chart could not be drawn as an image'));
    };
    image.src = url;
  });
}

/** A file name from a chart title: letters, digits and dashes. */
export function chartFileName(title: string, extension: 'svg' | 'png'): string {
  const base =
    title
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'chart';
  return `${base}.${extension}`;
}
