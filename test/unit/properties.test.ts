/**
 * Property tests for everything that reads input it does not control: the draft parser (Markdown
 * with footnotes, HTML blocks, figures, full-width ＠, byte order marks), the corpus decoder and
 * loader (arbitrary bytes as .txt, .md and .html), the HTML extractor, front matter and the
 * catalogue. Nothing throws, and every range lies inside the document it indexes.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import fc from "fast-check";
import { decodeBytes } from "../../server/src/core/corpus/decode";
import { parseFrontMatter } from "../../server/src/core/corpus/frontMatter";
import { extractHtml } from "../../server/src/core/corpus/html";
import { loadSource } from "../../server/src/core/corpus/loadCorpus";
import { parseCatalogue } from "../../server/src/core/corpus/metadata";
import type { ParsedDraft } from "../../server/src/core/draft/draftModel";
import { parseDraft } from "../../server/src/core/draft/parseDraft";

const inside = (n: number, s: { start: number; end: number }, what: string) => {
  assert.ok(Number.isInteger(s.start) && Number.isInteger(s.end), `${what}: ${JSON.stringify(s)}`);
  assert.ok(0 <= s.start && s.start <= s.end && s.end <= n, `${what} ${JSON.stringify(s)} outside 0..${n}`);
};

/** Every span of a parsed draft lies in the draft; plain text maps back through its offsets. */
function assertInside(d: ParsedDraft): void {
  const n = d.text.length;
  for (const s of d.sentences) {
    inside(n, s.span, "sentence");
    assert.equal(s.offsets.length, s.plain.length + 1);
    for (const o of s.offsets) assert.ok(o >= 0 && o <= n, `offset ${o}`);
    for (const c of s.citations) assert.ok(c >= 0 && c < d.citations.length);
    for (const q of s.quotes) assert.ok(q >= 0 && q < d.quotes.length);
  }
  for (const c of d.citations) {
    inside(n, c.span, "citation");
    for (const i of c.items) {
      inside(n, i.span, "item");
      inside(n, i.keySpan, "key");
      // CommonMark (and Pandoc) read U+0000 as U+FFFD: a key typed with a NUL is read with U+FFFD.
      assert.equal(d.text.slice(i.keySpan.start, i.keySpan.end).replace(/[＠［］]/g, "").replace(/\u0000/g, "\uFFFD"), i.key.replace(/[＠［］]/g, ""));
    }
  }
  for (const q of d.quotes) inside(n, q.span, "quote");
  for (const p of d.problems) inside(n, p.span, `problem ${p.code}`);
}

const piece = fc.constantFrom(
  "本文", "「", "」", "。", "、", "\n", "\n\n", "  ", "    ", "\t", "> ", "- ", "1. ", "# ", "```", "`", "*", "_", "[", "]", "(", ")",
  "@key", "[@a]", "[@a, p. 3]", "@", "-@b", "@{a--b}", "@{x", "}", "\\", "&amp;", "<!--", "-->",
  // footnotes and inline notes
  "[^1]", "[^1]:", "[^1]: ", "[^note]:", "^[", "[^",
  // HTML blocks and figures
  "<div>", "</div>", "<p>", "</p>", "<pre>", "</pre>", "<details>", "<summary>", "<span>", "</span>", "<b>", "![", "](x.png)", "<script>", "</script>",
  // the IME's full width
  "＠", "［", "］", "；", "［＠a］", "[＠a]", "＠a",
  // byte order marks, front matter, odd code points
  "\uFEFF", "---\n", "title: x\n", "😀", "𠮷", "\uD800", "\uDC00", "\u0000", "ｽﾏｰﾄﾌｫﾝ",
);
const markdown = fc.array(fc.oneof({ weight: 6, arbitrary: piece }, { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 5 }) }), { maxLength: 50 }).map((a) => a.join(""));

test("property: the draft parser never throws and keeps every range inside the draft", () => {
  fc.assert(fc.property(markdown, (md) => assertInside(parseDraft(md))), { numRuns: 2000 });
  fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => assertInside(parseDraft(s))), { numRuns: 500 });
});

test("property: a draft read from arbitrary bytes (as the CLI reads it) parses or is refused with a reason", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      const r = decodeBytes(bytes);
      if (!r.ok) return assert.ok(r.reason.length > 0);
      assertInside(parseDraft(r.text));
    }),
    { numRuns: 1000 },
  );
});

const ENCODINGS = new Set(["utf-8", "utf-16le", "utf-16be", "shift_jis", "euc-jp", "iso-2022-jp"]);

test("property: the decoder never throws, never invents replacement characters, and names what it did", () => {
  const japaneseBytes = fc.constantFrom(...["港市", "ｽﾏｰﾄﾌｫﾝ", "「検討」", "\u3000"].flatMap((s) => [Buffer.from(s), Buffer.from(s, "latin1")]));
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 400 }),
    fc.array(fc.oneof(japaneseBytes, fc.uint8Array({ maxLength: 4 })), { maxLength: 40 }).map((parts) => new Uint8Array(Buffer.concat(parts))),
  );
  fc.assert(
    fc.property(bytes, (b) => {
      const r = decodeBytes(b);
      if (r.ok) {
        assert.ok(ENCODINGS.has(r.encoding), r.encoding);
        if (r.text.includes("\ufffd")) assert.ok(Buffer.from(b).includes(Buffer.from("\ufffd")), "U+FFFD only when the file holds one");
      } else {
        assert.ok(["binary", "invalid-utf8", "invalid-utf16", "unknown-encoding"].includes(r.code), r.code);
        assert.ok(r.reason.length > 0);
      }
    }),
    { numRuns: 2000 },
  );
});

test("property: a corpus file of arbitrary bytes loads or is skipped with a reason; its body lies in its text", () => {
  const htmlish = fc.array(fc.constantFrom("<p>", "</p>", "<div>", "</div>", "<ruby>", "<rt>", "</rt>", "<!--", "-->", "&amp;", "&#x3042;", "本文。", "「引用」と述べた。", "\n", "<script>", "</script>", "<", ">"), { maxLength: 60 }).map((a) => Buffer.from(`<html><body>${a.join("")}</body></html>`));
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 300 }), htmlish, markdown.map((s) => Buffer.from(s)));
  fc.assert(
    fc.property(bytes, fc.constantFrom("a.txt", "a.md", "a.html"), (b, name) => {
      const { source, problems } = loadSource(b, { path: name, relPath: name, catalogue: null });
      if (!source) return assert.ok(problems.some((p) => p.message.startsWith("skipped")), JSON.stringify(problems));
      let last = 0;
      for (const span of source.body) {
        inside(source.text.length, span, "body");
        assert.ok(span.start >= last, "body spans in order, not overlapping");
        last = span.end;
      }
      for (const p of problems) if (p.span) inside(source.text.length, p.span, "problem");
    }),
    { numRuns: 1000 },
  );
});

test("property: HTML extraction keeps the page's length and puts every region inside it", () => {
  const tag = fc.constantFrom("<div>", "</div>", "<p>", "</p>", "<article>", "</article>", "<ruby>", "<rt>", "<rp>", "</ruby>", "<br>", "<script>", "</script>", "<!--", "-->", "<a href='x'>", "</a>", "&nbsp;", "&#12354;");
  const html = fc.array(fc.oneof(tag, fc.constantFrom("港市の山田市長は「無料にする」と述べた。", "\n", "x"), fc.string({ maxLength: 4 })), { maxLength: 80 }).map((a) => a.join(""));
  fc.assert(
    fc.property(html, (h) => {
      const r = extractHtml(h);
      assert.equal(r.text.length, h.length);
      for (const g of r.regions) inside(h.length, g, "region");
    }),
    { numRuns: 500 },
  );
});

test("property: front matter and the catalogue never throw on arbitrary text", () => {
  const yamlish = fc.array(fc.constantFrom("key: ", "title: ", "001", "[速報]", ": ", "\n", "  ", "- ", "'", '"', "{", "}", "#", "~", "&a", "*a", "港市", "---\n", "...\n"), { maxLength: 40 }).map((a) => a.join(""));
  fc.assert(
    fc.property(fc.oneof(yamlish, fc.string({ unit: "binary", maxLength: 200 })), (y) => {
      const fm = parseFrontMatter(`---\n${y}\n---\n本文`);
      for (const p of fm.problems) if (p.span) inside(y.length + 12, p.span, "front matter problem");
      const cat = parseCatalogue(y);
      for (const [, e] of cat.entries) if (e.key !== undefined) assert.equal(typeof e.key, "string");
    }),
    { numRuns: 1000 },
  );
});

test("the sample corpus loads through the same property checks", () => {
  const dir = join(__dirname, "..", "..", "corpus");
  for (const name of readdirSync(dir).filter((n) => /\.(txt|md|html)$/.test(n))) {
    const { source } = loadSource(readFileSync(join(dir, name)), { path: name, relPath: name, catalogue: null });
    assert.ok(source, name);
    for (const span of source.body) inside(source.text.length, span, name);
  }
});

test("a key typed with a NUL is read as CommonMark reads it (U+FFFD), its span on the typed characters", () => {
  const d = parseDraft("[@{x\u0000}]");
  assert.equal(d.citations[0].items[0].key, "x\uFFFD");
  assertInside(d);
});
