// Long runs record thousands of steps; charts draw at most a few hundred points. Evenly spaced
// picks keep the first and the last point, so the live edge of a chart is always exact.
export function downsampleEvenly<T>(points: readonly T[], maxPoints: number): T[] {
  if (maxPoints < 2 || points.length <= maxPoints) return points.slice();
  const picked: T[] = [];
  const stride = (points.length - 1) / (maxPoints - 1);
  for (let i = 0; i < maxPoints; i += 1) picked.push(points[Math.round(i * stride)] as T);
  return picked;
}
