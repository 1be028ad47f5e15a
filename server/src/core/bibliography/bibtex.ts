/**
 * BibTeX/BibLaTeX files, read by citation-js (its grammar, then its BibLaTeX → CSL mapping), with
 * per-entry recovery: citation-js rejects a whole file for one syntax error, and a single missing
 * comma must never silence a library. So the file is first cut into its top-level `@type{…}`
 * entries here (only the cutting is ours: braces are counted, nothing is interpreted); the whole
 * file is handed to citation-js at once when that works, else entry by entry, each broken entry
 * reported with its line and the parser's reason while every other entry loads.
 */
import { LineIndex } from "../lineIndex";
import type { Span } from "../model";
import type { CslData, LibraryEntry, LibraryFileData, LibraryProblem, LibraryProblemReason } from "./model";

// citation-js ships no type declarations; the few functions used are typed here. The plugin
// registers itself with the core on load; its input modules are used directly so that one entry
// can be read at a time. Loaded on first use: initialising it costs every process (the CLI, the
// server, each ingestion worker) a tenth of a second at start, and most never read a library.
let citationJs: { core: { logger: { _log: unknown[] } }; bibFile: { parse(text: string): RawEntry[] }; bibEntries: { parse(entries: RawEntry[]): CslData[] } } | undefined;
function citation(): NonNullable<typeof citationJs> {
  if (!citationJs) {
    const core = require("@citation-js/core");
    require("@citation-js/plugin-bibtex");
    citationJs = { core, bibFile: require("@citation-js/plugin-bibtex/lib/input/file.js"), bibEntries: require("@citation-js/plugin-bibtex/lib/input/entries.js") };
  }
  return citationJs;
}

/** An entry as citation-js's grammar returns it: fields still BibTeX strings. */
interface RawEntry {
  type: string;
  label: string;
  properties: Record<string, string | number>;
}

/** A top-level piece of a `.bib` file. */
export interface BibChunk {
  kind: "entry" | "string" | "preamble" | "comment";
  /** Entry type, lower case (`article`, `book`, `string`…). */
  type: string;
  /** The citation key (entries only; null when the header has none). */
  key: string | null;
  /** From `@` to just after the closing delimiter (or to where the next entry starts, if unclosed). */
  span: Span;
  keySpan: Span | null;
  /** False when the entry's closing delimiter is missing. */
  closed: boolean;
  /** The opening delimiter, `{` or `(`. */
  open: string;
}

const HEADER = /@[ \t]*([A-Za-z][\w-]*)[ \t\r\n]*([{(])/y;
/** An entry header at the start of a line — where a previous entry missing its `}` must have ended. */
const LINE_HEADER = /[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*[{(][ \t]*([^\s,{}()"=#%]*)[ \t]*(,|\r?\n|$)/y;
const KEY = /[ \t\r\n]*([^,\s{}()"]*)/y;

function kindOf(type: string): BibChunk["kind"] {
  return type === "string" ? "string" : type === "preamble" ? "preamble" : type === "comment" ? "comment" : "entry";
}

/**
 * The next position of a character at or after a position, for positions that only move forward:
 * each character's last answer is kept, so a file is searched once per character, not once per entry.
 */
type NextOf = (ch: string, at: number) => number;

function nextOf(text: string): NextOf {
  const known = new Map<string, number>();
  return (ch, at) => {
    const k = known.get(ch);
    if (k !== undefined && (k >= at || k === Infinity)) return k;
    const found = text.indexOf(ch, at);
    const v = found < 0 ? Infinity : found;
    known.set(ch, v);
    return v;
  };
}

/** True when a line starting at `lineStart` (after blanks) holds an entry header that closes an open entry. */
function headerAt(text: string, lineStart: number): boolean {
  LINE_HEADER.lastIndex = lineStart;
  const h = LINE_HEADER.exec(text);
  return !!h && (kindOf(h[1].toLowerCase()) !== "entry" || h[3] === ",");
}

/** Where the `@` at `at` is the first non-blank of its line, that line's start; else -1. */
function lineStartBefore(text: string, at: number): number {
  let k = at - 1;
  while (k >= 0 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k--;
  return k < 0 ? 0 : text.charCodeAt(k) === 10 ? k + 1 : -1;
}

/**
 * The end of a `{`-delimited entry whose body starts at `from`: its matching `}`, or — when a line
 * inside it starts a new entry header — that line (the entry was left open). Jumps between braces,
 * backslashes and `@` with native `indexOf`: most of a library's text is field values.
 */
function scanBraced(text: string, from: number, kind: BibChunk["kind"], next: NextOf): { end: number; closed: boolean } {
  let open = next("{", from);
  let shut = next("}", from);
  let slash = next("\\", from);
  let at = kind === "comment" ? Infinity : next("@", from);
  let depth = 0;
  for (;;) {
    const p = Math.min(open, shut, slash, at);
    if (p === Infinity) return { end: text.length, closed: false };
    if (p === at) {
      const lineStart = lineStartBefore(text, p);
      if (lineStart > 0 && headerAt(text, lineStart)) return { end: lineStart, closed: false };
      at = next("@", p + 1);
    } else if (p === slash) {
      // `\{`, `\}` and `\\` are escaped (as citation-js reads them).
      const c = text.charCodeAt(p + 1);
      const skip = c === 123 || c === 125 || c === 92 ? p + 2 : p + 1;
      if (open < skip) open = next("{", skip);
      if (shut < skip) shut = next("}", skip);
      slash = next("\\", skip);
    } else if (p === open) {
      depth++;
      open = next("{", p + 1);
    } else {
      if (depth === 0) return { end: p + 1, closed: true };
      depth--;
      shut = next("}", p + 1);
    }
  }
}

/** The same for a `(`-delimited entry (rare: a character loop). */
function scanParenthesised(text: string, from: number, kind: BibChunk["kind"]): { end: number; closed: boolean } {
  let depth = 0;
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 64 && kind !== "comment") {
      const lineStart = lineStartBefore(text, j);
      if (lineStart > 0 && headerAt(text, lineStart)) return { end: lineStart, closed: false };
    } else if (c === 92) {
      const n = text.charCodeAt(j + 1);
      if (n === 123 || n === 125 || n === 92) j++;
    } else if (c === 123) depth++;
    else if (c === 125) depth = Math.max(0, depth - 1);
    else if (c === 41 && depth === 0) return { end: j + 1, closed: true };
  }
  return { end: text.length, closed: false };
}

/**
 * Cuts a `.bib` text into its top-level entries. Text between entries is ignored (BibTeX's own
 * comments). An entry ends at its matching closing delimiter; when a line inside it starts a new
 * entry header (`@article{key,`), the entry was left open and ends there instead.
 */
export function splitBibtex(text: string): BibChunk[] {
  const out: BibChunk[] = [];
  const n = text.length;
  const next = nextOf(text);
  let i = 0;
  while (i < n) {
    const at = next("@", i);
    if (at === Infinity) break;
    HEADER.lastIndex = at;
    const h = HEADER.exec(text);
    if (!h) {
      i = at + 1;
      continue;
    }
    const type = h[1].toLowerCase();
    const kind = kindOf(type);
    const open = h[2];
    const close = open === "{" ? "}" : ")";
    let j = HEADER.lastIndex;
    let key: string | null = null;
    let keySpan: Span | null = null;
    if (kind === "entry") {
      KEY.lastIndex = j;
      const k = KEY.exec(text);
      if (k && k[1]) {
        const start = KEY.lastIndex - k[1].length;
        key = k[1];
        keySpan = { start, end: KEY.lastIndex };
      }
    }
    // Brace depth inside the entry; with `(` delimiters the entry ends at a `)` outside braces.
    const scan = close === "}" ? scanBraced(text, j, kind, next) : scanParenthesised(text, j, kind);
    const end = scan.end;
    const closed = scan.closed;
    out.push({ kind, type, key, span: { start: at, end }, keySpan, closed, open });
    i = end;
  }
  return out;
}

/** The parser's message without its source excerpt, and the 1-based line it names (relative to what it read). */
function grammarError(e: unknown): { reason: string; line: number | null } {
  const message = e instanceof Error ? e.message : String(e);
  const first = message.split("\n")[0];
  const at = / at line (\d+) col (\d+):?$/.exec(first);
  return { reason: (at ? first.slice(0, at.index) : first).trim(), line: at ? Number(at[1]) : null };
}

/** A reason a writer can act on, from the grammar's `expected "x", got "y"`. */
function reasonOf(reason: string): LibraryProblemReason {
  if (/expected "rbrace", got "identifier"/.test(reason) || /expected "comma"/.test(reason)) return "missing-comma";
  if (/got EOF/.test(reason)) return "unclosed";
  if (/expected "equals"/.test(reason)) return "no-equals";
  if (/expected "label"/.test(reason)) return "no-key";
  return "syntax";
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const LATIN = /[A-Za-z]/;
const NAME_FIELDS = ["author", "editor", "translator", "bookauthor", "editora", "editorb"];

/**
 * `author = {村上 晴美}`: Japanese writers put the family name first, with a space and no comma.
 * BibTeX, biber and Pandoc read that as `First Last` and print 晴美 as the family name. The entry
 * is read as Pandoc reads it (what the hover shows is what the bibliography will print) and each
 * such name is returned, to be reported with the fix: `{村上, 晴美}`.
 */
function unseparatedJapaneseNames(raw: RawEntry): string[] {
  const out: string[] = [];
  for (const field of NAME_FIELDS) {
    const value = raw.properties[field];
    if (typeof value !== "string") continue;
    for (const part of value.split(/\s+and\s+/i)) {
      const name = part.trim();
      // `{{日本経済新聞社}}` (an organisation, braced) and one-word names are fine.
      if (name.includes(",") || name.startsWith("{") || !/\s/.test(name)) continue;
      if (CJK.test(name) && !LATIN.test(name)) out.push(name);
    }
  }
  return out;
}

/** A raw entry and the parents its `crossref`/`xdata` fields name (so that inheritance works one at a time too). */
function withParents(raw: RawEntry, byKey: Map<string, RawEntry>): RawEntry[] {
  const out = [raw];
  const seen = new Set([raw.label]);
  for (let k = 0; k < out.length && k < 8; k++) {
    for (const f of ["crossref", "xdata"]) {
      const parent = out[k].properties[f];
      if (typeof parent !== "string") continue;
      for (const p of parent.split(",").map((s) => s.trim())) {
        const e = byKey.get(p);
        if (e && !seen.has(p)) {
          seen.add(p);
          out.push(e);
        }
      }
    }
  }
  return out;
}

/** Offset of 1-based `line`/`col` in `text`. */
function offsetOf(text: string, line: number, col: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", at);
    if (nl < 0) return text.length;
    at = nl + 1;
  }
  return Math.min(text.length, at + col - 1);
}

/**
 * One entry read alone (after the file's `@string` macros). Two slips that leave the writer's
 * intent plain are repaired, and reported, rather than losing the entry: a missing comma between
 * two fields, and a missing closing brace. Any other error leaves the entry unread.
 */
function readEntry(body: string, chunk: BibChunk, prelude: string): { entry?: RawEntry; fixed: { line: number | null }[]; error?: { reason: string; line: number | null } } {
  let t = prelude + (chunk.closed ? body : body.replace(/\s*$/, "") + "\n" + (chunk.open === "(" ? ")" : "}"));
  const fixed: { line: number | null }[] = [];
  let first: { reason: string; line: number | null } | undefined;
  for (let attempt = 0; attempt < 6; attempt++) {
    try {
      const entry = citation().bibFile.parse(t)[0];
      if (!entry) return { fixed: [], error: first ?? { reason: "not an entry", line: null } };
      return { entry, fixed };
    } catch (e) {
      const err = grammarError(e);
      first ??= err;
      const col = / col (\d+)/.exec(e instanceof Error ? e.message.split("\n")[0] : "");
      // `title = {…}` followed by a field on the next line: the comma belongs before it.
      if (!/expected "rbrace", got "identifier"/.test(err.reason) || err.line === null || !col) return { fixed: [], error: first };
      const at = offsetOf(t, err.line, Number(col[1]));
      // Report the line of the field that lacks its comma (the last non-blank line before).
      let before = at;
      while (before > 0 && /\s/.test(t[before - 1])) before--;
      fixed.push({ line: t.slice(0, before).split("\n").length });
      t = t.slice(0, before) + "," + t.slice(before);
    }
  }
  return { fixed: [], error: first };
}

/**
 * Fields that no CSL style prints, dropped before citation-js converts an entry: reference managers
 * fill them with abstracts, file links and tags, and converting their LaTeX is most of the work.
 */
const UNPRINTED_FIELDS = ["abstract", "file", "keywords", "groups", "owner", "timestamp", "mendeley-tags", "comment", "creationdate", "modificationdate", "priority", "ranking", "readstatus", "qualityassured", "annotation"];

/** Problems of a file's `@string` macros (each read on its own), for a caller that reads entries by index. */
export function bibtexStringProblems(text: string, path: string): LibraryProblem[] {
  const lines = new LineIndex(text);
  const out: LibraryProblem[] = [];
  for (const c of splitBibtex(text)) {
    if (c.kind !== "string") continue;
    try {
      citation().bibFile.parse(text.slice(c.span.start, c.span.end));
    } catch (e) {
      const err = grammarError(e);
      out.push({ path, kind: "entry-syntax", severity: "error", span: c.span, line: lines.lineAt(c.span.start) + Math.max(0, (err.line ?? 1) - 1), reason: reasonOf(err.reason), detail: err.reason });
    }
  }
  return out;
}

/** Which entries of a file to read: a range (`from`…`to`, in file order) or a list of entry indices. */
export type BibSelection = { from: number; to: number } | { indices: readonly number[] };

/**
 * Reads a `.bib` text: every readable entry, and a problem (with its line) for each one that is not.
 * `select` reads only some of the file's entries (its `@string` macros all apply), so that a large
 * file can be read by several workers, or only its changed entries read again; the file's own
 * problems (a broken `@string`) are then reported only by the range that starts at 0 (a list of
 * indices never: see `bibtexStringProblems`). `known`: the text's chunks and lines when the caller
 * has them already (reading one entry on demand must not cut a large file again).
 */
export function parseBibtex(text: string, path: string, select?: BibSelection, known?: { chunks: BibChunk[]; lines: LineIndex }): LibraryFileData {
  const lines = known?.lines ?? new LineIndex(text);
  const chunks = known?.chunks ?? splitBibtex(text);
  const problems: LibraryProblem[] = [];
  const problem = (kind: LibraryProblem["kind"], severity: LibraryProblem["severity"], span: Span, reason: LibraryProblemReason, detail: string, key?: string, line?: number) =>
    problems.push({ path, kind, severity, span, line: line ?? lines.lineAt(span.start), reason, detail, ...(key ? { key } : {}) });

  const allEntries = chunks.filter((c) => c.kind === "entry");
  const entryChunks = !select
    ? allEntries
    : "indices" in select
      ? select.indices.map((i) => allEntries[i]).filter((c): c is BibChunk => !!c)
      : allEntries.slice(Math.max(0, select.from), Math.min(select.to, allEntries.length));
  const reportStrings = !select || ("from" in select && select.from <= 0);
  if (!entryChunks.length && select) return { path, format: "bibtex", entries: [], problems };
  const strings = chunks.filter((c) => c.kind === "string");
  // Raw entries, parallel to entryChunks (undefined: unreadable).
  let raws: (RawEntry | undefined)[] | null = null;
  if (entryChunks.every((c) => c.closed) && strings.every((c) => c.closed)) {
    try {
      const body = select ? [...strings, ...entryChunks].map((c) => text.slice(c.span.start, c.span.end)).join("\n") : text;
      const all = citation().bibFile.parse(body);
      if (all.length === entryChunks.length && all.every((r, k) => r.label === entryChunks[k].key)) raws = all;
    } catch {
      /* read entry by entry below */
    }
  }
  if (!raws) {
    // @string macros are defined before use: each entry is read after the ones that parse.
    let prelude = "";
    for (const c of strings) {
      const t = text.slice(c.span.start, c.span.end);
      try {
        citation().bibFile.parse(t);
        prelude += t + "\n";
      } catch (e) {
        const err = grammarError(e);
        if (reportStrings) problem("entry-syntax", "error", c.span, reasonOf(err.reason), err.reason, undefined, lines.lineAt(c.span.start) + Math.max(0, (err.line ?? 1) - 1));
      }
    }
    const preludeLines = prelude ? prelude.split("\n").length - 1 : 0;
    raws = entryChunks.map((c) => {
      const read = readEntry(text.slice(c.span.start, c.span.end), c, prelude);
      const startLine = lines.lineAt(c.span.start);
      const fileLine = (l: number | null) => (l === null ? startLine : startLine + Math.max(0, l - 1 - preludeLines));
      const headerSpan = { start: c.span.start, end: c.keySpan?.end ?? c.span.start + 1 };
      if (!c.closed) problem("entry-unclosed", read.entry ? "warning" : "error", headerSpan, read.entry ? "unclosed-fixed" : "unclosed", "", c.key ?? undefined);
      for (const fix of read.fixed) {
        const line = fileLine(fix.line);
        problem("entry-syntax", "warning", { start: lines.lineStart(line), end: lines.lineEnd(line) }, "missing-comma-fixed", "", c.key ?? undefined, line);
      }
      if (read.error && (c.closed || !/got EOF/.test(read.error.reason))) {
        const line = fileLine(read.error.line);
        const span = read.error.line !== null ? { start: lines.lineStart(line), end: lines.lineEnd(line) } : headerSpan;
        problem("entry-syntax", "error", span, reasonOf(read.error.reason), read.error.reason, c.key ?? undefined, line);
      }
      return read.entry;
    });
  }

  // BibLaTeX → CSL, all at once (crossref inheritance across the file) or, failing that, one by one.
  const readable = raws.filter((r): r is RawEntry => !!r);
  for (const r of readable) for (const f of UNPRINTED_FIELDS) delete r.properties[f];
  let csl: (CslData | undefined)[];
  try {
    const all = citation().bibEntries.parse(readable);
    let k = 0;
    csl = raws.map((r) => (r ? all[k++] : undefined));
  } catch {
    const byKey = new Map(readable.map((r) => [r.label, r]));
    csl = raws.map((r, k) => {
      if (!r) return undefined;
      try {
        return citation().bibEntries.parse(withParents(r, byKey))[0];
      } catch (e) {
        const c = entryChunks[k];
        problem("entry-syntax", "error", { start: c.span.start, end: c.keySpan?.end ?? c.span.start + 1 }, "syntax", e instanceof Error ? e.message.split("\n")[0] : String(e), c.key ?? undefined);
        return undefined;
      }
    });
  }
  // citation-js keeps every log line it ever wrote; a library's worth would stay resident.
  citation().core.logger._log.length = 0;

  const entries: LibraryEntry[] = [];
  entryChunks.forEach((c, k) => {
    const item = csl[k];
    const raw = raws![k];
    if (!item || !raw || !c.key || !c.keySpan) return;
    for (const name of unseparatedJapaneseNames(raw)) {
      const at = text.indexOf(name, c.span.start);
      const span = at >= 0 && at < c.span.end ? { start: at, end: at + name.length } : { start: c.span.start, end: c.keySpan.end };
      problem("entry-syntax", "warning", span, "cjk-name-order", name, c.key);
    }
    item.id = c.key;
    entries.push({ key: c.key, path, format: "bibtex", span: c.span, keySpan: c.keySpan, line: lines.lineAt(c.span.start), keyPosition: lines.positionAt(c.keySpan.start), csl: item });
  });
  for (const c of entryChunks) {
    if (c.key) continue;
    if (problems.some((p) => p.span.start >= c.span.start && p.span.start < c.span.end)) continue;
    problem("entry-syntax", "error", { start: c.span.start, end: Math.min(c.span.end, c.span.start + 1 + c.type.length) }, "no-key", "");
  }
  return { path, format: "bibtex", entries, problems: problems.sort((a, b) => a.span.start - b.span.start) };
}
