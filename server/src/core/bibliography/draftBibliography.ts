/**
 * What a draft's front matter says about its references, as Pandoc reads it: `bibliography:` (one
 * path or a list), inline `references:` (CSL YAML items), and `csl:` (the style). Spans are offsets
 * into the draft, so problems and definitions point at the very value.
 */
import { isMap, isScalar, isSeq, parseDocument, type Scalar } from "yaml";
import type { Span } from "../model";
import { parseCslYamlIn } from "./csl";
import type { LibraryFileData } from "./model";

export interface DraftValue {
  value: string;
  span: Span;
}

export interface DraftBibliography {
  /** `bibliography:` values, as written. */
  files: DraftValue[];
  /** Inline `references:`, read as a CSL YAML library whose path is the draft's (null when none). */
  inline: LibraryFileData | null;
  /** `csl:` (a style file), as written. */
  csl: DraftValue | null;
}

const FRONT_MATTER = /^(\uFEFF?---[ \t]*\r?\n)([\s\S]*?)(?:\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const EMPTY: DraftBibliography = { files: [], inline: null, csl: null };

/** The front matter's YAML text and where it starts in the draft, or null. */
export function frontMatterOf(text: string): { yaml: string; offset: number } | null {
  const m = FRONT_MATTER.exec(text);
  return m ? { yaml: m[2], offset: m[1].length } : null;
}

const memo = new Map<string, DraftBibliography>();

function scalarValue(node: unknown, offset: number, text: string): DraftValue | null {
  if (!isScalar(node) || node.value === null || node.value === undefined || !node.range) return null;
  const value = String((node as Scalar).value).trim();
  if (!value) return null;
  const raw = text.slice(offset + node.range[0], offset + node.range[1]);
  const quoted = /^["']/.test(raw) ? 1 : 0;
  return { value, span: { start: offset + node.range[0] + quoted, end: offset + node.range[1] - quoted } };
}

/**
 * The draft's bibliography settings. Memoised by the front matter's text (completion asks on every
 * keystroke; the front matter rarely changes). `draftPath` names the inline references' file.
 */
export function draftBibliography(text: string, draftPath: string): DraftBibliography {
  const fm = frontMatterOf(text);
  if (!fm || !/^(bibliography|references|csl)\s*:/m.test(fm.yaml)) return EMPTY;
  const memoKey = `${draftPath}\u0000${fm.offset}\u0000${fm.yaml}`;
  const known = memo.get(memoKey);
  if (known) return known;
  let result: DraftBibliography = EMPTY;
  try {
    const doc = parseDocument(fm.yaml, { uniqueKeys: false });
    const c = doc.contents;
    if (isMap(c)) {
      const files: DraftValue[] = [];
      const bib = c.get("bibliography", true);
      if (isSeq(bib)) for (const item of bib.items) {
        const v = scalarValue(item, fm.offset, text);
        if (v) files.push(v);
      }
      else {
        const v = scalarValue(bib, fm.offset, text);
        if (v) files.push(v);
      }
      const inline = isSeq(c.get("references", true)) ? parseCslYamlIn(text, fm.yaml, fm.offset, draftPath, { requireReferences: false }) : null;
      // Problems of the front matter as a whole are the draft parser's to report; keep the items' own.
      if (inline) inline.problems = inline.problems.filter((p) => p.kind !== "file-syntax");
      result = { files, inline, csl: scalarValue(c.get("csl", true), fm.offset, text) };
    }
  } catch {
    result = EMPTY;
  }
  if (memo.size >= 64) memo.delete(memo.keys().next().value as string);
  memo.set(memoKey, result);
  return result;
}
