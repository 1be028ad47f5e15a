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
