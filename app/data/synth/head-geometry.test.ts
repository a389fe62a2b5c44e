import { describe, expect, it } from 'vitest';
import { Random } from '../../util/random.js';
import { clampToVisible, headShape, limbAngles, projectSurface, type View } from './head-geometry.js';
import { sampleIdentity } from './identity.js';

const head = headShape(sampleIdentity(new Random(1)));
const view = (yawDegrees: number): View => ({
  yaw: (yawDegrees * Math.PI) / 180,
  pitch: 0,
  roll: 0,
  scale: 1,
  cx: 0,
  cy: 0,
  pivotY: 1,
});

describe('2.5-D head geometry', () => {
  it('sees the front half of the head when frontal and the side when turned 90 degrees', () => {
    const [l0, r0] = limbAngles(head.at(0), 0);
    expect(l0).toBeCloseTo(-Math.PI / 2, 6);
    expect(r0).toBeCloseTo(Math.PI / 2, 6);
    const [l90, r90] = limbAngles(head.at(0), Math.PI / 2);
    expect(l90).toBeCloseTo(-Math.PI, 6);
    expect(r90).toBeCloseTo(0, 6);
    const [lm, rm] = limbAngles(head.at(0), -Math.PI / 2);
    expect([lm, rm]).toEqual([expect.closeTo(0, 6), expect.closeTo(Math.PI, 6)]);
  });

  it('hides the far eye at large yaw and foreshortens the near one', () => {
    const eye = (u: number, yaw: number) => projectSurface(head, view(yaw), u, 0);
    expect(eye(0.4, 0).facing).toBeCloseTo(eye(-0.4, 0).facing, 9);
    expect(eye(0.4, 75).facing).toBeLessThan(0.1); // turned toward +x: the +u eye goes round the far side
    expect(eye(-0.4, 75).facing).toBeGreaterThan(0.3);
    const width = (yaw: number) =>
      Math.abs(projectSurface(head, view(yaw), -0.3, 0).x - projectSurface(head, view(yaw), -0.5, 0).x);
    expect(width(60)).toBeLessThan(width(0));
  });

  it('folds hidden angles onto the limb on their side of the face', () => {
    const limbs: [number, number] = [-1, 1];
    expect(clampToVisible(0.5, limbs)).toBe(0.5);
    expect(clampToVisible(1.2, limbs)).toBe(1);
    expect(clampToVisible(-3, limbs)).toBe(-1);
    expect(clampToVisible(3, limbs)).toBe(1);
  });

  it('keeps the silhouette a closed shape: the head is widest near the cheekbones and meets at the top and chin', () => {
    const w = (v: number) => head.at(v).w;
    expect(w(-1)).toBe(0);
    expect(w(1)).toBe(0);
    expect(w(0)).toBeGreaterThan(w(-0.7));
    expect(w(0)).toBeGreaterThan(w(0.8));
  });
});
