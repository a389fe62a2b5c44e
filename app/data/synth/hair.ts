// Hair: a shell around the head covering every (u, v) above a hairline v = hairline(u). The front
// layer is the shell's visible part above the hairline (traced along the limb over the top); the
// back layer is the shell's outline wherever hair exists, drawn behind the head (volume, long hair).
import { type HairParams } from './identity.js';
import {
  type Shape,
  type ScreenPoint,
  type View,
  levelsBetween,
  limbAngles,
  projectSurface,
  superellipse,
} from './head-geometry.js';
import { type Point, linspace } from './svg.js';

const FRONT_ZONE = 0.95; // radians either side of the nose where the forehead hairline rules
const TEMPLE = Math.PI / 2 + 0.25; // where the side level is reached

function smoothstep(t: number): number {
  const x = Math.max(0, Math.min(1, t));
  return x * x * (3 - 2 * x);
}

function fringeOffset(h: HairParams, u: number): number {
  const a = Math.abs(u);
  switch (h.fringe) {
    case 'straight':
      return 0;
    case 'side':
      return h.fringeSlant * u;
    case 'middle':
      return -0.2 * Math.pow(Math.max(0, 1 - a / FRONT_ZONE), 1.5);
    case 'peak':
      return 0.12 * Math.max(0, 1 - a / 0.28);
    case 'bangs':
      return 0.035 * Math.sin(u * 15 + h.fringePhase);
    case 'receding':
      return -0.18 * Math.exp(-(((a - 0.55) / 0.2) ** 2));
  }
}

/** Hair level at angle u: hair covers every level above (smaller than) this. */
export function hairline(h: HairParams, u: number): number {
  const a = Math.abs(u);
  if (a <= FRONT_ZONE) return h.front + fringeOffset(h, u);
  if (a <= TEMPLE) {
    const edge = h.front + fringeOffset(h, Math.sign(u) * FRONT_ZONE);
    return edge + (h.sideLevel - edge) * smoothstep((a - FRONT_ZONE) / (TEMPLE - FRONT_ZONE));
  }
  return h.sideLevel + (h.length - h.sideLevel) * smoothstep((a - TEMPLE) / (Math.PI * 0.9 - TEMPLE));
}

/** The shell the hair lies on: the head plus volume, hanging straight down below the cheekbones. */
export function hairShell(head: Shape, h: HairParams): Shape {
  return {
    at(v: number) {
      const base = head.at(Math.min(v, 0.3));
      const wave = 1 + h.curl * Math.sin(h.curlFrequency * Math.PI * v);
      const side = h.volumeSide * (0.45 + 0.55 * superellipse(Math.max(-1, Math.min(1, v)), 2));
      const top = Math.max(0, -v);
      const df = base.df + side * 0.5,
        db = (base.db + h.volumeBack) * wave;
      const w = (base.w + side) * wave,
        y = v - h.volumeTop * top * top;
      if (v <= 0.3) return { w, df, db, z0: base.z0, y };
      // below the cheekbones the hair hangs straight down behind the neck: the back edge stays put
      const t = smoothstep((v - 0.3) / 0.45);
      const front = base.z0 + df + (-0.3 - (base.z0 + df)) * t,
        back = base.z0 - db;
      return { w, df: (front - back) / 2, db: (front - back) / 2, z0: (front + back) / 2, y };
    },
  };
}

function lowestHair(h: HairParams): number {
  return Math.max(h.length, h.sideLevel, h.front);
}

/** Outline of all hair, to draw behind the head: per level, the outermost covered points. */
export function backHairOutline(shell: Shape, view: View, h: HairParams): Point[] {
  const bottom = lowestHair(h);
  if (bottom <= -0.95) return [];
  const us = linspace(-Math.PI, Math.PI, 73).slice(0, 72);
  const lines = us.map((u) => hairline(h, u));
  const left: Point[] = [],
    right: Point[] = [];
  for (const v of levelsBetween(-1, bottom, 30)) {
    let min: ScreenPoint | null = null,
      max: ScreenPoint | null = null;
    us.forEach((u, i) => {
      if (lines[i]! < v) return;
      const p = projectSurface(shell, view, u, v);
      if (!min || p.x < min.x) min = p;
      if (!max || p.x > max.x) max = p;
    });
    if (min && max) {
      left.push(min);
      right.push(max);
    }
  }
  return [...right, ...left.reverse()];
}

function visibleAt(shell: Shape, view: View, h: HairParams, u: number): boolean {
  const v = hairline(h, u);
  const [l, r] = limbAngles(shell.at(v), view.yaw);
  return u > l && u < r;
}

function boundary(shell: Shape, view: View, h: HairParams, hidden: number, visible: number): number {
  let a = hidden,
    b = visible;
  for (let i = 0; i < 14; i++) {
    const m = (a + b) / 2;
    if (visibleAt(shell, view, h, m)) b = m;
    else a = m;
  }
  return b;
}

/** The visible hair above the hairline: hairline left to right, then the limb back over the top. */
export function frontHairOutline(shell: Shape, view: View, h: HairParams): Point[] {
  const n = 145;
  const us = linspace(-Math.PI, Math.PI, n);
  const vis = us.map((u) => visibleAt(shell, view, h, u));
  let bestStart = -1,
    bestLength = 0;
  for (let i = 0; i < n;) {
    if (!vis[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && vis[j]) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestLength < 2) return [];
  const first = bestStart,
    last = bestStart + bestLength - 1;
  const uStart = first > 0 ? boundary(shell, view, h, us[first - 1]!, us[first]!) : us[first]!;
  const uEnd = last < n - 1 ? boundary(shell, view, h, us[last + 1]!, us[last]!) : us[last]!;
  const arc = [uStart, ...us.slice(first, last + 1), uEnd];
  const line = arc.map((u) => projectSurface(shell, view, u, hairline(h, u)));
  const vStart = hairline(h, uStart),
    vEnd = hairline(h, uEnd);
  const top: Point[] = [];
  const levels = levelsBetween(-1, Math.max(vStart, vEnd), 36);
  for (const v of [...levels].reverse()) {
    if (v < vEnd) top.push(projectSurface(shell, view, limbAngles(shell.at(v), view.yaw)[1], v));
  }
  for (const v of levels) {
    if (v < vStart) top.push(projectSurface(shell, view, limbAngles(shell.at(v), view.yaw)[0], v));
  }
  return [...line, ...top];
}
