// Tiny SVG string helpers: fixed two-decimal coordinates keep the SVG (and so the pixels) deterministic.
import { type Rgb, hex } from './colour.js';

export interface Point {
  x: number;
  y: number;
}

export function pointsAttr(points: readonly Point[]): string {
  return points.map((p) => `${p.x.toFixed(2)},${p.y.toFixed(2)}`).join(' ');
}

export interface Paint {
  fill?: Rgb | string | null;
  stroke?: Rgb | null;
  strokeWidth?: number;
  opacity?: number;
  extra?: string;
}

function paintAttrs(paint: Paint): string {
  const fill =
    paint.fill === undefined || paint.fill === null
      ? 'none'
      : typeof paint.fill === 'string'
        ? paint.fill
        : hex(paint.fill);
  let attrs = ` fill="${fill}"`;
  if (paint.stroke) {
    attrs += ` stroke="${hex(paint.stroke)}" stroke-width="${(paint.strokeWidth ?? 0.5).toFixed(2)}" stroke-linejoin="round" stroke-linecap="round"`;
  }
  if (paint.opacity !== undefined && paint.opacity < 1) attrs += ` opacity="${paint.opacity.toFixed(3)}"`;
  if (paint.extra) attrs += ` ${paint.extra}`;
  return attrs;
}

export function polygon(points: readonly Point[], paint: Paint): string {
  return points.length < 3 ? '' : `<polygon points="${pointsAttr(points)}"${paintAttrs(paint)}/>`;
}

export function polyline(points: readonly Point[], paint: Paint): string {
  return points.length < 2 ? '' : `<polyline points="${pointsAttr(points)}"${paintAttrs({ ...paint, fill: null })}/>`;
}

export function circle(c: Point, r: number, paint: Paint): string {
  return `<circle cx="${c.x.toFixed(2)}" cy="${c.y.toFixed(2)}" r="${r.toFixed(2)}"${paintAttrs(paint)}/>`;
}

/** Signed area (shoelace), used to skip degenerate, edge-on shapes. */
export function area(points: readonly Point[]): number {
  let sum = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i]!,
      b = points[(i + 1) % points.length]!;
    sum += a.x * b.y - b.x * a.y;
  }
  return sum / 2;
}

export function linspace(a: number, b: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
}
