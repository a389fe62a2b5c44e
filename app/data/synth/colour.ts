// RGB colours as [r, g, b] in 0..255, with the few operations the face painter needs.
export type Rgb = readonly [number, number, number];

function clampByte(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** amount > 0 darkens toward black, < 0 lightens toward white. */
export function shade(colour: Rgb, amount: number): Rgb {
  return amount >= 0 ? mix(colour, [0, 0, 0], amount) : mix(colour, [255, 255, 255], -amount);
}

export function hex(colour: Rgb): string {
  return `#${colour.map((c) => clampByte(c).toString(16).padStart(2, '0')).join('')}`;
}

/** Piecewise-linear point on a palette, t in [0, 1]. */
export function paletteAt(palette: readonly Rgb[], t: number): Rgb {
  const x = Math.max(0, Math.min(1, t)) * (palette.length - 1);
  const i = Math.min(palette.length - 2, Math.floor(x));
  return mix(palette[i] as Rgb, palette[i + 1] as Rgb, x - i);
}

/** HSL (h in degrees, s and l in 0..1) to RGB. */
export function hsl(h: number, s: number, l: number): Rgb {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const hp = (((h % 360) + 360) % 360) / 60;
  const x = c * (1 - Math.abs((hp % 2) - 1));
  const [r, g, b] =
    hp < 1 ? [c, x, 0] : hp < 2 ? [x, c, 0] : hp < 3 ? [0, c, x] : hp < 4 ? [0, x, c] : hp < 5 ? [x, 0, c] : [c, 0, x];
  const m = l - c / 2;
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}
