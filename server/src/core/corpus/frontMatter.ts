/**
 * YAML front matter of Markdown (and plain-text) corpus files: a `---` line at the very start, YAML,
 * then a `---` or `...` line. Broken YAML is reported with its line in the file and the body still
 * loads (without that metadata); a block that is opened but never closed cannot be told from the
 * body, so the file is marked fatal and the loader skips it with that reason.
 */
import { parseDocument, stringify } from "yaml";
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
  const doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const [a, b] = err.pos ?? [0, 0];
      const line = firstLine + lineOf(yamlText, a) - 1;
      problems.push({
        message: `broken front matter (line ${line}): ${firstSentence(err.message)}; its metadata is ignored`,
        line,
        span: { start: yamlStart + a, end: yamlStart + Math.max(a + 1, b) },
      });
    }
    return { data: null, span, bodyStart, problems, fatal: false };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    problems.push({ message: `broken front matter: ${(e as Error).message}; its metadata is ignored`, line: firstLine });
    return { data: null, span, bodyStart, problems, fatal: false };
  }
  if (value === null || value === undefined) return { data: {}, span, bodyStart, problems, fatal: false };
  if (typeof value !== "object" || Array.isArray(value)) {
    problems.push({ message: "front matter is not a YAML mapping (key: value lines); its metadata is ignored", line: firstLine });
    return { data: null, span, bodyStart, problems, fatal: false };
  }
  return { data: value as Record<string, unknown>, span, bodyStart, problems, fatal: false };
}

const SIMPLE_LINE = /^([A-Za-z_][A-Za-z0-9_-]*):[ ]+(.*)$/;
/** Plain scalars the YAML 1.2 core schema resolves to something other than a string. */
const NOT_A_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
/** A plain scalar's first character that YAML reads as an indicator. */
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const DOUBLE_QUOTED = /^"([^"\\]*)"$/;
// eslint-disable-next-line no-control-regex
const AWKWARD = /[\x00-\x1f\x7f\ufeff\u0085\u2028\u2029]/;

/**
 * The common front matter — `key: value` lines only, each value a plain or escape-free
 * double-quoted string — read without the YAML library (a corpus holds thousands of these). Returns
 * null for anything else (comments, blank lines, lists, numbers, dates the schema would not keep as
 * strings, repeated keys, …), which the library then parses: for what it accepts, the result equals
 * `parseDocument(yaml).toJS()`.
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
