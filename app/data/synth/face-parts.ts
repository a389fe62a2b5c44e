// The features painted on the head surface: eyes, brows, nose, mouth, ears, glasses, beard, marks.
// Each is a set of (u, v, lift) points projected through the head, so turning the head foreshortens
// them, folds them onto the silhouette and hides them on the far side.
import { type Rgb, mix, shade } from './colour.js';
import { type Shape, type View, facingOf, projectPoint, projectSurface, surfacePoint } from './head-geometry.js';
import { type IdentityParams } from './identity.js';
import { type Point, area, circle, linspace, polygon, polyline } from './svg.js';

export interface FaceContext {
  head: Shape;
  view: View;
  id: IdentityParams;
}

type Side = -1 | 1;

/** Points of a shape given in metric offsets (head units) around surface point (cu, cv). */
function projectMetric(
  ctx: FaceContext,
  cu: number,
  cv: number,
  offsets: readonly (readonly [number, number])[],
  lift: number,
): Point[] {
  const w = Math.max(ctx.head.at(cv).w, 1e-3);
  return offsets.map(([mx, my]) => projectSurface(ctx.head, ctx.view, cu + mx / w, cv + my, lift, true));
}

function facingAt(ctx: FaceContext, u: number, v: number): number {
  return projectSurface(ctx.head, ctx.view, u, v).facing;
}

function width(ctx: FaceContext, headUnits: number): number {
  return headUnits * ctx.view.scale;
}

export function eye(ctx: FaceContext, side: Side, clipId: string): string {
  const { id } = ctx;
  const cu = side * id.eyeU,
    cv = id.eyeV;
  if (facingAt(ctx, cu, cv) < 0.2) return '';
  const tilt = Math.tan(id.eyeTilt);
  const warp = (mx: number, my: number): [number, number] => [side * mx, my - mx * tilt];
  const s = linspace(-1, 1, 13);
  const upper = s.map((t) => warp(t * id.eyeWidth, -id.eyeHeight * Math.pow(1 - t * t, 0.8)));
  const lower = s
    .slice()
    .reverse()
    .map((t) => warp(t * id.eyeWidth, id.eyeHeight * id.eyeLower * Math.pow(1 - t * t, 0.9)));
  const outline = projectMetric(ctx, cu, cv, [...upper, ...lower], 0.01);
  if (Math.abs(area(outline)) < 0.05) return '';
  const r = id.irisSize * id.eyeHeight;
  const ring = (radius: number, dx: number, dy: number) =>
    linspace(0, Math.PI * 2, 17)
      .slice(0, 16)
      .map((a) => [dx + radius * Math.cos(a), dy + radius * Math.sin(a)] as const);
  const iris = projectMetric(ctx, cu, cv, ring(r, 0, -0.1 * id.eyeHeight), 0.012);
  const pupil = projectMetric(ctx, cu, cv, ring(r * 0.45, 0, -0.1 * id.eyeHeight), 0.013);
  const glint = projectMetric(ctx, cu, cv, ring(r * 0.22, -0.35 * r, -0.45 * r), 0.014);
  const lid = projectMetric(ctx, cu, cv, upper, 0.012);
  const lowerLid = projectMetric(ctx, cu, cv, lower, 0.012);
  const lash: Rgb = shade(mix(id.browColour, [20, 16, 14], 0.5), 0.2);
  return (
    `<clipPath id="${clipId}">${polygon(outline, { fill: '#fff' })}</clipPath>` +
    polygon(outline, { fill: [244, 240, 232] }) +
    `<g clip-path="url(#${clipId})">${polygon(iris, { fill: id.irisColour })}${polygon(pupil, { fill: [16, 12, 12] })}${polygon(glint, { fill: [255, 255, 255], opacity: 0.85 })}</g>` +
    polyline(lowerLid, { stroke: shade(id.skin, 0.45), strokeWidth: width(ctx, 0.01) }) +
    polyline(lid, { stroke: lash, strokeWidth: width(ctx, id.lidWeight) })
  );
}

export function brow(ctx: FaceContext, side: Side): string {
  const { id } = ctx;
  const cu = side * id.eyeU,
    cv = id.eyeV;
  if (facingAt(ctx, cu, cv - id.eyeHeight - id.browGap) < 0.12) return '';
  const s = linspace(-1, 1, 11); // -1 = inner end, 1 = outer end
  const centre = s.map((t) => {
    const mx = -0.95 * id.eyeWidth + ((t + 1) / 2) * (id.browLength + 0.95) * id.eyeWidth;
    const my = -id.eyeHeight - id.browGap - id.browArch * (1 - t * t) + id.browSlant * t;
    const thick = id.browThickness * (1 - 0.5 * ((t + 1) / 2) ** 2);
    return { mx: side * mx, my, thick };
  });
  const top = centre.map((c) => [c.mx, c.my - c.thick / 2] as const);
  const bottom = centre
    .slice()
    .reverse()
    .map((c) => [c.mx, c.my + c.thick / 2] as const);
  return polygon(projectMetric(ctx, cu, cv, [...top, ...bottom], 0.03), { fill: ctx.id.browColour });
}

/** Convex hull (monotone chain) of projected nose points: a flat nose at the front, a profile at the side. */
function hull(points: Point[]): Point[] {
  const pts = points.slice().sort((a, b) => a.x - b.x || a.y - b.y);
  const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
  const lower: Point[] = [],
    upper: Point[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, p) <= 0) lower.pop();
    lower.push(p);
  }
  for (const p of pts.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

export function nose(ctx: FaceContext): string {
  const { id, head, view } = ctx;
  const np = id.noseProtrusion,
    nb = id.noseBottom;
  const at = (u: number, v: number, h: number) => projectSurface(head, view, u, v, h);
  const points = [
    at(0, id.eyeV - 0.02, 0.02),
    at(0, (id.eyeV + nb) / 2, 0.5 * np),
    at(0, nb - 0.05, np),
    at(0, nb, 0.55 * np),
  ];
  for (const side of [-1, 1] as const) {
    const wing = at(side * id.noseWidth, nb - 0.02, 0.05);
    if (wing.facing > -0.05) points.push(wing);
  }
  let svg = polygon(hull(points), {
    fill: shade(id.skin, 0.07),
    stroke: shade(id.skin, 0.32),
    strokeWidth: width(ctx, 0.012),
  });
  for (const side of [-1, 1] as const) {
    const u = side * id.noseWidth * 0.5,
      v = nb - 0.012;
    if (facingAt(ctx, u, v) < 0.15) continue;
    const w = Math.max(head.at(v).w, 1e-3);
    const ring = linspace(0, Math.PI * 2, 11)
      .slice(0, 10)
      .map((a) => at(u + (id.nostrilSize * 1.3 * Math.cos(a)) / w, v + id.nostrilSize * 0.7 * Math.sin(a), 0.3 * np));
    svg += polygon(ring, { fill: shade(id.skin, 0.6) });
  }
  return svg;
}

export function mouth(ctx: FaceContext): string {
  const { id } = ctx;
  if (facingAt(ctx, 0, id.mouthV) < -0.2) return '';
  const s = linspace(-1, 1, 15);
  const centre = (t: number) => id.mouthV - id.smile * t * t;
  const lift = (t: number) => 0.02 + 0.04 * (1 - t * t);
  const pt = (t: number, v: number) => projectSurface(ctx.head, ctx.view, t * id.mouthWidth, v, lift(t), true);
  const upper = s.map((t) =>
    pt(t, centre(t) - id.upperLip * Math.pow(1 - t * t, 0.6) * (1 - 0.35 * Math.exp(-((t / 0.18) ** 2)))),
  );
  const lower = s
    .slice()
    .reverse()
    .map((t) => pt(t, centre(t) + id.lowerLip * Math.pow(1 - t * t, 0.6)));
  const line = s.map((t) => pt(t, centre(t)));
  return (
    polygon([...upper, ...lower], {
      fill: id.lipColour,
      stroke: shade(id.lipColour, 0.25),
      strokeWidth: width(ctx, 0.008),
    }) + polyline(line, { stroke: shade(id.lipColour, 0.6), strokeWidth: width(ctx, 0.016) })
  );
}

/** An ear: a 3-D ellipse hinged at the side of the head, tilted back and out. front: drawn over the head. */
export function ear(ctx: FaceContext, side: Side): { svg: string; front: boolean } {
  const { id, head, view } = ctx;
  const top = id.eyeV - 0.05,
    bottom = id.noseBottom + 0.04;
  const v = (top + bottom) / 2;
  const rh = ((bottom - top) / 2) * id.earSize,
    rw = rh * 0.55;
  const base = surfacePoint(head, side * (Math.PI / 2 + 0.12), v);
  const back = { x: side * base.nz, z: -side * base.nx };
  const dir = {
    x: back.x * Math.cos(id.earStickOut) + base.nx * Math.sin(id.earStickOut),
    z: back.z * Math.cos(id.earStickOut) + base.nz * Math.sin(id.earStickOut),
  };
  const normal = { x: -side * dir.z, z: side * dir.x };
  const ring = (scale: number, shift: number) =>
    linspace(0, Math.PI * 2, 19)
      .slice(0, 18)
      .map((a) => {
        const along = rw * scale * (1 + Math.cos(a)) + shift * rw;
        const up = rh * scale * Math.sin(a) * (Math.sin(a) < 0 ? 1.1 : 0.9);
        return projectPoint(view, base.x + dir.x * along, base.y + up, base.z + dir.z * along);
      });
  const facing = facingOf(view, normal.x, normal.z);
  const outer = ring(1, 0);
  if (Math.abs(area(outer)) < 0.05 && facing < 0) return { svg: '', front: false };
  const svg =
    polygon(outer, { fill: shade(id.skin, 0.04), stroke: shade(id.skin, 0.35), strokeWidth: width(ctx, 0.012) }) +
    (facing > 0.2 ? polygon(ring(0.55, 0.35), { fill: shade(id.skin, 0.2) }) : '');
  return { svg, front: facing > 0.1 };
}

export function glassesArms(ctx: FaceContext): string {
  const g = ctx.id.glasses;
  if (!g) return '';
  let svg = '';
  for (const side of [-1, 1] as const) {
    const w = ctx.head.at(ctx.id.eyeV).w;
    const start = ctx.id.eyeU + (g.size * ctx.id.eyeWidth) / w;
    const arm = linspace(start, Math.PI / 2 + 0.2, 8).map((u) =>
      projectSurface(ctx.head, ctx.view, side * u, ctx.id.eyeV - 0.02, 0.07, true),
    );
    svg += polyline(arm, { stroke: g.colour, strokeWidth: width(ctx, 0.022) });
  }
  return svg;
}

export function glassesRims(ctx: FaceContext): string {
  const { id } = ctx;
  const g = id.glasses;
  if (!g) return '';
  const rx = g.size * id.eyeWidth,
    ry = rx * 0.78;
  const n = g.shape === 'round' ? 2 : 4;
  let svg = '';
  for (const side of [-1, 1] as const) {
    const cu = side * id.eyeU;
    if (facingAt(ctx, cu, id.eyeV) < 0.08) continue;
    const rim = linspace(0, Math.PI * 2, 25)
      .slice(0, 24)
      .map((a) => {
        const c = Math.cos(a),
          s = Math.sin(a);
        return [
          rx * Math.sign(c) * Math.pow(Math.abs(c), 2 / n),
          -0.2 * id.eyeHeight + ry * Math.sign(s) * Math.pow(Math.abs(s), 2 / n),
        ] as const;
      });
    svg += polygon(projectMetric(ctx, cu, id.eyeV, rim, 0.09), {
      fill: [60, 70, 90],
      stroke: g.colour,
      strokeWidth: width(ctx, 0.03),
      extra: `fill-opacity="${g.tint.toFixed(2)}"`,
    });
  }
  const w = ctx.head.at(id.eyeV).w;
  const inner = id.eyeU - rx / w;
  const bridge = linspace(-inner, inner, 7).map((u) =>
    projectSurface(ctx.head, ctx.view, u, id.eyeV - 0.03, 0.09 + 0.05 * Math.cos(((u / inner) * Math.PI) / 2), true),
  );
  return svg + polyline(bridge, { stroke: g.colour, strokeWidth: width(ctx, 0.025) });
}

function uvRegion(ctx: FaceContext, points: readonly (readonly [number, number])[], lift: number): Point[] {
  return points.map(([u, v]) => projectSurface(ctx.head, ctx.view, u, v, lift, true));
}

/** Beard and stubble cover the jaw below a line from the sideburns over the cheeks. */
export function beard(ctx: FaceContext): string {
  const { id } = ctx;
  const colour = id.hair.colour;
  if (id.beard === 'stubble' || id.beard === 'full') {
    const edge = 1.75;
    const line = (u: number) => {
      const a = Math.abs(u);
      const cheek = id.noseBottom + 0.08 + 0.1 * Math.exp(-(((a - 0.75) / 0.3) ** 2));
      return a > 1.3 ? cheek + (0.05 - cheek) * ((a - 1.3) / (edge - 1.3)) : a < 0.32 ? id.noseBottom + 0.05 : cheek;
    };
    const top = linspace(-edge, edge, 29).map((u) => [u, line(u)] as const);
    const right = linspace(line(edge), 0.995, 10).map((v) => [edge, v] as const);
    const left = linspace(0.995, line(-edge), 10).map((v) => [-edge, v] as const);
    const full = id.beard === 'full';
    return polygon(uvRegion(ctx, [...top, ...right, ...left], full ? 0.03 : 0.005), {
      fill: full ? colour : mix(colour, id.skin, 0.35),
      opacity: full ? 1 : 0.35,
    });
  }
  return '';
}

export function moustacheOrGoatee(ctx: FaceContext): string {
  const { id } = ctx;
  const s = linspace(-1, 1, 13);
  if (id.beard === 'moustache' || id.beard === 'full') {
    // a band over the upper lip, its ends drooping past the mouth corners
    const uw = id.mouthWidth * 1.15;
    const lipTop = id.mouthV - id.upperLip;
    const top = s.map((t) => [t * uw, lipTop - 0.065 + 0.03 * t * t] as const);
    const bottom = s
      .slice()
      .reverse()
      .map((t) => [t * uw, lipTop - 0.008 + 0.05 * t ** 6] as const);
    return polygon(uvRegion(ctx, [...top, ...bottom], 0.05), { fill: shade(id.hair.colour, 0.1) });
  }
  if (id.beard === 'goatee') {
    const uw = 0.2,
      top = id.mouthV + id.lowerLip + 0.025;
    const upper = s.map((t) => [t * uw, top + 0.015 * t * t] as const);
    const lower = [
      [uw * 0.8, 0.9],
      [uw * 0.4, 0.97],
      [0, 0.99],
      [-uw * 0.4, 0.97],
      [-uw * 0.8, 0.9],
    ] as const;
    return polygon(uvRegion(ctx, [...upper, ...lower], 0.04), { fill: shade(id.hair.colour, 0.1) });
  }
  return '';
}

export function skinMarks(ctx: FaceContext): string {
  const { id } = ctx;
  let svg = '';
  if (id.blush > 0) {
    for (const side of [-1, 1] as const) {
      const u = side * 0.6,
        v = id.noseBottom + 0.02;
      if (facingAt(ctx, u, v) < 0.1) continue;
      const w = ctx.head.at(v).w;
      const ring = linspace(0, Math.PI * 2, 13)
        .slice(0, 12)
        .map((a) => [u + (0.13 * Math.cos(a)) / w, v + 0.08 * Math.sin(a)] as const);
      svg += polygon(uvRegion(ctx, ring, 0.005), { fill: [222, 110, 118], opacity: id.blush });
    }
  }
  const dot = (u: number, v: number, r: number, fill: Rgb, opacity = 1) => {
    const p = projectSurface(ctx.head, ctx.view, u, v, 0.005);
    if (p.facing > 0.15) svg += circle(p, Math.max(0.15, r * ctx.view.scale * Math.sqrt(p.facing)), { fill, opacity });
  };
  for (const f of id.freckles) dot(f.u, f.v, 0.011, shade(id.skin, 0.35), 0.8);
  if (id.mole) dot(id.mole.u, id.mole.v, id.mole.size, [60, 38, 30]);
  return svg;
}
