/**
 * The draft parser: Markdown (CommonMark + YAML front matter + footnotes, parsed by micromark/mdast)
 * → sentences, citations and quotes with exact UTF-16 offsets into the draft.
 *
 * Prose is what Pandoc reads as prose: paragraphs, headings, and the paragraphs inside list items,
 * block quotes, footnote definitions (`[^1]: …`, also with no space after the colon) and (when a
 * table extension is present) table cells; the text between the tags of an HTML block (Pandoc's
 * `markdown_in_html_blocks`: `<div>\n森本市長は「…」[@key]。\n</div>`); and the caption of a figure
 * (an image alone in its paragraph). Code blocks, inline code, HTML comments, `<pre>`/`<script>`/
 * `<style>` content, link destinations, inline images and front matter contribute nothing. A note's
 * citations also back the sentence that calls it when that sentence cites nothing itself
 * (`…延長する[^1]。` with `[^1]: [@key]`).
 *
 * Each prose block is flattened into a *stream*: one entry per UTF-16 unit of its visible text
 * (escapes and entities decoded, continuation indentation and `> ` markers dropped), each entry
 * carrying the offset it came from, plus sentinel entries where markup sat. Citations are scanned
 * on the stream (`citations.ts`), then quotes are paired and sentences split on it.
 */
import { pushAll } from "../arrays";
import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatter } from "micromark-extension-frontmatter";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { gfmFootnoteFromMarkdown } from "mdast-util-gfm-footnote";
import { gfmFootnote } from "micromark-extension-gfm-footnote";
import { parse as parseYaml } from "yaml";
import type { Span } from "../model";
import type { Citation, CitationItem, DraftQuote, DraftSentence, ParsedDraft } from "./draftModel";
import { LINK_OPEN, OPAQUE, STRING_END, maskCitationKeys, scanCitations, splitLocator, type ScannedCitation } from "./citations";

/** Minimal view of the mdast nodes we read (avoids depending on @types/mdast directly). */
interface MdNode {
  type: string;
  value?: string;
  url?: string;
  identifier?: string;
  children?: MdNode[];
  position?: { start: { offset?: number }; end: { offset?: number } };
}

/** Moves every position of a (sub-)tree through `map` (offsets of the parsed string → of the draft). */
function mapPositions(root: MdNode, map: (offset: number) => number): void {
  const todo = [root];
  while (todo.length > 0) {
    const node = todo.pop()!;
    const p = node.position;
    if (p) {
      if (p.start.offset !== undefined) p.start.offset = map(p.start.offset);
      if (p.end.offset !== undefined) p.end.offset = map(p.end.offset);
    }
    if (node.children) for (const c of node.children) todo.push(c);
  }
}

const enum Kind {
  Char,
  /** A sentinel for markup; never in `plain`. */
  Marker,
  /** A soft or hard line break; joined away in `plain`. */
  Break,
  /** An escaped or entity-decoded character: visible, but never citation syntax. */
  Literal,
}

/** A prose block flattened to parallel arrays. */
class Stream {
  /** Footnote calls (`[^1]`) in this block: the note's label and the call's offset. */
  noteCalls: { id: string; at: number }[] = [];
  scan: string[] = [];
  plain: string[] = [];
  start: number[] = [];
  end: number[] = [];
  kind: Kind[] = [];
  push(scan: string, plain: string, start: number, end: number, kind: Kind): void {
    this.scan.push(scan);
    this.plain.push(plain);
    this.start.push(start);
    this.end.push(end);
    this.kind.push(kind);
  }
  get length(): number {
    return this.scan.length;
  }
}

const ASCII_PUNCT = /[!-\/:-@\[-`{-~]/;
const ENTITY = /^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/;

function nodeStart(n: MdNode): number | undefined {
  return n.position?.start.offset;
}
function nodeEnd(n: MdNode): number | undefined {
  return n.position?.end.offset;
}

/**
 * Aligns a text node's decoded `value` with its source slice, pushing one entry per value unit.
 * The source differs from the value by backslash escapes, character references and, after a line
 * ending, the container prefix (indentation, `>` markers) that the parser stripped.
 */
function pushText(text: string, masked: string, value: string, from: number, to: number, out: Stream): void {
  let j = from;
  let v = 0;
  while (v < value.length) {
    const c = value[v];
    if (c === "\r" || c === "\n") {
      const len = c === "\r" && value[v + 1] === "\n" ? 2 : 1;
      // Find the line ending in the source (it is copied verbatim).
      while (j < to && masked[j] !== "\r" && masked[j] !== "\n") j++;
      const srcLen = masked[j] === "\r" && masked[j + 1] === "\n" ? 2 : 1;
      out.push("\n", "\n", j, Math.min(j + srcLen, masked.length), Kind.Break);
      j += srcLen;
      v += len;
      if (v < value.length) {
        while (j < to && (masked[j] === " " || masked[j] === "\t" || masked[j] === ">") && masked[j] !== value[v]) j++;
      }
      continue;
    }
    if (j >= to) {
      // Alignment lost (should not happen): keep the text, pinned to the node's end.
      out.push(OPAQUE, c, Math.max(from, to - 1), to, Kind.Literal);
      v++;
      continue;
    }
    if (masked[j] === "\\" && ASCII_PUNCT.test(masked[j + 1] ?? "") && value[v] === masked[j + 1]) {
      out.push(OPAQUE, c, j + 1, j + 2, Kind.Literal);
      j += 2;
      v++;
      continue;
    }
    if (masked[j] === "&") {
      const m = ENTITY.exec(masked.slice(j, j + 40));
      if (m && !value.startsWith(m[0], v)) {
        const hi = value.charCodeAt(v);
        const len = hi >= 0xd800 && hi <= 0xdbff ? 2 : 1;
        for (let k = 0; k < len; k++) out.push(OPAQUE, value[v + k], j, j + m[0].length, Kind.Literal);
        j += m[0].length;
        v += len;
        continue;
      }
    }
    if (masked[j] === "\0" && c === "\uFFFD") {
      // CommonMark replaces NUL with U+FFFD: one character for one.
      out.push(c, c, j, j + 1, Kind.Char);
      j++;
      v++;
      continue;
    }
    if (masked[j] === c) {
      // Emit the original character: `masked` only differs inside citation keys.
      out.push(text[j], text[j], j, j + 1, Kind.Char);
      j++;
      v++;
      continue;
    }
    // Unexpected difference: skip source units until the value character shows up again.
    const found = masked.indexOf(c, j);
    if (found >= 0 && found < to) j = found;
    else {
      out.push(OPAQUE, c, j, j + 1, Kind.Literal);
      v++;
    }
  }
}

function pushMarker(out: Stream, sentinel: string, start: number | undefined, end: number | undefined): void {
  if (start === undefined) return;
  out.push(sentinel, "", start, end ?? start, Kind.Marker);
}

/**
 * Flattens an inline tree into the stream. Iterative (an explicit stack of nodes and closing
 * markers): emphasis can nest as deep as the writer's asterisks go.
 */
function flattenInline(text: string, masked: string, root: MdNode, out: Stream): void {
  const todo: Array<MdNode | (() => void)> = [root];
  const children = (kids: MdNode[]) => {
    for (let k = kids.length - 1; k >= 0; k--) todo.push(kids[k]);
  };
  while (todo.length > 0) {
    const item = todo.pop()!;
    if (typeof item === "function") {
      item();
      continue;
    }
    const node = item;
    const s = nodeStart(node);
    const e = nodeEnd(node);
    switch (node.type) {
      case "footnoteReference":
        // Pandoc tries `[@key][^1]` as a reference link first (then reads `[@key]` in-text), so the
        // call looks like a `[` to the citation scanner.
        if (node.identifier !== undefined && s !== undefined) out.noteCalls.push({ id: node.identifier, at: s });
        pushMarker(out, LINK_OPEN, s, e);
        break;
      case "figureCaption": {
        // A figure's caption (see `figureCaption`): its inlines are prose, the `![`/`](…)` markup is not.
        const kids = node.children ?? [];
        pushMarker(out, OPAQUE, s, nodeStart(kids[0] ?? node) ?? s);
        todo.push(() => pushMarker(out, OPAQUE, nodeEnd(kids[kids.length - 1] ?? node) ?? e, e));
        children(kids);
        break;
      }
      case "text":
        if (s !== undefined && e !== undefined) pushText(text, masked, node.value ?? "", s, e, out);
        break;
      case "break": {
        // A hard break (`\` or two spaces before the newline): the break sits at the line ending.
        if (s === undefined) break;
        const nl = text.slice(s, e ?? s).search(/[\r\n]/);
        out.push("\n", "\n", nl >= 0 ? s + nl : s, e ?? s, Kind.Break);
        break;
      }
      case "emphasis":
      case "strong":
      case "delete": {
        const kids = node.children ?? [];
        const first = kids.length > 0 ? nodeStart(kids[0]) : undefined;
        const last = kids.length > 0 ? nodeEnd(kids[kids.length - 1]) : undefined;
        pushMarker(out, OPAQUE, s, first ?? e);
        // Pandoc treats the end of an emphasis like the end of a word (`*本文*@key` is no citation).
        todo.push(() => pushMarker(out, STRING_END, last ?? s, e));
        children(kids);
        break;
      }
      case "link":
      case "linkReference": {
        if (s !== undefined && text[s] === "<") {
          pushMarker(out, OPAQUE, s, e); // autolink: a URL or e-mail address, never prose
          break;
        }
        const kids = node.children ?? [];
        const first = kids.length > 0 ? nodeStart(kids[0]) : undefined;
        const last = kids.length > 0 ? nodeEnd(kids[kids.length - 1]) : undefined;
        pushMarker(out, LINK_OPEN, s, first ?? e);
        todo.push(() => pushMarker(out, OPAQUE, last ?? s, e));
        children(kids);
        break;
      }
      default:
        // inlineCode, html, image, imageReference, …: never checked.
        if (node.children && node.type !== "image" && node.type !== "imageReference") children(node.children);
        else pushMarker(out, OPAQUE, s, e);
    }
  }
}

const PROSE_BLOCKS = new Set(["paragraph", "heading", "tableCell"]);

/** Parses a slice of the (masked) draft as Markdown of its own, positions mapped back to the draft. */
function parseSlice(source: string, map: (offset: number) => number): MdNode {
  const tree = fromMarkdown(source, source.includes("[^") ? { extensions: [gfmFootnote()], mdastExtensions: [gfmFootnoteFromMarkdown()] } : {}) as unknown as MdNode;
  mapPositions(tree, map);
  return tree;
}

/**
 * The `![…]` label of an image that is alone in its paragraph — a figure, whose caption Pandoc
 * renders as prose (`implicit_figures`) — parsed as inline Markdown; null for any other image.
 */
function figureCaption(masked: string, paragraph: MdNode): MdNode | null {
  const kids = (paragraph.children ?? []).filter((k) => !(k.type === "text" && (k.value ?? "").trim() === ""));
  if (kids.length !== 1 || (kids[0].type !== "image" && kids[0].type !== "imageReference")) return null;
  const image = kids[0];
  const s = nodeStart(image);
  const e = nodeEnd(image);
  if (s === undefined || e === undefined || masked[s] !== "!" || masked[s + 1] !== "[") return null;
  let depth = 0;
  let close = -1;
  for (let k = s + 1; k < e; k++) {
    const c = masked[k];
    if (c === "\\") k++;
    else if (c === "[") depth++;
    else if (c === "]" && --depth === 0) {
      close = k;
      break;
    }
  }
  if (close < 0 || close === s + 2) return null;
  const from = s + 2;
  const sub = parseSlice(masked.slice(from, close), (o) => o + from);
  const first = sub.children?.[0];
  if (!first || (first.type !== "paragraph" && first.type !== "heading") || sub.children!.length !== 1) return null;
  return { type: "figureCaption", children: first.children ?? [], position: image.position };
}

/** Tags whose content Pandoc never reads as Markdown (comments likewise). */
const RAW_HTML = /^(?:pre|script|style|textarea)$/i;
/** Block-level tags: Pandoc reads the Markdown between them as blocks of their own. */
const BLOCK_HTML =
  /^(?:address|article|aside|base|basefont|blockquote|body|button|canvas|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|embed|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hgroup|hr|html|iframe|legend|li|link|main|map|menu|menuitem|meta|nav|noframes|noscript|object|ol|optgroup|option|output|p|param|progress|search|section|source|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul|video|audio)$/i;
const TAG = /<(\/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*?)?\/?>|<!--[\s\S]*?(?:-->|$)|<![^>]*>|<\?[\s\S]*?(?:\?>|$)/g;

/**
 * The stretches of an HTML block that Pandoc reads as Markdown: the text between block-level tags
 * (and tags that begin a line), outside comments and raw elements. Offsets into `masked`.
 */
function htmlProseSlices(masked: string, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const src = masked.slice(from, to);
  let start = 0;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(src); m; m = TAG.exec(src)) {
    let end = m.index + m[0].length;
    const name = m[2];
    const lineStart = m.index === 0 || /^[ \t]*$/.test(src.slice(src.lastIndexOf("\n", m.index - 1) + 1, m.index));
    if (name && !m[1] && RAW_HTML.test(name)) {
      // The raw element's content up to its closing tag is no prose.
      const close = new RegExp(`</${name}\\s*>`, "i").exec(src.slice(end));
      end = close ? end + close.index + close[0].length : src.length;
    } else if (name && !BLOCK_HTML.test(name) && !lineStart) continue; // an inline tag: stays in the text
    if (m.index > start) out.push([from + start, from + m.index]);
    start = end;
    TAG.lastIndex = end;
  }
  if (start < src.length) out.push([from + start, to]);
  return out.filter(([a, b]) => /\S/.test(masked.slice(a, b)));
}

/**
 * Parses one stretch of HTML-block text as Markdown. Pandoc ignores the indentation of lines inside
 * HTML, so it is dropped before parsing (positions mapped back through the dropped characters).
 */
function parseHtmlProse(masked: string, a: number, b: number): MdNode {
  const parts: string[] = [];
  const map: number[] = [];
  let lineStart = true;
  for (let k = a; k < b; k++) {
    const c = masked[k];
    if (lineStart && (c === " " || c === "\t")) continue;
    lineStart = c === "\n" || c === "\r";
    parts.push(c);
    map.push(k);
  }
  map.push(b);
  return parseSlice(parts.join(""), (o) => map[Math.min(o, map.length - 1)]);
}

const OPENERS: Record<string, string> = { "「": "」", "『": "』", "“": "”", "（": "）", '"': '"' };
const QUOTE_MARKS = new Set(["「", "『", "“", '"']);
const REPORTED_UNBALANCED = new Set(["「", "『", "“"]);
const TERMINATORS = new Set(["。", "！", "？", "．", "!", "?"]);
const TRAILERS = new Set(["」", "』", "）", ")", "”", "’", "。", "！", "？", "．", "!", "?", "…"]);

function isCjk(ch: string | undefined): boolean {
  return ch !== undefined && /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(ch);
}

/** More `*` and `_` than this in one block (between blank lines) are read as text, not emphasis. */
const MAX_EMPHASIS_MARKS = 500;

/**
 * Returns `text` with the `*` and `_` of any block holding more than `MAX_EMPHASIS_MARKS` of them
 * replaced by `x`, one unit for one unit. micromark pairs emphasis delimiters in time quadratic in
 * their number (`*a ` × 4,000 … ` a*` × 4,000 takes 10 s, × 20,000 minutes); no prose has hundreds
 * of them in a paragraph, and for the checks emphasis only hides marks, so such a block keeps its
 * characters as text. Offsets are unchanged.
 */
function maskCrowdedEmphasis(text: string): string {
  let marks = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 42 || c === 95) marks++;
  }
  if (marks <= MAX_EMPHASIS_MARKS) return text;
  let out: string[] | null = null;
  const blank = /\n[ \t]*\r?\n/g;
  let start = 0;
  for (;;) {
    const m = blank.exec(text);
    const end = m ? m.index : text.length;
    let n = 0;
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 42 || c === 95) n++;
    }
    // (Never the front matter: YAML keys may hold underscores.)
    if (n > MAX_EMPHASIS_MARKS && !(start === 0 && /^\uFEFF?---/.test(text))) {
      out ??= text.split("");
      for (let i = start; i < end; i++) if (text[i] === "*" || text[i] === "_") out[i] = "x";
    }
    if (!m) break;
    start = m.index + m[0].length;
  }
  return out ? out.join("") : text;
}

/**
 * Parses a Markdown draft. Never throws: broken front matter, key-less citations and unbalanced
 * quotes become `problems`, and the rest of the draft is still parsed.
 */
export function parseDraft(text: string): ParsedDraft {
  try {
    return parseDraftOrThrow(text);
  } catch (err) {
    // Not expected; but a draft that breaks the parser must not take a check or the server down.
    const problem = { span: { start: 0, end: 0 }, message: `Markdown parse failed: ${String(err)}`, code: "parse-error" };
    return { text, sentences: [], citations: [], quotes: [], frontMatter: null, problems: [problem] };
  }
}

function parseDraftOrThrow(text: string): ParsedDraft {
  const draft: ParsedDraft = { text, sentences: [], citations: [], quotes: [], frontMatter: null, problems: [] };
  let tree: MdNode;
  let masked = text;
  // A byte order mark before the front matter (`\uFEFF---`) is no text: parse after it.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  try {
    masked = maskCrowdedEmphasis(maskCitationKeys(text));
    // Footnotes only when the draft has their syntax: the extension walks back over every event at
    // each `]`, which is quadratic in a paragraph of many brackets.
    const notes = masked.includes("[^");
    tree = fromMarkdown(bom ? masked.slice(bom) : masked, {
      extensions: notes ? [frontmatter(["yaml"]), gfmFootnote()] : [frontmatter(["yaml"])],
      mdastExtensions: notes ? [frontmatterFromMarkdown(["yaml"]), gfmFootnoteFromMarkdown()] : [frontmatterFromMarkdown(["yaml"])],
    }) as unknown as MdNode;
    if (bom) mapPositions(tree, (o) => o + bom);
  } catch (err) {
    draft.problems.push({ span: { start: 0, end: 0 }, message: `Markdown parse failed: ${String(err)}`, code: "parse-error" });
    return draft;
  }
  const yamlNode = tree.children?.find((c) => c.type === "yaml");
  if (yamlNode) readFrontMatter(text, yamlNode, draft);

  const blocks: MdNode[] = [];
  /** Footnote label → indexes (into `blocks`) of the blocks its definition holds. */
  const notes = new Map<string, number[]>();
  // Blocks in document order; iterative, as block quotes and lists nest as deep as the writer's `>`.
  const todo: Array<{ node: MdNode; htmlDepth: number } | (() => void)> = [];
  const collect = (root: MdNode, rootDepth: number): void => {
    todo.push({ node: root, htmlDepth: rootDepth });
    while (todo.length > 0) {
      const item = todo.pop()!;
      if (typeof item === "function") {
        item();
        continue;
      }
      const { node, htmlDepth } = item;
      const kids = (list: MdNode[], depth: number) => {
        for (let k = list.length - 1; k >= 0; k--) todo.push({ node: list[k], htmlDepth: depth });
      };
      if (PROSE_BLOCKS.has(node.type)) {
        const caption = node.type === "paragraph" ? figureCaption(masked, node) : null;
        blocks.push(caption ? { type: "paragraph", children: [caption], position: node.position } : node);
        continue;
      }
      // code, yaml, definition, thematicBreak have no prose; containers are walked.
      if (node.type === "code" || node.type === "yaml") continue;
      if (node.type === "html") {
        const s = nodeStart(node);
        const e = nodeEnd(node);
        if (s === undefined || e === undefined || htmlDepth >= 3) continue;
        const slices = htmlProseSlices(masked, s, e);
        for (let k = slices.length - 1; k >= 0; k--) {
          const [a, b] = slices[k];
          todo.push(() => kids(parseHtmlProse(masked, a, b).children ?? [], htmlDepth + 1));
        }
        continue;
      }
      if (node.type === "footnoteDefinition") {
        const id = node.identifier ?? "";
        let first = 0;
        todo.push(() => {
          const held = notes.get(id) ?? [];
          for (let k = first; k < blocks.length; k++) held.push(k);
          notes.set(id, held);
        });
        kids(node.children ?? [], htmlDepth);
        todo.push(() => (first = blocks.length));
        continue;
      }
      kids(node.children ?? [], htmlDepth);
    }
  };
  collect(tree, 0);
  const calls: { id: string; at: number; block: number }[] = [];
  blocks.forEach((b, index) => {
    for (const call of parseBlock(text, masked, b, index, draft)) calls.push({ ...call, block: index });
  });
  citeNotesInCallingSentences(draft, calls, notes);
  return draft;
}

/**
 * A note's citations back the sentence that calls it, when that sentence cites nothing itself:
 * `春野市は…延長する[^1]。` with `[^1]: [@key]` is a claim cited to `@key`, as Pandoc renders it.
 */
function citeNotesInCallingSentences(draft: ParsedDraft, calls: { id: string; at: number; block: number }[], notes: Map<string, number[]>): void {
  if (calls.length === 0) return;
  const byBlock = new Map<number, number[]>();
  draft.sentences.forEach((s, i) => {
    const list = byBlock.get(s.block) ?? [];
    list.push(i);
    byBlock.set(s.block, list);
  });
  for (const call of calls) {
    const inBlock = byBlock.get(call.block) ?? [];
    const caller = inBlock.find((i) => call.at >= draft.sentences[i].span.start && call.at < draft.sentences[i].span.end) ?? inBlock.filter((i) => draft.sentences[i].span.start <= call.at).pop();
    if (caller === undefined) continue;
    const sentence = draft.sentences[caller];
    if (sentence.citations.length > 0) continue;
    const cited: number[] = [];
    for (const b of notes.get(call.id) ?? []) for (const i of byBlock.get(b) ?? []) for (const c of draft.sentences[i].citations) if (!cited.includes(c)) cited.push(c);
    pushAll(sentence.citations, cited);
  }
}

function readFrontMatter(text: string, node: MdNode, draft: ParsedDraft): void {
  const span = { start: nodeStart(node) ?? 0, end: nodeEnd(node) ?? 0 };
  try {
    // The node's value comes from the masked text; read the original between the fences.
    const raw = text.slice(span.start, span.end).replace(/^---[^\n]*\n?/, "").replace(/\r?\n?---[ \t]*$/, "");
    const data: unknown = parseYaml(raw);
    if (data !== null && typeof data === "object" && !Array.isArray(data)) {
      draft.frontMatter = data as Record<string, unknown>;
    } else if (data !== null && data !== undefined) {
      draft.problems.push({ span, message: "Front matter is not a YAML mapping.", code: "front-matter-invalid" });
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message.split("\n")[0] : String(err);
    draft.problems.push({ span, message: `Front matter is not valid YAML: ${msg}`, code: "front-matter-invalid" });
  }
}

function parseBlock(text: string, masked: string, block: MdNode, blockIndex: number, draft: ParsedDraft): { id: string; at: number }[] {
  const st = new Stream();
  for (const c of block.children ?? []) flattenInline(text, masked, c, st);
  const n = st.length;
  if (n === 0) return st.noteCalls;
  const spanOf = (a: number, b: number): Span => ({ start: st.start[a], end: st.end[b - 1] });

  // 1. Citations, then the ones the IME wrote in full width (`［＠key］`).
  const scanText = st.scan.join("");
  const scanned = scanCitations(scanText);
  const citationAt = new Int32Array(n).fill(-1); // global citation index covering each entry
  const lookalikes = fullWidthCitations(scanText, scanned.citations);
  const kept = scanned.citations.filter((c) => !lookalikes.replaced.includes(c));
  for (const c of [...kept, ...lookalikes.citations].sort((x, y) => x.start - y.start)) {
    const items: CitationItem[] = c.items.map((it) => {
      const { locator, suffix } = splitLocator(it.suffix);
      return {
        key: it.key,
        span: spanOf(it.start, it.end),
        keySpan: spanOf(it.keyStart, it.keyEnd),
        prefix: it.prefix,
        locator,
        suffix,
        suppressAuthor: it.suppressAuthor,
        mode: it.mode,
      };
    });
    const index = draft.citations.length;
    const lookalike = lookalikes.citations.includes(c);
    draft.citations.push({ span: spanOf(c.start, c.end), items, inText: c.inText, ...(lookalike ? { lookalike } : {}) });
    for (let k = c.start; k < c.end; k++) citationAt[k] = index;
  }
  for (const p of scanned.problems) {
    if (lookalikes.bare.some((b) => b.start <= p.start && p.end <= b.end)) continue;
    draft.problems.push({ span: spanOf(p.start, p.end), message: p.message, code: p.code });
  }
  for (const c of lookalikes.citations) {
    const span = spanOf(c.start, c.end);
    draft.problems.push({ span, message: FULL_WIDTH_MESSAGE, code: "citation-fullwidth", fix: asciiCitation(text.slice(span.start, span.end)) });
  }
  for (const b of lookalikes.bare) {
    const span = spanOf(b.start, b.end);
    const written = asciiCitation(text.slice(span.start, span.end));
    draft.problems.push({ span, message: FULL_WIDTH_MESSAGE, code: "citation-fullwidth", fix: b.glued ? `[${written}]` : written, ifKnownKey: b.key });
  }
  // `@key.` opening a paragraph is an example-list item to Pandoc, and every `@key` its number.
  if (block.type === "paragraph") {
    const m = /^(\(?)@([\p{L}\p{N}_-]+)([.)])(?=[ \t\n]|$)/u.exec(scanText);
    const first = scanned.citations[0];
    if (m && (m[1] === "" || m[3] === ")") && first && first.start === m[1].length && first.items[0]?.key === m[2]) {
      const span = spanOf(first.start, first.items[0].end);
      draft.problems.push({ span, message: EXAMPLE_LIST_MESSAGE, code: "citation-example-list", fix: `[${text.slice(span.start, span.end)}]` });
    }
  }
  const visible = (k: number): boolean => citationAt[k] < 0 && st.kind[k] !== Kind.Marker;

  // 2. Quote pairs (and （…） for sentence splitting), block-local; unmatched openers are reported.
  const closeOf = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  for (let k = 0; k < n; k++) {
    if (!visible(k)) continue;
    const ch = st.plain[k];
    const top = stack.length > 0 ? stack[stack.length - 1] : -1;
    if (ch === '"' && top >= 0 && st.plain[top] === '"') {
      closeOf[stack.pop()!] = k;
      continue;
    }
    if (OPENERS[ch] !== undefined) {
      stack.push(k);
      continue;
    }
    const at = stack.findLastIndex((o) => OPENERS[st.plain[o]] === ch);
    if (at >= 0) {
      // Openers above the match never closed: they are unbalanced.
      for (const o of stack.splice(at + 1)) reportUnbalanced(o);
      closeOf[stack.pop()!] = k;
    }
  }
  for (const o of stack) reportUnbalanced(o);
  function reportUnbalanced(o: number): void {
    const mark = st.plain[o];
    if (!REPORTED_UNBALANCED.has(mark)) return;
    draft.problems.push({
      span: spanOf(o, o + 1),
      message: `Unbalanced ${mark}: no closing ${OPENERS[mark]} in this paragraph.`,
      code: "unbalanced-quote",
    });
  }
  const depth = new Int32Array(n);
  {
    let d = 0;
    const ends: number[] = [];
    for (let k = 0; k < n; k++) {
      while (ends.length > 0 && ends[ends.length - 1] < k) {
        ends.pop();
        d--;
      }
      depth[k] = d;
      if (closeOf[k] >= 0) {
        ends.push(closeOf[k]);
        d++;
      }
    }
  }

  // 3. Sentences: split after a terminator outside quotes; a bracketed citation right after the
  // terminator (`…と述べた。[@key]`) still belongs to the sentence it follows.
  const isSpace = (k: number): boolean => st.kind[k] === Kind.Break || /\s/.test(st.plain[k]);
  const bracketCitationStarts = (k: number): boolean =>
    citationAt[k] >= 0 && !draft.citations[citationAt[k]].inText && (k === 0 || citationAt[k - 1] !== citationAt[k]);
  const ranges: [number, number][] = [];
  let start = 0;
  let k = 0;
  while (k < n) {
    if (visible(k) && depth[k] === 0 && TERMINATORS.has(st.plain[k]) && st.plain[k] !== "!" && st.plain[k] !== "?") {
      k = endOfSentence(k);
      ranges.push([start, k]);
      start = k;
      continue;
    }
    if (visible(k) && depth[k] === 0 && (st.plain[k] === "!" || st.plain[k] === "?")) {
      // ASCII ! and ? end a sentence only before a space or the end of the block.
      let m = k + 1;
      while (m < n && !visible(m) && citationAt[m] < 0) m++;
      if (m >= n || isSpace(m)) {
        k = endOfSentence(k);
        ranges.push([start, k]);
        start = k;
        continue;
      }
    }
    k++;
  }
  if (start < n) ranges.push([start, n]);

  function endOfSentence(t: number): number {
    let e = t + 1;
    // Trailing marks: 」 ） ！？ …, and markup.
    while (e < n && (!visible(e) ? citationAt[e] < 0 : TRAILERS.has(st.plain[e]))) e++;
    // Bracketed citations right after, possibly after spaces.
    for (;;) {
      let m = e;
      while (m < n && citationAt[m] < 0 && (isSpace(m) || st.kind[m] === Kind.Marker)) m++;
      if (m < n && bracketCitationStarts(m)) {
        const c = citationAt[m];
        while (m < n && citationAt[m] === c) m++;
        e = m;
        continue;
      }
      return e;
    }
  }

  for (const [a, b] of ranges) buildSentence(a, b);
  return st.noteCalls;

  function plainOf(a: number, b: number): { plain: string; offsets: number[]; ends: number[] } {
    let plain = "";
    const offsets: number[] = [];
    const ends: number[] = [];
    for (let m = a; m < b; m++) {
      if (!visible(m)) continue;
      if (st.kind[m] === Kind.Break) {
        // A soft break joins Japanese text directly; between Latin words it is a space.
        let p = m - 1;
        while (p >= a && (!visible(p) || st.kind[p] === Kind.Break)) p--;
        let q = m + 1;
        while (q < b && (!visible(q) || st.kind[q] === Kind.Break)) q++;
        const before = p >= a ? st.plain[p] : undefined;
        const after = q < b ? st.plain[q] : undefined;
        if (before === undefined || after === undefined || isCjk(before) || isCjk(after) || /\s/.test(before)) continue;
        if (plain.endsWith(" ")) continue;
        plain += " ";
        offsets.push(st.start[m]);
        ends.push(st.end[m]);
        continue;
      }
      plain += st.plain[m];
      offsets.push(st.start[m]);
      ends.push(st.end[m]);
    }
    return { plain, offsets, ends };
  }

  function buildSentence(a: number, b: number): void {
    // Trim leading and trailing whitespace and markup.
    while (a < b && citationAt[a] < 0 && (isSpace(a) || st.kind[a] === Kind.Marker)) a++;
    while (b > a && citationAt[b - 1] < 0 && (isSpace(b - 1) || st.kind[b - 1] === Kind.Marker)) b--;
    if (a >= b) return;
    const { plain, offsets, ends } = plainOf(a, b);
    // Leading spaces left by a removed citation (`@key によると`) and trailing ones go.
    const lead = plain.length - plain.trimStart().length;
    offsets.splice(0, lead);
    ends.splice(0, lead);
    let trimmed = plain.slice(lead);
    while (trimmed.length > 0 && /\s/.test(trimmed[trimmed.length - 1])) trimmed = trimmed.slice(0, -1);
    offsets.length = trimmed.length;
    ends.length = trimmed.length;
    offsets.push(trimmed.length > 0 ? ends[trimmed.length - 1] : st.start[a]);
    const cites: number[] = [];
    for (let m = a; m < b; m++) {
      const c = citationAt[m];
      if (c >= 0 && cites[cites.length - 1] !== c) cites.push(c);
    }
    const sentenceIndex = draft.sentences.length;
    if (trimmed.length === 0) {
      // Only citations (a paragraph that is just `[@key]`): they support the previous sentence of
      // the block when there is one.
      const prev = draft.sentences[sentenceIndex - 1];
      if (prev && prev.block === blockIndex) {
        for (const c of cites) if (!prev.citations.includes(c)) prev.citations.push(c);
        prev.span = { start: prev.span.start, end: Math.max(prev.span.end, st.end[b - 1]) };
        return;
      }
      if (cites.length === 0) return;
    }
    const quotes: number[] = [];
    for (let m = a; m < b; m++) {
      const close = closeOf[m];
      if (close < 0 || depth[m] !== 0 || !QUOTE_MARKS.has(st.plain[m]) || close >= b) continue;
      const inner = plainOf(m + 1, close);
      if (inner.plain.trim() === "") continue;
      const q: DraftQuote = {
        text: inner.plain,
        // Right after the mark, so an escape or a soft break opening the quote stays inside it.
        span: { start: st.end[m], end: st.start[close] },
        mark: st.plain[m],
        sentence: sentenceIndex,
      };
      quotes.push(draft.quotes.length);
      draft.quotes.push(q);
    }
    const sentence: DraftSentence = {
      span: spanOf(a, b),
      plain: trimmed,
      offsets,
      ends,
      citations: cites,
      quotes,
      block: blockIndex,
    };
    draft.sentences.push(sentence);
  }
}

/**
 * Maps a range `[from, to)` of `sentence.plain` to a draft span: from the first character's offset
 * to just past the last one (so a match never swallows a citation or line break after it).
 */
export function plainRangeToSpan(sentence: DraftSentence, from: number, to: number): Span {
  const start = sentence.offsets[from] ?? sentence.offsets[sentence.offsets.length - 1];
  if (to <= from) return { start, end: start };
  const end = sentence.ends?.[to - 1] ?? sentence.offsets[to - 1] + 1;
  return { start, end };
}

const FULL_WIDTH_MESSAGE = "A full-width ＠ or ［］ is not citation syntax (Pandoc reads it as text): write [@key] with ASCII @ and brackets.";
const EXAMPLE_LIST_MESSAGE =
  "Pandoc reads @key. at the start of a paragraph as an example-list item, and then prints every @key of the draft as that item's number: write [@key].";
const FULL_WIDTH = /[＠［］；]/g;
const ASCII_OF: Record<string, string> = { "＠": "@", "［": "[", "］": "]", "；": ";" };

function asciiCitation(s: string): string {
  return s.replace(FULL_WIDTH, (c) => ASCII_OF[c]);
}

/**
 * Citations the writer typed with the IME's full-width `＠`, `［］` or `；`: scanned again with those
 * written in ASCII. Bracketed ones (`［＠key］`, `[＠key]`) are citations the writer meant; a bare
 * `＠name` may be a handle or an address, so it is returned apart, with its key, for the checker to
 * report only when the key is a corpus key.
 */
function fullWidthCitations(
  scanText: string,
  found: ScannedCitation[],
): { citations: ScannedCitation[]; bare: { start: number; end: number; key: string; glued: boolean }[]; replaced: ScannedCitation[] } {
  const none = { citations: [], bare: [], replaced: [] };
  if (!/[＠［］]/.test(scanText)) return none;
  const ascii = asciiCitation(scanText);
  const alt = scanCitations(ascii);
  const citations: ScannedCitation[] = [];
  const replaced: ScannedCitation[] = [];
  const bare: { start: number; end: number; key: string; glued: boolean }[] = [];
  for (const c of alt.citations) {
    const raw = scanText.slice(c.start, c.end);
    if (!/[＠［］；]/.test(raw)) continue;
    const overlapping = found.filter((o) => o.start < c.end && c.start < o.end);
    if (c.inText) {
      if (overlapping.length === 0 && (raw.startsWith("＠") || raw.startsWith("-＠"))) bare.push({ start: c.start, end: c.end, key: c.items[0].key, glued: false });
      continue;
    }
    // `［@key］`: Pandoc reads an in-text @key between full-width brackets; the writer meant [@key].
    if (!overlapping.every((o) => o.inText && c.start <= o.start && o.end <= c.end)) continue;
    pushAll(replaced, overlapping);
    citations.push(c);
  }
  // `本文＠key`: glued to Japanese text, Pandoc would not read it even in ASCII.
  for (const p of alt.problems) {
    if (p.code !== "citation-after-text" || scanText[p.start] !== "＠" || found.some((c) => c.start < p.end && p.start < c.end)) continue;
    bare.push({ start: p.start, end: p.end, key: ascii.slice(p.start + 1, p.end), glued: true });
  }
  return { citations, bare, replaced };
}
