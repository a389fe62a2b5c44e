// Number formatting shared by tables, tooltips and chart axes. Null means "not measured": "n/a".

export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  if (value !== 0 && (Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3)) return value.toExponential(2);
  return Number(value.toFixed(digits)).toString();
}

/** About four significant digits for a chart's latest value: 159.9873 -> 160.0, 0.54181 -> 0.5418. */
export function formatScalar(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3)) return value.toExponential(2);
  return value.toFixed(magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : magnitude >= 1 ? 3 : 4);
}

export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${(value * 100).toFixed(digits)}%`;
}

/** Signed difference in percentage points, e.g. "+2.4 pt". */
export function formatPointDelta(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  const points = value * 100;
  if (Math.abs(points) < 0.5 * Math.pow(10, -digits)) return `±${(0).toFixed(digits)} pt`;
  return `${points > 0 ? '+' : '−'}${Math.abs(points).toFixed(digits)} pt`;
}

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return Math.round(value).toLocaleString('en-US');
}

/** FAR values as researchers write them: 1e-3. */
export function formatFar(far: number): string {
  if (far >= 0.1) return String(far);
  const exponent = Math.round(Math.log10(far));
  return Math.abs(far - Math.pow(10, exponent)) < 1e-12 ? `1e${exponent}` : far.toExponential(1);
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return 'n/a';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return 'n/a';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Attribute values in tables: numbers rounded, text as is, missing as an em dash. */
export function formatAttribute(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(value, 3);
  return value;
}

/**
 * Decimals an axis needs so its ticks (about `ticks` steps over the values' range) read apart:
 * 2 for ordinary ranges, more when every value sits within a hair (a pretrained model whose
 * similarities are all 0.999x would otherwise label every tick "1").
 */
export function axisDigits(values: Iterable<number | null | undefined>, ticks = 4): number {
  let low = Infinity;
  let high = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    low = Math.min(low, v);
    high = Math.max(high, v);
  }
  const step = (high - low) / ticks;
  if (!(step > 0)) return 2;
  return Math.min(6, Math.max(2, Math.ceil(-Math.log10(step))));
}
