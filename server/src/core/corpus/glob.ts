/**
 * Minimal glob matching for corpus include/exclude patterns, on `/`-separated relative paths:
 * `**` (any number of segments), `*` and `?` (within a segment), `{a,b}` alternatives and `[…]`
 * classes. Dot files are matched like any other (a corpus has no hidden-file convention).
 */

export function globToRegExp(glob: string): RegExp {
  let re = "";
  let i = 0;
  let braces = 0;
  const g = glob.replace(/\\/g, "/").replace(/^\.\//, "");
  while (i < g.length) {
    const c = g[i];
    if (c === "*") {
      if (g[i + 1] === "*") {
        // `**/` matches zero or more whole segments; a trailing `**` matches the rest.
        if (g[i + 2] === "/") {
          re += "(?:[^/]*/)*";
          i += 3;
        } else {
          re += ".*";
          i += 2;
        }
      } else {
        re += "[^/]*";
        i++;
      }
    } else if (c === "?") {
      re += "[^/]";
      i++;
    } else if (c === "{") {
      braces++;
      re += "(?:";
      i++;
    } else if (c === "}" && braces > 0) {
      braces--;
      re += ")";
      i++;
    } else if (c === "," && braces > 0) {
      re += "|";
      i++;
    } else if (c === "[") {
      const end = g.indexOf("]", i + 1);
      if (end < 0) {
        re += "\\[";
        i++;
      } else {
        const body = g.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = end + 1;
      }
    } else {
      re += c.replace(/[.+^${}()|\\]/g, "\\$&");
      i++;
    }
  }
  while (braces-- > 0) re += ")";
  return new RegExp(`^${re}$`);
}

/** True when `relPath` matches any of `globs`. */
export function matchesAny(relPath: string, globs: RegExp[]): boolean {
  return globs.some((g) => g.test(relPath));
}
