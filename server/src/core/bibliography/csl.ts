/**
 * CSL-JSON (`.json`) and CSL YAML (`.yaml`/`.yml`, and a draft's inline `references:`), as Pandoc
 * reads them. JSON is cut into its top-level array elements here and each element is parsed on its
 * own (so one broken item is reported with its line and the others load); YAML is read by the
 * `yaml` library, which keeps going past an error. Every item is then cleaned by citation-js, after
 * the short forms Pandoc accepts are put in CSL's: dates as EDTF strings (`issued: 2009-05-29`)
 * become date parts, and a name given as one string is a literal name, as Pandoc prints it.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Pair, type YAMLMap } from "yaml";
import { LineIndex } from "../lineIndex";
import type { Span } from "../model";
import type { CslData, LibraryEntry, LibraryFileData, LibraryFormat, LibraryProblem, LibraryProblemReason } from "./model";

// citation-js, loaded on first use (see bibtex.ts).
let citationJs: { core: { plugins: { input: { util: { clean(items: unknown[], bestGuess?: boolean): CslData[] } } } }; date: { parse(s: string): { "date-parts"?: number[][]; raw?: string } } } | undefined;
function citation(): NonNullable<typeof citationJs> {
  return (citationJs ??= { core: require("@citation-js/core"), date: require("@citation-js/date") });
}

const DATE_FIELDS = ["accessed", "available-date", "container", "event-date", "issued", "original-date", "submitted"];
const NAME_FIELDS = [
  "author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor", "curator", "director", "editor",
  "editorial-director", "executive-producer", "guest", "host", "interviewer", "illustrator", "narrator", "organizer",
  "original-author", "performer", "producer", "recipient", "reviewed-author", "script-writer", "series-creator", "translator",
];

/** A date as Pandoc's YAML writes it (`2009-05-29`, `2009`, an EDTF range) → CSL date-parts. */
function cslDate(value: unknown): unknown {
  if (typeof value === "number") value = String(value);
  if (value instanceof Date) value = value.toISOString().slice(0, 10);
  if (typeof value === "string") {
    const parts = value.split("/").map((s) => citation().date.parse(s.trim()));
    if (parts.every((p) => p["date-parts"])) return { "date-parts": parts.map((p) => p["date-parts"]![0]) };
    return { raw: value };
  }
  return value;
}

/** A name given as one string is, as Pandoc reads it, a literal name (printed as written). */
function cslName(value: unknown): unknown {
  return typeof value === "string" ? { literal: value.trim() } : value;
}

/** One CSL item cleaned by citation-js, or why it is not one. */
export function normalizeCslItem(value: unknown): { item: CslData } | { problem: LibraryProblemReason; detail: string } {
  if (!value || typeof value !== "object" || Array.isArray(value)) return { problem: "not-item", detail: "" };
  const raw = { ...(value as Record<string, unknown>) };
  const id = raw.id ?? raw["citation-key"];
  if ((typeof id !== "string" && typeof id !== "number") || String(id).trim() === "") return { problem: "no-id", detail: "" };
  for (const f of DATE_FIELDS) if (f in raw) raw[f] = cslDate(raw[f]);
  for (const f of NAME_FIELDS) {
    const v = raw[f];
    if (typeof v === "string") raw[f] = [cslName(v)];
    else if (Array.isArray(v)) raw[f] = v.map(cslName);
  }
  let item: CslData;
  try {
    item = citation().core.plugins.input.util.clean([raw], true)[0];
  } catch (e) {
    return { problem: "not-item", detail: e instanceof Error ? e.message : String(e) };
  }
  item.id = String(id).trim();
  return { item };
}

/** A JSON parse error's offset in `text` (V8 says "at position N"), or null. */
function jsonErrorOffset(e: unknown): number | null {
  const m = /position (\d+)/.exec(e instanceof Error ? e.message : "");
  return m ? Number(m[1]) : null;
}

interface JsonElement {
  span: Span;
  /** A comma was missing before this element (it started right after the previous one). */
  missingComma: boolean;
}

/**
 * The top-level elements of a JSON array, by their spans: strings and nesting are followed, so a
 * broken element ends at the next top-level comma — or where the next `{` starts after a complete
 * element with no comma in between.
 */
export function splitJsonArray(text: string): { elements: JsonElement[]; arrayStart: number } | null {
  let i = 0;
  while (i < text.length && /[\s\uFEFF]/.test(text[i])) i++;
  if (text[i] !== "[") return null;
  const arrayStart = i;
  const elements: JsonElement[] = [];
  let depth = 0;
  let start = -1;
  let missingComma = false;
  let completed = false;
  for (i = arrayStart + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      if (start < 0) start = i;
      for (i++; i < text.length && text[i] !== '"' && text[i] !== "\n"; i++) if (text[i] === "\\") i++;
      if (depth === 0) completed = true;
      continue;
    }
    if (depth === 0) {
      if (c === "," || c === "]") {
        if (start >= 0) elements.push({ span: { start, end: trimEnd(text, i) }, missingComma });
        start = -1;
        missingComma = false;
        completed = false;
        if (c === "]") return { elements, arrayStart };
        continue;
      }
      if ((c === "{" || c === "[") && start >= 0 && completed) {
        elements.push({ span: { start, end: trimEnd(text, i) }, missingComma });
        start = -1;
        missingComma = true;
      }
      if (!/\s/.test(c) && start < 0) {
        start = i;
        completed = false;
      }
    }
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth = Math.max(0, depth - 1);
      if (depth === 0) completed = true;
    }
  }
  if (start >= 0) elements.push({ span: { start, end: trimEnd(text, text.length) }, missingComma });
  return { elements, arrayStart };
}

function trimEnd(text: string, end: number): number {
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return end;
}

/** Span of the `"id"` value inside a JSON object's text (offsets into `text`). */
function jsonIdSpan(text: string, span: Span): Span | null {
  const body = text.slice(span.start, span.end);
  const m = /"(?:id|citation-key)"\s*:\s*(?:"((?:[^"\\\n]|\\.)*)"|(-?\d+))/.exec(body);
  if (!m) return null;
  const value = m[1] ?? m[2];
  const at = span.start + m.index + m[0].length - value.length - (m[1] !== undefined ? 1 : 0);
  return { start: at, end: at + value.length };
}

/**
 * Reads a CSL-JSON text: every readable item, and a problem (with its line) for each one that is not.
 * `part` reads only the array's elements `from`…`to` (for workers sharing a large file).
 */
export function parseCslJson(text: string, path: string, part?: { from: number; to: number } | { indices: readonly number[] }): LibraryFileData {
  const lines = new LineIndex(text);
  const entries: LibraryEntry[] = [];
  const problems: LibraryProblem[] = [];
  const report = (kind: LibraryProblem["kind"], span: Span, reason: LibraryProblemReason, detail: string, key?: string, severity: LibraryProblem["severity"] = "error") =>
    problems.push({ path, kind, severity, span, line: lines.lineAt(span.start), reason, detail, ...(key ? { key } : {}) });
  const add = (value: unknown, span: Span) => {
    const r = normalizeCslItem(value);
    if ("problem" in r) return report("entry-invalid", { start: span.start, end: Math.min(span.end, lines.lineEnd(lines.lineAt(span.start))) }, r.problem, r.detail);
    const keySpan = jsonIdSpan(text, span) ?? { start: span.start, end: span.start };
    entries.push({ key: r.item.id, path, format: "csl-json", span, keySpan, line: lines.lineAt(span.start), keyPosition: lines.positionAt(keySpan.start), csl: r.item });
  };
  const split = splitJsonArray(text);
  if (!split) {
    if (part && ("indices" in part || part.from > 0)) return { path, format: "csl-json", entries, problems };
    // Not an array: one item object is accepted, anything else is reported.
    try {
      const value = JSON.parse(text.replace(/^\uFEFF/, ""));
      const items = Array.isArray(value?.items) ? value.items : [value];
      const whole = { start: 0, end: text.length };
      for (const v of items) add(v, whole);
    } catch (e) {
      const at = jsonErrorOffset(e) ?? 0;
      report("file-syntax", { start: at, end: Math.min(text.length, at + 1) }, "syntax", e instanceof Error ? e.message : String(e));
    }
    return { path, format: "csl-json", entries, problems };
  }
  const selected = !part ? split.elements : "indices" in part ? part.indices.map((i) => split.elements[i]).filter((e) => !!e) : split.elements.slice(part.from, part.to);
  for (const el of selected) {
    const slice = text.slice(el.span.start, el.span.end);
    if (el.missingComma) report("file-syntax", { start: el.span.start, end: el.span.start + 1 }, "missing-comma-fixed", "", undefined, "warning");
    let value: unknown;
    try {
      value = JSON.parse(slice);
    } catch (e) {
      const at = el.span.start + (jsonErrorOffset(e) ?? 0);
      const line = lines.lineAt(at);
      const key = jsonIdSpan(text, el.span);
      report("entry-syntax", { start: lines.lineStart(line), end: lines.lineEnd(line) }, "syntax", e instanceof Error ? e.message.replace(/ in JSON at position \d+.*$/, "") : String(e), key ? text.slice(key.start, key.end) : undefined);
      continue;
    }
    add(value, el.span);
  }
  return { path, format: "csl-json", entries, problems };
}

/**
 * The CSL items of a YAML document: `references:` of a mapping (Pandoc's form), or a top-level list.
 * `offset` shifts spans when the YAML is a slice of a larger text (a draft's front matter).
 */
function yamlItems(doc: Document.Parsed): { items: unknown[] } | null {
  const c = doc.contents;
  if (isMap(c)) {
    const refs = c.get("references", true);
    if (isSeq(refs)) return { items: refs.items };
    return null;
  }
  if (isSeq(c)) return { items: c.items };
  return null;
}

/** Reads CSL YAML items from `yamlText`, which starts at `offset` in `fullText` (the file, or a draft). */
export function parseCslYamlIn(fullText: string, yamlText: string, offset: number, path: string, options: { requireReferences?: boolean } = {}): LibraryFileData {
  const lines = new LineIndex(fullText);
  const entries: LibraryEntry[] = [];
  const problems: LibraryProblem[] = [];
  const report = (kind: LibraryProblem["kind"], span: Span, reason: LibraryProblemReason, detail: string, severity: LibraryProblem["severity"] = "error") =>
    problems.push({ path, kind, severity, span, line: lines.lineAt(span.start), reason, detail });
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(yamlText, { prettyErrors: false, uniqueKeys: false }) as Document.Parsed[];
  } catch (e) {
    report("file-syntax", { start: offset, end: offset }, "syntax", e instanceof Error ? e.message : String(e));
    return { path, format: "csl-yaml", entries, problems };
  }
  if (!Array.isArray(docs)) docs = [];
  let found = false;
  for (const doc of docs) {
    for (const err of doc.errors) {
      const start = offset + (err.pos?.[0] ?? 0);
      report("file-syntax", { start, end: Math.max(start, offset + (err.pos?.[1] ?? 0)) }, "syntax", err.message.split("\n")[0]);
    }
    const list = yamlItems(doc);
    if (!list) continue;
    found = true;
    for (const node of list.items) {
      const range = (node as { range?: [number, number, number] }).range;
      const span = range ? { start: offset + range[0], end: offset + range[1] } : { start: offset, end: offset };
      let value: unknown;
      try {
        value = isMap(node) || isSeq(node) || isScalar(node) ? (node as YAMLMap).toJSON() : node;
      } catch (e) {
        report("entry-invalid", span, "not-item", e instanceof Error ? e.message : String(e));
        continue;
      }
      const r = normalizeCslItem(value);
      if ("problem" in r) {
        report("entry-invalid", { start: span.start, end: Math.min(span.end, lines.lineEnd(lines.lineAt(span.start))) }, r.problem, r.detail);
        continue;
      }
      let keySpan: Span = { start: span.start, end: span.start };
      if (isMap(node)) {
        const pair = (node.items as Pair[]).find((p) => isScalar(p.key) && (p.key.value === "id" || p.key.value === "citation-key"));
        const v = pair?.value;
        if (v && isScalar(v) && v.range) {
          const raw = fullText.slice(offset + v.range[0], offset + v.range[1]);
          const quoted = /^["']/.test(raw) ? 1 : 0;
          keySpan = { start: offset + v.range[0] + quoted, end: offset + v.range[1] - quoted };
        }
      }
      entries.push({ key: r.item.id, path, format: "csl-yaml", span, keySpan, line: lines.lineAt(span.start), keyPosition: lines.positionAt(keySpan.start), csl: r.item });
    }
  }
  if (!found && options.requireReferences !== false && problems.length === 0) {
    report("file-syntax", { start: offset, end: offset }, "no-items", "");
  }
  return { path, format: "csl-yaml", entries, problems };
}

export function parseCslYaml(text: string, path: string): LibraryFileData {
  return parseCslYamlIn(text, text, 0, path);
}

export function formatOfPath(path: string): LibraryFormat | null {
  const ext = /\.([^./\\]+)$/.exec(path)?.[1]?.toLowerCase();
  if (ext === "bib" || ext === "bibtex" || ext === "biblatex") return "bibtex";
  if (ext === "json") return "csl-json";
  if (ext === "yaml" || ext === "yml") return "csl-yaml";
  return null;
}
