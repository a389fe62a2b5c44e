// One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or edge spaces, or
// starts with # (a comment line to `ddl-lab metrics`, were it first on the line).
export function csvField(text: string): string {
  return /[",\r\n]|^[\s#]|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A number as CSV text: the shortest text that reads back to the same double; NaN for a missing value. */
export function csvNumber(value: number | null): string {
  return value === null ? 'NaN' : String(value);
}
