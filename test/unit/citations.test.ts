/**
 * Citations in drafts (Pandoc syntax): what `parseDraft` finds, with spans checked by text.
 * `check(markdown, expected)`: every citation in order, as the exact source text it spans, with its
 * items' keys, modes, prefixes and locators; plus the draft problems it reports.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDraft } from "../../server/src/core/draft/parseDraft";
import { isCitationKey, maskCitationKeys, splitLocator } from "../../server/src/core/draft/citations";

interface ItemExpect {
  key: string;
  mode?: string;
  prefix?: string;
  locator?: string | null;
  suffix?: string;
}
interface CitationExpect {
  /** The source text the citation spans. */
  text: string;
  items: (string | ItemExpect)[];
}

function check(md: string, expected: CitationExpect[], problems: string[] = []): void {
  const d = parseDraft(md);
  const got = d.citations.map((c) => ({
    text: md.slice(c.span.start, c.span.end),
    items: c.items.map((i) => {
      // The key span holds exactly the key; the item span is `@key` / `-@key` / `@{key}`.
      assert.equal(md.slice(i.keySpan.start, i.keySpan.end), i.key);
      assert.match(md.slice(i.span.start, i.span.end), /^-?@\{?/);
      return { key: i.key, mode: i.mode, prefix: i.prefix, locator: i.locator, suffix: i.suffix };
    }),
  }));
  const want = expected.map((c, n) => ({
    text: c.text,
    items: c.items.map((it, k) => {
      const e = typeof it === "string" ? { key: it } : it;
      const g = got[n]?.items[k];
      return {
        key: e.key,
        mode: e.mode ?? g?.mode,
        prefix: e.prefix ?? g?.prefix,
        locator: e.locator === undefined ? g?.locator : e.locator,
        suffix: e.suffix ?? g?.suffix,
      };
    }),
  }));
  assert.deepEqual(got, want, md);
  assert.deepEqual(
    d.problems.map((p) => `${p.code} ${md.slice(p.span.start, p.span.end)}`),
    problems,
    `problems in ${md}`,
  );
}

test("bracketed citations", () => {
  check("と述べた[@nikkei]。", [{ text: "[@nikkei]", items: [{ key: "nikkei", mode: "NormalCitation" }] }]);
  check("[@a, 第3段落]", [{ text: "[@a, 第3段落]", items: [{ key: "a", locator: "第3段落", suffix: "" }] }]);
  check("[@a; @b]", [{ text: "[@a; @b]", items: ["a", "b"] }]);
  check("[see @key p. 3]", [{ text: "[see @key p. 3]", items: [{ key: "key", prefix: "see", locator: "p. 3" }] }]);
  check("[-@key]", [{ text: "[-@key]", items: [{ key: "key", mode: "SuppressAuthor" }] }]);
  check("[*see* @a, pp. 3-5, emphasis added; 参照 -@b]", [
    {
      text: "[*see* @a, pp. 3-5, emphasis added; 参照 -@b]",
      items: [
        { key: "a", prefix: "see", locator: "pp. 3-5", suffix: "emphasis added" },
        { key: "b", prefix: "参照", mode: "SuppressAuthor" },
      ],
    },
  ]);
  check("[@{https://x.org/a?b=1}, p. 3]", [{ text: "[@{https://x.org/a?b=1}, p. 3]", items: ["https://x.org/a?b=1"] }]);
  check("[@a;\n  @b]", [{ text: "[@a;\n  @b]", items: ["a", "b"] }]);
});

test("straight after Japanese text", () => {
  check("本文[@key]です", [{ text: "[@key]", items: ["key"] }]);
  check("「引用」[@key]", [{ text: "[@key]", items: ["key"] }]);
  // Pandoc reads `本文@key` as text; we agree, and tell the writer.
  check("本文@key です", [], ["citation-after-text @key"]);
  check("本文 @key です", [{ text: "@key", items: [{ key: "key", mode: "AuthorInText" }] }]);
  check("本文、@key です", [{ text: "@key", items: ["key"] }]);
});

test("in-text citations", () => {
  check("@smith2004 says", [{ text: "@smith2004", items: [{ key: "smith2004", mode: "AuthorInText" }] }]);
  check("@smith2004 [p. 33] says", [{ text: "@smith2004 [p. 33]", items: [{ key: "smith2004", locator: "p. 33" }] }]);
  check("@a [p. 3; @b]", [
    { text: "@a [p. 3; @b]", items: [{ key: "a", mode: "AuthorInText" }, { key: "b", mode: "NormalCitation" }] },
  ]);
  check("@a [see @b, p. 3]", [{ text: "@a [see @b, p. 3]", items: ["a", { key: "b", prefix: "see" }] }]);
  // A paragraph opening with `@key.` is an example-list item to Pandoc (and every @key its
  // number): still read as the citation the writer meant, and said.
  check("@key.", [{ text: "@key", items: ["key"] }], ["citation-example-list @key"]);
  check("本文 @key. 続き", [{ text: "@key", items: ["key"] }]);
  check("@a:b.c-d/e ok", [{ text: "@a:b.c-d/e", items: ["a:b.c-d/e"] }]);
  check("@a--b", [{ text: "@a", items: ["a"] }]);
  // An in-text `-@key` is `-` then `@key` to Pandoc.
  check("x -@key y", [{ text: "@key", items: [{ key: "key", mode: "AuthorInText" }] }]);
  check("@a@b", [{ text: "@a", items: ["a"] }, { text: "@b", items: ["b"] }]);
  check("@_x_y_ and @a_b_", [{ text: "@_x_y_", items: ["_x_y_"] }, { text: "@a_b_", items: ["a_b_"] }]);
});

test("not citations", () => {
  check("mail foo@bar.com, <info@example.jp>, a.@b", []);
  check("code `[@a] @b` and\n\n```\n[@c]\n```\n\n<!-- [@d] -->\n\n    [@e] indented code", []);
  check("\\@a and \\[@b\\]", [{ text: "@b", items: ["b"] }]);
  check("[link](https://x.org/@a) and ![img @b](x.png)", []);
  check("[@a][x] reference-link fallback", [{ text: "@a", items: [{ key: "a", mode: "AuthorInText" }] }]);
  check("*本文*@key", []);
  check("---\ntitle: \"[@meta]\"\n---\n本文", []);
});

test("citations with no key are problems, not crashes", () => {
  check("本文[@]。", [], ["citation-without-key [@]"]);
  check("本文[@ ]。[-@, p. 3]", [], ["citation-without-key [@ ]", "citation-without-key [-@, p. 3]"]);
  check("[@a; @]", [{ text: "@a", items: ["a"] }], ["citation-without-key [@a; @]"]);
});

test("helpers", () => {
  assert.equal(isCitationKey("nikkei-2025-04-12"), true);
  assert.equal(isCitationKey("a."), false);
  assert.equal(isCitationKey("-a"), false);
  assert.deepEqual(splitLocator(", 第3段落"), { locator: "第3段落", suffix: "" });
  assert.deepEqual(splitLocator(" p. 3, emphasis added"), { locator: "p. 3", suffix: "emphasis added" });
  assert.deepEqual(splitLocator(" and others"), { locator: null, suffix: "and others" });
  assert.equal(maskCitationKeys("x @_a_b_ *y*"), "x @xaxbx *y*");
});
