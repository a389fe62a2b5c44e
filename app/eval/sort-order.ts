// The one sort of the evaluation: a stable LSD radix sort of score indices (16-bit digits over the
// IEEE bit pattern), O(n), exact for float32 and float64, much faster than a comparator sort.

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const digitCount = 1 << 16;

/** Indices of `scores` in ascending score order; equal scores keep their input order. */
export function ascendingOrder(scores: Float32Array | Float64Array): Uint32Array {
  if (!isLittleEndian) return comparatorOrder(scores);
  const n = scores.length;
  const low = new Uint32Array(n);
  let high: Uint32Array | null = null;
  if (scores instanceof Float32Array) {
    const bits = new Uint32Array(scores.buffer, scores.byteOffset, n);
    for (let i = 0; i < n; i++) low[i] = sortableWord(bits[i]!);
  } else {
    high = new Uint32Array(n);
    const bits = new Uint32Array(scores.buffer, scores.byteOffset, 2 * n);
    for (let i = 0; i < n; i++) {
      let lo = bits[2 * i]!;
      let hi = bits[2 * i + 1]!;
      if (hi === 0x80000000 && lo === 0) hi = 0; // -0 sorts with +0
      if (hi & 0x80000000) {
        hi = ~hi >>> 0;
        lo = ~lo >>> 0;
      } else hi = (hi | 0x80000000) >>> 0;
      low[i] = lo;
      high[i] = hi;
    }
  }
  return radixSortIndices(low, high);
}

// Maps float32 bits to a uint32 whose unsigned order is the float order.
function sortableWord(bits: number): number {
  if (bits === 0x80000000) bits = 0;
  return bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
}

// Sorts by (high, low) as one unsigned key; `high` null means the key is `low` alone. Two radix
// passes on the leading word; runs that tie on it (rare for real scores) are then ordered by `low`.
function radixSortIndices(low: Uint32Array, high: Uint32Array | null): Uint32Array {
  const n = low.length;
  const lead = high ?? low;
  let index = new Uint32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  let key: Uint32Array = lead;
  let indexOut = new Uint32Array(n);
  let keyOut: Uint32Array = new Uint32Array(n);
  const counts = new Uint32Array(digitCount);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(key[i]! >>> shift) & 0xffff]!++;
    if (counts[(key[0]! >>> shift) & 0xffff] === n) continue; // every key shares this digit
    let total = 0;
    for (let d = 0; d < digitCount; d++) {
      const c = counts[d]!;
      counts[d] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const at = counts[(key[i]! >>> shift) & 0xffff]!++;
      indexOut[at] = index[i]!;
      keyOut[at] = key[i]!;
    }
    [index, indexOut] = [indexOut, index];
    [key, keyOut] = [keyOut, key];
  }
  if (high) orderTiedRunsByLow(index, key, low);
  return index;
}

// Within each run of equal leading words, orders indices by the low word (stable).
function orderTiedRunsByLow(index: Uint32Array, lead: Uint32Array, low: Uint32Array): void {
  const n = index.length;
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && lead[end] === lead[start]) end++;
    const length = end - start;
    if (length === 2) {
      const a = index[start]!,
        b = index[start + 1]!;
      if (low[b]! < low[a]!) {
        index[start] = b;
        index[start + 1] = a;
      }
    } else if (length > 2 && length <= 32) {
      for (let i = start + 1; i < end; i++) {
        const item = index[i]!;
        const itemKey = low[item]!;
        let j = i - 1;
        while (j >= start && low[index[j]!]! > itemKey) {
          index[j + 1] = index[j]!;
          j--;
        }
        index[j + 1] = item;
      }
    } else if (length > 32) {
      index.subarray(start, end).sort((a, b) => low[a]! - low[b]! || a - b);
    }
    start = end;
  }
}

// Fallback for big-endian hosts (none we ship to, but the result must stay right).
function comparatorOrder(scores: Float32Array | Float64Array): Uint32Array {
  const index = new Uint32Array(scores.length);
  for (let i = 0; i < index.length; i++) index[i] = i;
  return index.sort((a, b) => scores[a]! - scores[b]! || a - b);
}
