/** Index of the last element of an ascending array that is `<= value` (0 when none is). */
export function lastAtOrBefore(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (sorted[mid] <= value) lo = mid;
    else hi = mid - 1;
  }
  return Math.max(0, lo);
}

/** First index in sorted `list` whose value is ≥ `q` (`list.length` when none is). */
export function lowerBound(list: readonly string[], q: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < q) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A set of spans (quotes, dates) asked many times whether it covers an offset or a range, in
 * O(log n) each instead of scanning every span: a text of 6 million characters holds tens of
 * thousands of them, and a scan per character or per mention made its analysis quadratic.
 */
export class SpanSet {
  private readonly starts: Float64Array;
  /** `reach[i]`: the largest end among the spans sorted up to `i`. */
  private readonly reach: Float64Array;
  constructor(spans: readonly { start: number; end: number }[]) {
    const sorted = [...spans].sort((a, b) => a.start - b.start);
    this.starts = new Float64Array(sorted.length);
    for (let i = 0; i < sorted.length; i++) this.starts[i] = sorted[i].start;
    this.reach = new Float64Array(sorted.length);
    let max = -Infinity;
    sorted.forEach((s, i) => (this.reach[i] = max = Math.max(max, s.end)));
  }
  /** The largest end among spans starting before `bound` (`inclusive`: at or before). */
  private reachBefore(bound: number, inclusive: boolean): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (inclusive ? this.starts[mid] <= bound : this.starts[mid] < bound) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? -Infinity : this.reach[lo - 1];
  }
  /** Some span holds offset `i` (`start <= i < end`). */
  covers(i: number): boolean {
    return this.reachBefore(i, true) > i;
  }
  /** Some span holds the whole range (`start <= from && to <= end`). */
  contains(from: number, to: number): boolean {
    return this.reachBefore(from, true) >= to;
  }
  /** Some span overlaps the range (`start < to && from < end`). */
  overlaps(from: number, to: number): boolean {
    return this.reachBefore(to, false) > from;
  }
}
