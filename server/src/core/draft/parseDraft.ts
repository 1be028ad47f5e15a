/**
 * The draft parser: Markdown (CommonMark + YAML front matter, parsed by micromark/mdast) →
 * sentences, citations and quotes with exact UTF-16 offsets into the draft.
 *
 * Only prose is read: paragraphs, headings, and the paragraphs inside list items, block quotes and
 * (when a table extension is present) table cells. Code blocks, inline code, HTML (comments
 * included), link destinations, images and front matter contribute nothing.
 *
 * Each prose block is flattened into a *stream*: one entry per UTF-16 unit of its visible text
 * (escapes and entities decoded, continuation indentation and `> ` markers dropped), each entry
 * carrying the offset it came from, plus sentinel entries where markup sat. Citations are scanned
 * on the stream (`citations.ts`), then quotes are paired and sentences split on it.
 */
import { fromMarkdown } from "mdast-util-from-markdown";
import { frontmatter } from "micromark-extension-frontmatter";
import { frontmatterFromMarkdown } from "mdast-util-frontmatter";
import { parse as parseYaml } from "yaml";
import type { Span } from "../model";
import type { Citation, CitationItem, DraftQuote, DraftSentence, ParsedDraft } from "./draftModel";
import { LINK_OPEN, OPAQUE, STRING_END, maskCitationKeys, scanCitations, splitLocator } from "./citations";

/** Minimal view of the mdast nodes we read (avoids depending on @types/mdast directly). */
interface MdNode {
  type: string;
  value?: string;
  url?: string;
  children?: MdNode[];
  position?: { start: { offset?: number }; end: { offset?: number } };
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

function flattenInline(text: string, masked: string, node: MdNode, out: Stream): void {
  const s = nodeStart(node);
  const e = nodeEnd(node);
  switch (node.type) {
    case "text":
      if (s !== undefined && e !== undefined) pushText(text, masked, node.value ?? "", s, e, out);
      return;
    case "break": {
      // A hard break (`\` or two spaces before the newline): the break sits at the line ending.
      if (s === undefined) return;
      const nl = text.slice(s, e ?? s).search(/[\r\n]/);
      out.push("\n", "\n", nl >= 0 ? s + nl : s, e ?? s, Kind.Break);
      return;
    }
    case "emphasis":
    case "strong":
    case "delete": {
      const kids = node.children ?? [];
      const first = kids.length > 0 ? nodeStart(kids[0]) : undefined;
      const last = kids.length > 0 ? nodeEnd(kids[kids.length - 1]) : undefined;
      pushMarker(out, OPAQUE, s, first ?? e);
      for (const k of kids) flattenInline(text, masked, k, out);
      // Pandoc treats the end of an emphasis like the end of a word (`*本文*@key` is no citation).
      pushMarker(out, STRING_END, last ?? s, e);
      return;
    }
    case "link":
    case "linkReference": {
      if (s !== undefined && text[s] === "<") {
        pushMarker(out, OPAQUE, s, e); // autolink: a URL or e-mail address, never prose
        return;
      }
      const kids = node.children ?? [];
      const first = kids.length > 0 ? nodeStart(kids[0]) : undefined;
      const last = kids.length > 0 ? nodeEnd(kids[kids.length - 1]) : undefined;
      pushMarker(out, LINK_OPEN, s, first ?? e);
      for (const k of kids) flattenInline(text, masked, k, out);
      pushMarker(out, OPAQUE, last ?? s, e);
      return;
    }
    default:
      // inlineCode, html, image, imageReference, footnoteReference, …: never checked.
      if (node.children && node.type !== "image" && node.type !== "imageReference") {
        for (const k of node.children) flattenInline(text, masked, k, out);
      } else pushMarker(out, OPAQUE, s, e);
  }
}

const PROSE_BLOCKS = new Set(["paragraph", "heading", "tableCell"]);

function collectBlocks(node: MdNode, blocks: MdNode[]): void {
  if (PROSE_BLOCKS.has(node.type)) {
    blocks.push(node);
    return;
  }
  // code, html, yaml, definition, thematicBreak have no prose; containers are walked.
  if (node.type === "code" || node.type === "html" || node.type === "yaml") return;
  for (const c of node.children ?? []) collectBlocks(c, blocks);
}

const OPENERS: Record<string, string> = { "「": "」", "『": "』", "“": "”", "（": "）", '"': '"' };
const QUOTE_MARKS = new Set(["「", "『", "“", '"']);
const REPORTED_UNBALANCED = new Set(["「", "『", "“"]);
const TERMINATORS = new Set(["。", "！", "？", "．", "!", "?"]);
const TRAILERS = new Set(["」", "』", "）", ")", "”", "’", "。", "！", "？", "．", "!", "?", "…"]);

function isCjk(ch: string | undefined): boolean {
  return ch !== undefined && /[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]/.test(ch);
}

/**
 * Parses a Markdown draft. Never throws: broken front matter, key-less citations and unbalanced
 * quotes become `problems`, and the rest of the draft is still parsed.
 */
export function parseDraft(text: string): ParsedDraft {
  const draft: ParsedDraft = { text, sentences: [], citations: [], quotes: [], frontMatter: null, problems: [] };
  let tree: MdNode;
  let masked = text;
  try {
    masked = maskCitationKeys(text);
    tree = fromMarkdown(masked, {
      extensions: [frontmatter(["yaml"])],
      mdastExtensions: [frontmatterFromMarkdown(["yaml"])],
    }) as unknown as MdNode;
  } catch (err) {
    draft.problems.push({ span: { start: 0, end: 0 }, message: `Markdown parse failed: ${String(err)}`, code: "parse-error" });
    return draft;
  }
  const yamlNode = tree.children?.find((c) => c.type === "yaml");
  if (yamlNode) readFrontMatter(text, yamlNode, draft);

  const blocks: MdNode[] = [];
  collectBlocks(tree, blocks);
  blocks.forEach((b, index) => parseBlock(text, masked, b, index, draft));
  return draft;
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

function parseBlock(text: string, masked: string, block: MdNode, blockIndex: number, draft: ParsedDraft): void {
  const st = new Stream();
  for (const c of block.children ?? []) flattenInline(text, masked, c, st);
  const n = st.length;
  if (n === 0) return;
  const spanOf = (a: number, b: number): Span => ({ start: st.start[a], end: st.end[b - 1] });

  // 1. Citations.
  const scanned = scanCitations(st.scan.join(""));
  const citationAt = new Int32Array(n).fill(-1); // global citation index covering each entry
  for (const c of scanned.citations) {
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
    draft.citations.push({ span: spanOf(c.start, c.end), items, inText: c.inText });
    for (let k = c.start; k < c.end; k++) citationAt[k] = index;
  }
  for (const p of scanned.problems) {
    draft.problems.push({ span: spanOf(p.start, p.end), message: p.message, code: p.code });
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
