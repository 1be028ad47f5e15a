/**
 * Appending one array to another without spreading it into a call: `xs.push(...ys)` passes every
 * element as an argument, and an argument list of a few hundred thousand elements overflows the
 * stack (`Maximum call stack size exceeded`: a draft of 125,000 unbalanced 「 did). Use these for any
 * array whose length the input decides.
 */
export function pushAll<T>(target: T[], items: readonly T[]): T[] {
  for (let i = 0; i < items.length; i++) target.push(items[i]);
  return target;
}

/** The largest of `xs` (-Infinity when empty), without `Math.max(...xs)`. */
export function maxOf(xs: Iterable<number>): number {
  let best = -Infinity;
  for (const x of xs) if (x > best) best = x;
  return best;
}

/** The smallest of `xs` (Infinity when empty), without `Math.min(...xs)`. */
export function minOf(xs: Iterable<number>): number {
  let best = Infinity;
  for (const x of xs) if (x < best) best = x;
  return best;
}
