// Which known names are close to a typed one: edit distance, for "did you mean" and for listing
// the names an unknown reference may have meant.

/** Levenshtein distance between a and b (insertions, deletions, substitutions; each costs 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Up to `limit` distinct names closest to `typed` (case ignored), nearest first: those within a
 * third of the longer name's length (at least 2 edits), or that contain or are contained in it.
 */
export function closeNames(typed: string, names: Iterable<string>, limit = 5): string[] {
  const wanted = typed.toLowerCase();
  const scored = [...new Set(names)]
    .filter((name) => name !== '')
    .map((name) => {
      const lower = name.toLowerCase();
      const distance = editDistance(wanted, lower);
      const near =
        distance <= Math.max(2, Math.floor(Math.max(wanted.length, lower.length) / 3)) ||
        lower.includes(wanted) ||
        wanted.includes(lower);
      return { name, distance, near };
    })
    .filter((s) => s.near);
  return scored
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}
