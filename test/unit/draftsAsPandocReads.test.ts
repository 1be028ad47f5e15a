/**
 * Drafts as people really write them, read as Pandoc reads them: prose the CommonMark parser would
 * drop (footnote definitions, HTML blocks, figure captions) is checked; a byte order mark before the
 * front matter is no problem; citations typed with the IME's full-width ＠/［］ are reported with a
 * fix and still checked; `@key.` opening a paragraph (an example list to Pandoc) is said.
 * Replays `../shared/cases/02-footnotes`, `13-bom-frontmatter` and `18-fullwidth-at` and variants.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { parseDraft } from "../../server/src/core/draft/parseDraft";
import { MINATO, applyFix, tinyCorpus, type TinyCorpus } from "../helpers/tinyCorpus";

const KAWA = `---
key: kawa-news
title: 川町に新美術館
outlet: 架空新報
published: 2023-11-02
---
川町の佐藤花子町長は1日、駅前に町立美術館を開くと発表した。佐藤町長は「誰もが気軽に絵を楽しめる場所にしたい」と語った。入館料は大人500円で、年間約12万人の来館を見込む。
`;

let corpus: TinyCorpus;
before(async () => {
  corpus = await tinyCorpus({ "minato.md": MINATO, "kawa.md": KAWA });
});

const MISQUOTE = "「子どもたちが気軽に本に触れる街にしたい」";
const EXACT = "「子どもたちが気軽に本に触れられる街にしたい」";

describe("footnotes", () => {
  it("a footnote definition is checked, with or without a space after the colon", () => {
    for (const colon of [":", ": ", ":\u3000"]) {
      const draft = `# 試験\n\n港市は来年4月から市立図書館を無料にする[^1]。\n\n[^1]${colon}市長は${MISQUOTE}と語った[@minato-2024-05-10]。\n`;
      assert.deepEqual(corpus.codes(draft), ["quote-mismatch:子どもたちが気軽に本に触れる街にしたい"], JSON.stringify(colon));
    }
  });

  it("an unknown key, a wrong number and a misquote inside notes are reported (named labels, several notes)", () => {
    const draft = [
      "港市は図書館を無料にする[^a]。美術館も開く[^note-2]。",
      "",
      "[^a]:市長は「子どもたちが気軽に本に触れられる街にしたい」と語った[@nikkei-1999-01-01]。",
      "[^note-2]:入館者は年間約15万人を見込む[@kawa-news]。",
    ].join("\n");
    const codes = corpus.codes(draft);
    assert.ok(codes.includes("unknown-source:@nikkei-1999-01-01"), codes.join("\n"));
    assert.ok(codes.includes("number-mismatch:15万人"), codes.join("\n"));
  });

  it("a note's continuation lines are part of it", () => {
    const draft = `本文[^1]。\n\n[^1]: 市の発表による。\n    佐藤町長は「誰もが気軽に絵を楽しめる街にしたい」と語った[@kawa-news]。\n`;
    assert.deepEqual(corpus.codes(draft), ["quote-mismatch:誰もが気軽に絵を楽しめる街にしたい"]);
  });

  it("a note that cites backs the sentence that calls it: its quote is checked, not called uncited", () => {
    assert.deepEqual(corpus.codes(`山田市長は${EXACT}と述べた[^1]。\n\n[^1]: [@minato-2024-05-10]\n`), []);
    assert.deepEqual(corpus.codes(`山田市長は${MISQUOTE}と述べた[^1]。\n\n[^1]: [@minato-2024-05-10]\n`), ["quote-mismatch:子どもたちが気軽に本に触れる街にしたい"]);
    // A sentence that cites by itself keeps its own citation.
    assert.deepEqual(corpus.codes(`佐藤町長は「誰もが気軽に絵を楽しめる場所にしたい」と語った[@kawa-news][^1]。\n\n[^1]: [@minato-2024-05-10]\n`), []);
  });

  it("an inline note ^[…] is checked too", () => {
    assert.deepEqual(corpus.codes(`港市は図書館を無料にする^[市長は${MISQUOTE}と語った[@minato-2024-05-10]。]。`), ["quote-mismatch:子どもたちが気軽に本に触れる街にしたい"]);
  });

  it("`@key.` opening a note or paragraph is an example list to Pandoc: said, with a fix, and still a citation", () => {
    const draft = `港市は来年4月から市立図書館を無料にする[^1]。\n\n[^1]: @minato-2024-05-10.\n`;
    const found = corpus.check(draft);
    assert.deepEqual(found.map((f) => f.code), ["citation-example-list"]);
    assert.equal(applyFix(draft, found[0].fixes[0]), `港市は来年4月から市立図書館を無料にする[^1]。\n\n[^1]: [@minato-2024-05-10].\n`);
    // Not at the start of a paragraph, or not followed by `.`/`)` and a space: no example list.
    assert.deepEqual(corpus.codes("無料化は @minato-2024-05-10. 参照。"), []);
    assert.deepEqual(corpus.codes("@minato-2024-05-10 によると、費用は年間約3億円。"), []);
  });
});

describe("HTML blocks and figures", () => {
  it("the text between block-level tags is prose, as Pandoc reads it", () => {
    for (const draft of [
      `<div class="note">\n山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]。\n</div>\n`,
      `<p>山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]。</p>\n`,
      `<div>\n  <p>\n    山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]。\n  </p>\n</div>\n`,
      `<details>\n<summary>注</summary>\n\n山田市長は${MISQUOTE}と <b>述べた</b>[@minato-2024-05-10]。\n\n</details>\n`,
      `<center>山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]。\n</center>\n`,
      `<table><tr><td>\n山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]。\n</td></tr></table>\n`,
    ]) {
      assert.deepEqual(corpus.codes(draft), ["quote-mismatch:子どもたちが気軽に本に触れる街にしたい"], draft);
    }
  });

  it("comments, <pre> and <script> content stay unchecked", () => {
    for (const draft of [
      `<!-- 山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]。 -->\n`,
      `<pre>山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]。\n</pre>\n`,
      `<div>\n<script>var s = "山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]。";</script>\n</div>\n`,
    ]) {
      assert.deepEqual(corpus.codes(draft), [], draft);
    }
  });

  it("offsets in HTML prose are the draft's own", () => {
    const draft = `<div>\n    山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]。\n</div>\n`;
    const d = parseDraft(draft);
    assert.equal(d.quotes.length, 1);
    assert.equal(draft.slice(d.quotes[0].span.start, d.quotes[0].span.end), MISQUOTE.slice(1, -1));
    assert.equal(draft.slice(d.citations[0].span.start, d.citations[0].span.end), "[@minato-2024-05-10]");
  });

  it("a figure's caption (an image alone in its paragraph) is prose; an inline image's text is not", () => {
    assert.deepEqual(corpus.codes(`![山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]](fig.png)\n`), ["quote-mismatch:子どもたちが気軽に本に触れる街にしたい"]);
    assert.deepEqual(corpus.codes(`本文![山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]](x.png)です。\n`), []);
  });
});

describe("a byte order mark before the front matter", () => {
  it("is read like a draft without one, offsets unchanged", () => {
    const body = `---\ntitle: 下書き\ndate: 2024-05-20\n---\n\n山田市長は${MISQUOTE}と述べた[@minato-2024-05-10]。\n`;
    for (const draft of [body, "\uFEFF" + body, "\uFEFF" + body.replace(/\n/g, "\r\n")]) {
      const d = parseDraft(draft);
      assert.deepEqual(d.problems, []);
      assert.equal(d.frontMatter?.title, "下書き");
      assert.deepEqual(corpus.codes(draft), ["quote-mismatch:子どもたちが気軽に本に触れる街にしたい"]);
    }
  });
});

describe("full-width ＠ and brackets from the IME", () => {
  const cases: Array<[string, string]> = [
    [`山田市長は${EXACT}と述べた[＠minato-2024-05-10]。`, "[@minato-2024-05-10]"],
    [`山田市長は${EXACT}と述べた［＠minato-2024-05-10］。`, "[@minato-2024-05-10]"],
    [`山田市長は${EXACT}と述べた［@minato-2024-05-10］。`, "[@minato-2024-05-10]"],
    [`佐藤町長は「誰もが気軽に絵を楽しめる場所にしたい」と語った[＠kawa-news；＠minato-2024-05-10]。`, "[@kawa-news;@minato-2024-05-10]"],
  ];
  it("is reported with a fix that writes it in ASCII, and the quote is still checked against the key", () => {
    for (const [draft, ascii] of cases) {
      const found = corpus.check(draft);
      assert.deepEqual(found.map((f) => f.code), ["citation-fullwidth"], draft);
      assert.equal(found[0].fixes[0].text, ascii);
      const fixed = applyFix(draft, found[0].fixes[0]);
      assert.deepEqual(corpus.codes(fixed), [], fixed);
    }
  });

  it("a misquote behind a full-width citation is still a misquote", () => {
    assert.deepEqual(
      corpus.check(`山田市長は${MISQUOTE}と述べた［＠minato-2024-05-10］。`).map((f) => f.code),
      ["quote-mismatch", "citation-fullwidth"],
    );
  });

  it("a bare ＠key is reported only when the key is a corpus key (an address or a handle is not a citation)", () => {
    const draft = "無料化は ＠minato-2024-05-10 が伝えた。問い合わせは info＠example.co.jp か ＠minato_pr まで。";
    const found = corpus.check(draft);
    assert.deepEqual(found.map((f) => `${f.code}:${draft.slice(f.span.start, f.span.end)}`), ["citation-fullwidth:＠minato-2024-05-10"]);
    assert.equal(found[0].fixes[0].text, "@minato-2024-05-10");
    const glued = "無料化を伝えた＠minato-2024-05-10。";
    assert.deepEqual(corpus.check(glued).map((f) => f.fixes[0]?.text), ["[@minato-2024-05-10]"]);
  });
});
