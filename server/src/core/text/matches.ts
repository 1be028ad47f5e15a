/**
 * Every match of a global regular expression in a string, as `string.matchAll` gives them, without
 * its per-call cost: `matchAll` builds a new RegExp object (and an iterator) each time, which on a
 * text analysed sentence by sentence costs more than the search itself. The expression must be
 * global and its `lastIndex` is left at 0.
 */
export function allMatches(re: RegExp, s: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    out.push(m);
    // An empty match: step past it (by code point, as `matchAll` does with the u flag).
    if (m[0] === "") re.lastIndex = advance(s, re.lastIndex, re.unicode);
  }
  re.lastIndex = 0;
  return out;
}

function advance(s: string, i: number, unicode: boolean): number {
  if (!unicode || i + 1 >= s.length) return i + 1;
  const c = s.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff) return i + 1;
  const d = s.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff ? i + 2 : i + 1;
}

/** A set of UTF-16 code units (BMP characters), for `matchesStartingWith`. */
export function charSet(chars: Iterable<string>, ranges: [string, string][] = []): Uint8Array {
  const set = new Uint8Array(0x10000);
  for (const c of chars) set[c.charCodeAt(0)] = 1;
  for (const [a, b] of ranges) for (let k = a.charCodeAt(0); k <= b.charCodeAt(0); k++) set[k] = 1;
  return set;
}

/**
 * `allMatches` of an expression whose every match starts with a character of `first` (a BMP
 * character, never a surrogate): the same matches, but the expression is only tried where such a
 * character stands, in place (`sticky` is the expression with the y flag instead of g). For
 * expressions that try each position at length — a lookbehind, a long alternation — this skips
 * the positions that cannot start a match with one table lookup each.
 */
export function matchesStartingWith(sticky: RegExp, s: string, first: Uint8Array): RegExpExecArray[] {
  return matchesWhere(sticky, s, first);
}

/**
 * `allMatches` of an expression tried in place only at the positions where a character of `first`
 * stands and `candidate` (when given) accepts, and at 0 too with `atStart` (for a `^` alternative):
 * together they must accept every position where a match can start (and no low surrogate), so the
 * answer is the same. The table is read here, in the loop; `candidate` is only called where it passes.
 */
export function matchesWhere(sticky: RegExp, s: string, first: Uint8Array, candidate?: (s: string, p: number) => boolean, atStart = false): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  for (let p = 0; p < s.length; ) {
    if (!(atStart && p === 0) && (first[s.charCodeAt(p)] === 0 || (candidate !== undefined && !candidate(s, p)))) {
      p++;
      continue;
    }
    sticky.lastIndex = p;
    const m = sticky.exec(s);
    if (m === null) p++;
    else {
      out.push(m);
      p = m[0] === "" ? p + 1 : sticky.lastIndex;
    }
  }
  sticky.lastIndex = 0;
  return out;
}

/** One table of up to eight `charSet`s: bit k of a code unit's entry says whether `sets[k]` holds it. */
export function charSetBits(sets: Uint8Array[]): Uint8Array {
  if (sets.length > 8) throw new Error("at most eight sets");
  const bits = new Uint8Array(0x10000);
  sets.forEach((set, k) => {
    for (let c = 0; c < 0x10000; c++) if (set[c] === 1) bits[c] |= 1 << k;
  });
  return bits;
}

/**
 * Where each set of a `charSetBits` table stands in `s` (`count` sets): the positions for each, in
 * order, found in one pass (for `matchesAt`, when several expressions are searched in one string).
 */
export function positionsBySet(bits: Uint8Array, count: number, s: string): number[][] {
  const out: number[][] = [];
  for (let k = 0; k < count; k++) out.push([]);
  for (let p = 0; p < s.length; p++) {
    let b = bits[s.charCodeAt(p)];
    for (let k = 0; b !== 0; k++, b >>= 1) if (b & 1) out[k].push(p);
  }
  return out;
}

/**
 * `matchesWhere` with the positions where a character of `first` stands given (ascending, from
 * `positionsBySet`): the same matches, without a scan of its own.
 */
export function matchesAt(sticky: RegExp, s: string, positions: number[], candidate?: (s: string, p: number) => boolean): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let from = 0;
  for (const p of positions) {
    if (p < from || (candidate !== undefined && !candidate(s, p))) continue;
    sticky.lastIndex = p;
    const m = sticky.exec(s);
    if (m === null) from = p + 1;
    else {
      out.push(m);
      from = m[0] === "" ? p + 1 : sticky.lastIndex;
    }
  }
  sticky.lastIndex = 0;
  return out;
}

/** The sticky twin of a global expression (for `matchesStartingWith`). */
export function stickyOf(re: RegExp): RegExp {
  return new RegExp(re.source, re.flags.replace("g", "") + "y");
}
