// Axis ticks a person reads at a glance (0, 0.5, 1, 1.5 rather than 0.13, 0.61, 1.09), and the
// domain they span, so small charts never print overlapping or duplicated labels.

const niceSteps = [1, 2, 2.5, 5, 10];

function niceStep(rough: number): number {
  const magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
  const step = niceSteps.find((s) => s * magnitude >= rough) ?? 10;
  return step * magnitude;
}

export function niceTicks(min: number, max: number, count = 4): { domain: [number, number]; ticks: number[] } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { domain: [0, 1], ticks: [0, 0.5, 1] };
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) > 1e-12 ? Math.abs(lo) * 0.5 : 1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / Math.max(1, count - 1));
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = first; t <= last + step * 1e-6; t += step) ticks.push(Number(t.toPrecision(12)));
  return { domain: [ticks[0] as number, ticks[ticks.length - 1] as number], ticks };
}
