/**
 * YAML front matter of Markdown (and plain-text) corpus files: a `---` line at the very start, YAML,
 * then a `---` or `...` line. Broken YAML is reported with its line in the file and the body still
 * loads; a block of plain `name: value` lines that YAML rejects (`title: [速報] 見出し`,
 * `title: 森本市長: 会見`) is read line by line as the text written, with a warning. A block that is
 * opened but never closed cannot be told from the body, so the file is marked fatal and the loader
 * skips it with that reason.
 *
 * Every scalar is read as the text the writer typed (YAML's failsafe schema): metadata fields are
 * text by nature, and the core schema would turn the key `001` into `1`, `2024.10` into `2024.1`,
 * `1e3` into `1000` and `no` (YAML 1.1) into false. Only an unquoted `~`, `null` or empty value
 * reads as absent.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, stringify, type Document } from "yaml";
import type { Span } from "../model";

export interface FrontMatterProblem {
  message: string;
  /** 1-based line in the file. */
  line?: number;
  span?: Span;
}

export interface FrontMatter {
  /** The parsed mapping, `null` when there is none or it could not be parsed. */
  data: Record<string, unknown> | null;
  /** The whole block, fences included; `null` when the file has none. */
  span: Span | null;
  /** Offset where the body starts (after the closing fence's line break; 0 without front matter). */
  bodyStart: number;
  problems: FrontMatterProblem[];
  /** True when the file cannot be loaded at all (an unclosed block). */
  fatal: boolean;
}

const OPEN = /^---[ \t]*(\r\n|\n|\r)/;
const CLOSE = /^(---|\.\.\.)[ \t]*(\r\n|\n|\r|$)/gm;

/** Splits and parses the front matter of `text`. Never throws. */
export function parseFrontMatter(text: string): FrontMatter {
  const open = OPEN.exec(text);
  if (!open) return { data: null, span: null, bodyStart: 0, problems: [], fatal: false };
  const yamlStart = open[0].length;
  CLOSE.lastIndex = yamlStart;
  const close = CLOSE.exec(text);
  if (!close) {
    return {
      data: null,
      span: { start: 0, end: text.length },
      bodyStart: text.length,
      problems: [{ message: "front matter opened with '---' on line 1 is never closed (no '---' or '...' line)", line: 1, span: { start: 0, end: 3 } }],
      fatal: true,
    };
  }
  const yamlEnd = close.index;
  const bodyStart = close.index + close[0].length;
  const span = { start: 0, end: bodyStart };
  const yamlText = text.slice(yamlStart, yamlEnd);
  const problems: FrontMatterProblem[] = [];
  const firstLine = lineOf(text, yamlStart);

  const simple = simpleMapping(yamlText);
  if (simple) return { data: simple, span, bodyStart, problems, fatal: false };
  const read = readYamlText(yamlText);
  const lineAt = (pos: number) => firstLine + lineOf(yamlText, pos) - 1;
  const fatalErrors = read.errors.filter((e) => e.code !== "DUPLICATE_KEY");
  if (fatalErrors.length > 0) {
    const lenient = lenientMapping(yamlText);
    const [a, b] = fatalErrors[0].pos;
    const line = lineAt(a);
    if (lenient) {
      problems.push({
        message: `front matter is not valid YAML (line ${line}): ${firstSentence(fatalErrors[0].message)}; read line by line as the text written — put such a value in quotes`,
        line,
        span: { start: yamlStart + a, end: yamlStart + Math.max(a + 1, b) },
      });
      return { data: lenient, span, bodyStart, problems, fatal: false };
    }
    for (const err of fatalErrors) {
      const [x, y] = err.pos;
      problems.push({
        message: `broken front matter (line ${lineAt(x)}): ${firstSentence(err.message)}; its metadata is ignored`,
        line: lineAt(x),
        span: { start: yamlStart + x, end: yamlStart + Math.max(x + 1, y) },
      });
    }
    return { data: null, span, bodyStart, problems, fatal: false };
  }
  for (const d of read.duplicates) {
    problems.push({ message: `front matter (line ${lineAt(d.pos)}): '${d.name}' is given twice; the first value is used`, line: lineAt(d.pos), span: { start: yamlStart + d.pos, end: yamlStart + d.pos + d.name.length } });
  }
  const value = read.value;
  if (value === null || value === undefined) return { data: {}, span, bodyStart, problems, fatal: false };
  if (typeof value !== "object" || Array.isArray(value)) {
    problems.push({ message: "front matter is not a YAML mapping (key: value lines); its metadata is ignored", line: firstLine });
    return { data: null, span, bodyStart, problems, fatal: false };
  }
  return { data: value as Record<string, unknown>, span, bodyStart, problems, fatal: false };
}

export interface YamlTextReading {
  /** The document as plain data: mappings, lists and strings (the text as written), `null` for `~`/`null`/empty. */
  value: unknown;
  /** Errors other than repeated keys (whose first value is kept and which are listed in `duplicates`). */
  errors: Array<{ code: string; message: string; pos: [number, number] }>;
  /** Keys given twice in one mapping: the name and the offset of the repeat. */
  duplicates: Array<{ name: string; pos: number }>;
  /** For a top-level mapping: each entry's name and the offset range of the whole entry. */
  entries: Array<{ name: string; start: number; end: number }>;
}

const NULL_PLAIN = /^(?:~|null|Null|NULL|)$/;

/**
 * Reads YAML keeping every scalar's text as written (failsafe schema), the first of repeated keys,
 * and aliases resolved (at most 100). Never throws.
 */
export function readYamlText(text: string): YamlTextReading {
  let doc: Document;
  try {
    doc = parseDocument(text, { schema: "failsafe", uniqueKeys: false, prettyErrors: false });
  } catch (e) {
    return { value: null, errors: [{ code: "PARSE", message: (e as Error).message, pos: [0, 0] }], duplicates: [], entries: [] };
  }
  const errors = doc.errors.map((e) => ({ code: e.code as string, message: e.message, pos: (e.pos ?? [0, 0]) as [number, number] }));
  const duplicates: YamlTextReading["duplicates"] = [];
  let aliases = 0;
  const toData = (node: unknown): unknown => {
    if (isAlias(node)) {
      if (++aliases > 100) return null;
      return toData(node.resolve(doc));
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const name = isScalar(pair.key) ? String(pair.key.value ?? "") : isAlias(pair.key) ? String(toData(pair.key) ?? "") : null;
        if (name === null || name === "__proto__") continue;
        if (Object.prototype.hasOwnProperty.call(out, name)) {
          duplicates.push({ name, pos: (isScalar(pair.key) && pair.key.range?.[0]) || 0 });
          continue;
        }
        out[name] = toData(pair.value);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map(toData);
    if (isScalar(node)) {
      const v = node.value === null || node.value === undefined ? "" : String(node.value);
      return node.type === "PLAIN" && NULL_PLAIN.test(v) ? null : v;
    }
    return null;
  };
  const value = toData(doc.contents);
  const entries: YamlTextReading["entries"] = [];
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const k = pair.key;
      const v = pair.value as { range?: [number, number, number] } | null;
      if (!isScalar(k) || !k.range) continue;
      entries.push({ name: String(k.value ?? ""), start: k.range[0], end: v?.range?.[1] ?? k.range[1] });
    }
  }
  return { value, errors, duplicates, entries };
}

const LENIENT_LINE = /^([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?:[ \t]+(.*?))?[ \t]*$/;

/**
 * A block YAML rejects, read the way its writer meant it: when every line is `name: value` (or
 * blank, or a comment), each value is taken as the text written — matching quotes removed, a
 * ` #` comment dropped. Null for anything else.
 */
export function lenientMapping(yamlText: string): Record<string, string | null> | null {
  const out: Record<string, string | null> = {};
  let any = false;
  for (const raw of yamlText.split(/\r\n|\n|\r/)) {
    if (/^\s*(?:#.*)?$/.test(raw)) continue;
    const m = LENIENT_LINE.exec(raw);
    if (!m) return null;
    const [, name] = m;
    let value = (m[2] ?? "").replace(/\s+#.*$/, "");
    if (name === "__proto__" || Object.prototype.hasOwnProperty.call(out, name)) return null;
    const q = /^(["'])(.*)\1$/.exec(value);
    if (q) value = q[1] === "'" ? q[2].replace(/''/g, "'") : q[2].replace(/\\(["\\])/g, "$1");
    out[name] = !q && NULL_PLAIN.test(value) ? null : value;
    any = true;
  }
  return any ? out : null;
}

const SIMPLE_LINE = /^([A-Za-z_][A-Za-z0-9_-]*):[ ]+(.*)$/;
/** Plain scalars that read as absent (everything else is text: see `readYamlText`). */
const NOT_A_STRING = /^(?:~|null|Null|NULL)$/;
/** A plain scalar's first character that YAML reads as an indicator. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const DOUBLE_QUOTED = /^"([^"\\]*)"$/;
// eslint-disable-next-line no-control-regex
const AWKWARD = /[\x00-\x1f\x7f\ufeff\u0085\u2028\u2029]/;

/**
 * The common front matter — `key: value` lines only, each value a plain or escape-free
 * double-quoted string — read without the YAML library (a corpus holds thousands of these). Returns
 * null for anything else (comments, blank lines, lists, null, repeated keys, …), which the library
 * then parses: for what it accepts, the result equals `readYamlText(yaml).value`.
 */
export function simpleMapping(yamlText: string): Record<string, string> | null {
  const lines = yamlText.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) return null;
  const out: Record<string, string> = {};
  for (const line of lines) {
    const m = SIMPLE_LINE.exec(line);
    if (!m) return null;
    const [, key, value] = m;
    if (key === "__proto__" || Object.prototype.hasOwnProperty.call(out, key) || value === "" || AWKWARD.test(value)) return null;
    const quoted = DOUBLE_QUOTED.exec(value);
    if (quoted) {
      out[key] = quoted[1];
      continue;
    }
    if (INDICATOR.test(value) || /\s$/.test(value) || value.includes(": ") || value.includes(" #") || value.endsWith(":") || NOT_A_STRING.test(value)) return null;
    out[key] = value;
  }
  return out;
}

/** Renders metadata as a front matter block (used by fixtures and round-trip tests). */
export function renderFrontMatter(data: Record<string, unknown>): string {
  return `---\n${stringify(data)}---\n`;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

function firstSentence(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
