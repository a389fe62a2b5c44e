// Gaps between pair types (e.g. easy-easy vs easy-hard): the numbers DDL exists to shrink.
import type { PairSetMetrics, PairTypeGap } from './report-types.js';

/** The reference type: the one asked for, else `easy-easy` when present, else the first type. */
export function gapReferenceType(names: readonly string[], asked: string | null): string | null {
  if (asked !== null) {
    if (!names.includes(asked))
      throw new Error(
        `options.gapReference is "${asked}" but the pair types are ${names.map((t) => `"${t}"`).join(', ') || 'none'}; pick one of them.`,
      );
    return asked;
  }
  if (names.includes('easy-easy')) return 'easy-easy';
  return names[0] ?? null;
}

/** One gap per type other than the reference; positive = the type is worse than the reference. */
export function pairTypeGaps(byType: PairSetMetrics[], reference: string | null): PairTypeGap[] {
  const ref = byType.find((m) => m.type === reference);
  if (!ref) return [];
  return byType
    .filter((m) => m !== ref)
    .map((other) => ({
      reference: ref.type as string,
      type: other.type as string,
      accuracy: difference(ref.accuracy?.mean, other.accuracy?.mean),
      auc: difference(ref.auc, other.auc),
      eer: difference(other.eer?.rate, ref.eer?.rate),
      margin: difference(ref.distributions.margin, other.distributions.margin),
      dPrime: difference(ref.distributions.dPrime, other.distributions.dPrime),
      overlap: difference(other.distributions.overlap, ref.distributions.overlap),
      tarAtFar: ref.tarAtFar.map((entry, k) => ({
        far: entry.far,
        gap: difference(entry.tar, other.tarAtFar[k]?.tar),
      })),
    }));
}

function difference(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined ? null : a - b;
}
