// TensorBoard's scalar smoothing: a debiased exponential moving average, so the first points are
// not pulled toward zero. weight 0 returns the raw values; 0.99 is very smooth.
export function smoothSeries(values: readonly number[], weight: number): number[] {
  const w = Math.min(Math.max(weight, 0), 0.999);
  if (w === 0) return values.slice();
  const smoothed: number[] = [];
  let last = 0;
  let accumulated = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) {
      smoothed.push(value);
      continue;
    }
    last = last * w + (1 - w) * value;
    accumulated += 1;
    smoothed.push(last / (1 - Math.pow(w, accumulated)));
  }
  return smoothed;
}
