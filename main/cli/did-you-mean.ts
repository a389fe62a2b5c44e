// "Did you mean …?" for a mistyped command, action or flag: the closest known word within two edits.
import { editDistance } from '../../app/lab/close-names.js';

export { editDistance };

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
