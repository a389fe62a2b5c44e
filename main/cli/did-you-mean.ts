// "Did you mean …?" for a mistyped command, action or flag: the closest known word within two edits.

/** Levenshtein distance between a and b (insertions, deletions, substitutions; each costs 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known word closest to `typed` within `maxDistance` edits (ties: the first in `known`), or
 * undefined. Case is ignored, so `--JSON` finds `--json`.
 */
export function closestMatch(typed: string, known: Iterable<string>, maxDistance = 2): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const word of known) {
    const distance = editDistance(typed.toLowerCase(), word.toLowerCase());
    if (distance < bestDistance && distance < Math.max(typed.length, word.length)) {
      best = word;
      bestDistance = distance;
    }
  }
  return best;
}

/** ` Did you mean "X"?` for the closest known word, or '' when none is close. */
export function didYouMean(typed: string, known: Iterable<string>): string {
  const match = closestMatch(typed, known);
  return match === undefined ? '' : ` Did you mean "${match}"?`;
}
