// JSON has no NaN or Infinity: JSON.stringify prints them as null and a table prints "NaN", so a
// result that overflowed would pass for a number that is merely missing. Commands look for them
// before printing and refuse the result instead, naming the field.

export interface NonFinite {
  /** Where, e.g. "histograms.teacherPos[3]" or "report.overall.genuine.sd". */
  path: string;
  value: number;
}

/** The first NaN or ±Infinity in a result (objects, arrays and typed arrays), or null. */
export function firstNonFinite(value: unknown, path = ''): NonFinite | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path: path || '(result)', value };
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = value as ArrayLike<unknown>;
    for (let i = 0; i < items.length; i++) {
      const found = firstNonFinite(items[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    const found = firstNonFinite(item, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}

/** "posKL is NaN" */
export function describeNonFinite(found: NonFinite): string {
  return `${found.path} is ${String(found.value)}`;
}
