/**
 * Corpus files as real Japanese sites and writers leave them: Shift_JIS with half-width katakana
 * (ｽﾏｰﾄﾌｫﾝ, ｻｰﾋﾞｽ), ruby (furigana) in HTML, hostile HTML (thousands of nested elements, a 15 MB
 * page), a catalogue with a repeated entry, a new file claiming a catalogued key, a file name that
 * is not UTF-8. Replays `../shared/cases/10-sjis-hankaku` and `11-html-ruby`, with variants.
 */
import { isUtf8 } from "node:buffer";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import iconv from "iconv-lite";
import { decodeBytes } from "../../server/src/core/corpus/decode";
import { extractHtml, MAX_DEPTH } from "../../server/src/core/corpus/html";
import { loadCorpus, loadSource } from "../../server/src/core/corpus/loadCorpus";
import { buildCorpus } from "../../server/src/core/ingest/buildCorpus";
import { checkDraft } from "../../server/src/core/check/checkDraft";
import { parseCatalogue } from "../../server/src/core/corpus/metadata";
import { MINATO, tinyCorpus, writeProject } from "../helpers/tinyCorpus";

describe("Shift_JIS with half-width katakana", () => {
  const files = {
    "hankaku.txt": "ﾐﾅﾄｼ ﾄｼｮｶﾝ ﾆｭｰｽ\nﾀﾝﾄｳｼｬﾊ｢ｽﾏｰﾄﾌｫﾝﾃﾞ ﾎﾝﾉ ﾖﾔｸｶﾞ ﾃﾞｷﾙﾖｳﾆ ﾅﾙ｣ﾄ ﾊﾅｼﾀ｡\n",
    "mixed.txt": "港市は11日、ｽﾏｰﾄﾌｫﾝ向けの図書予約ｻｰﾋﾞｽを始めると発表した。\n担当者は「ｱﾌﾟﾘから本の予約ができるようになる」と話した。\n",
    "price.txt": "【ﾎﾟｲﾝﾄ10倍】価格 ￥1,980(税込)　㈱ﾐﾅﾄ書店　①送料無料 ②ｷｬﾝﾍﾟｰﾝ中\n当店ｽﾀｯﾌは「在庫はまだあります」と話した。\n",
    "chat.txt": "ｷﾀ━━━(ﾟ∀ﾟ)━━━!! 新しいｱﾌﾟﾘが出たらしい。\n開発者は「ﾀﾞｳﾝﾛｰﾄﾞは無料です」と書いた。\n",
  };
  it("every such file decodes as Shift_JIS, exactly", () => {
    for (const [name, text] of Object.entries(files)) {
      const r = decodeBytes(iconv.encode(text, "cp932"));
      assert.ok(r.ok, `${name}: ${!r.ok && r.reason}`);
      assert.equal(r.encoding, "shift_jis", name);
      assert.equal(r.text, text, name);
    }
  });

  it("a quote of it matches (half-width read as full width; a particle typed in hiragana is the same word)", async () => {
    const corpus = await tinyCorpus({
      ...Object.fromEntries(Object.entries(files).map(([n, t]) => [n, iconv.encode(t, "cp932")])),
      "sources.yaml": "hankaku.txt:\n  key: minato-news-hankaku\n  published: 2024-05-12\nmixed.txt:\n  key: minato-news-mixed\n  published: 2024-05-12\n",
    });
    assert.deepEqual(corpus.built.problems.filter((p) => p.severity === "error"), []);
    assert.deepEqual(corpus.codes("担当者は「スマートフォンで ホンノ ヨヤクガ デキルヨウニ ナル」と話した[@minato-news-hankaku]。"), []);
    assert.deepEqual(corpus.codes("担当者は「アプリから本の予約ができるようになる」と話した[@minato-news-mixed]。"), []);
    // A changed word is still a misquote.
    assert.deepEqual(corpus.codes("担当者は「スマートフォンで ホンノ ヨヤクガ デキナイ」と話した[@minato-news-hankaku]。").map((c) => c.split(":")[0]), ["quote-mismatch"]);
  });

  it("property: Japanese text with half-width katakana words decodes exactly from Shift_JIS, and from EUC-JP when it holds hiragana", () => {
    const half = fc.constantFrom("ｽﾏｰﾄﾌｫﾝ", "ｻｰﾋﾞｽ", "ﾎﾟｲﾝﾄ", "ｱﾌﾟﾘ", "ﾆｭｰｽ", "ｷｬﾝﾍﾟｰﾝ", "ﾀﾞｳﾝﾛｰﾄﾞ", "ﾒｰﾙ", "｢", "｣", "｡", "､");
    const full = fc.constantFrom("港市は", "図書館を", "無料にする", "方針を", "明らかにした", "。", "、", "「", "」", "担当者は", "と話した", "大統領", "会談で", "１２月", "予約が", "できる");
    fc.assert(
      // A few bytes can be read either way (A4 A4 is ､､ in Shift_JIS and あ in EUC-JP): texts of
      // eight characters or more are what a file holds.
      fc.property(fc.array(fc.oneof(half, full), { minLength: 2, maxLength: 12 }).map((a) => a.join("")).filter((t) => t.length >= 8), (text) => {
        // (A short text's Shift_JIS bytes can be valid UTF-8 by chance — ﾒｰﾙ」 is D2 B0 D9 81 76 —,
        // and valid UTF-8 is read as UTF-8: such a text is not a Shift_JIS file's.)
        fc.pre(!isUtf8(iconv.encode(text, "cp932")));
        // Half-width pieces alone are not Japanese prose, and their bytes are as good EUC-JP (､､ｻｰﾋﾞｽ｢ is
        // A4 A4 BB B0 CB DE BD A2, い三凡就 in EUC-JP): the text holds at least one full-width word.
        fc.pre(/[^\uFF61-\uFF9F]/.test(text));
        const sjis = decodeBytes(iconv.encode(text, "cp932"));
        assert.ok(sjis.ok, `${text}: ${!sjis.ok && sjis.reason}`);
        assert.equal(sjis.text, text, `shift_jis read as ${sjis.encoding}`);
        if (/[ぁ-ん]/.test(text) && text.length >= 8) {
          const euc = decodeBytes(iconv.encode(text, "euc-jp"));
          if (euc.ok && !/[ｦ-ﾟ]/.test(text)) assert.equal(euc.text, text, `euc-jp read as ${euc.encoding}`);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe("ruby (furigana) in HTML", () => {
  const page = (body: string) =>
    `<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>やさしいニュース</title><meta property="og:site_name" content="架空やさしいニュース"></head><body><main><article><h1>図書館が無料に</h1>${body}</article></main></body></html>`;
  const bodies = [
    // With <rp> brackets, as NHK やさしいニュース style pages write it.
    "<p>山田市長は「<ruby>子<rp>（</rp><rt>こ</rt><rp>）</rp></ruby>どもたちが<ruby>気軽<rp>(</rp><rt>きがる</rt><rp>)</rp></ruby>に<ruby>本<rt>ほん</rt></ruby>を<ruby>読<rt>よ</rt></ruby>める<ruby>街<rt>まち</rt></ruby>にしたいです」と<ruby>話<rt>はな</rt></ruby>しました。これからも本を借りる人を増やしたいと話していて、市は来年4月から図書館を無料にします。</p>",
    // End tags left out, as HTML allows for <rt> and <rp>.
    "<p>山田市長は「<ruby>子<rp>（<rt>こ<rp>）</ruby>どもたちが<ruby>気軽<rt>きがる</ruby>に<ruby>本<rt>ほん</ruby>を<ruby>読<rt>よ</ruby>める<ruby>街<rt>まち</ruby>にしたいです」と話しました。これからも本を借りる人を増やしたいと話していて、市は来年4月から図書館を無料にします。</p>",
  ];
  it("readings are not text: an exact quote matches, and the quote's offsets are the file's own", async () => {
    for (const body of bodies) {
      const corpus = await tinyCorpus({ "easy.html": page(body), "sources.yaml": "easy.html:\n  key: easy-2024-05-10\n" });
      assert.deepEqual(corpus.codes("山田市長は「子どもたちが気軽に本を読める街にしたいです」と話した[@easy-2024-05-10]。"), []);
      const source = corpus.index.get("easy-2024-05-10")!;
      const html = page(body);
      const q = source.quotes.find((x) => x.kind === "speech")!;
      assert.ok(q, "the quote is found");
      assert.ok(html.slice(q.start, q.end).startsWith("<ruby>子"), html.slice(q.start, q.end));
      assert.ok(!/[こほよまきがる（）()]/.test(source.text.slice(q.start, q.end).replace(/どもたち|にしたいです|が|に|を|める/g, "")), "no reading in the quote");
    }
  });
});

describe("hostile HTML costs bounded work, and says so", () => {
  const para = "<p>港市の山田一郎市長は10日の定例記者会見で、来年4月から市立図書館の利用料を無料にする方針を明らかにした。山田市長は「子どもたちが気軽に本に触れられる街にしたい」と述べた。</p>";
  it("thousands of nested elements are flattened below the limit; the article and its offsets survive", () => {
    for (const depth of [1000, 5000]) {
      const html = `<!doctype html><html><head><title>t</title></head><body><article>${para.repeat(3)}${"<div>".repeat(depth)}x${"</div>".repeat(depth)}</article></body></html>`;
      const r = extractHtml(html);
      assert.equal(r.flattenedDepth, depth + 3); // html, body, article and the divs
      assert.equal(r.text.length, html.length);
      assert.ok(r.regions.some((g) => html.slice(g.start, g.end).includes("子どもたちが気軽に本に触れられる街にしたい")));
      const loaded = loadSource(Buffer.from(html), { path: "deep.html", relPath: "deep.html", catalogue: null });
      assert.match(loaded.problems.map((p) => p.message).join("\n"), new RegExp(`page nested ${depth + 3} levels deep: tags below level ${MAX_DEPTH} were ignored`));
    }
  });

  it("a page too large for a document model is read by line classification, and said", () => {
    const html = `<!doctype html><html><head><title>大きなページ</title><meta property="og:site_name" content="架空日報"></head><body><article>${`<section>${para}</section>\n`.repeat(12_000)}</article></body></html>`;
    const loaded = loadSource(Buffer.from(html), { path: "big.html", relPath: "big.html", catalogue: null });
    assert.ok(loaded.source);
    assert.match(loaded.problems.map((p) => p.message).join("\n"), /page too large to read as a document .*line classification/);
    assert.equal(loaded.source.meta.outlet, "架空日報");
    assert.ok(loaded.source.body.length > 0);
  });
});

describe("catalogue and keys", () => {
  it("a file listed twice keeps its first entry; the rest of sources.yaml still counts", () => {
    const cat = parseCatalogue("a.txt:\n  key: first\nb.txt:\n  key: bee\na.txt:\n  key: second\nc.txt:\n  key: sea\n");
    assert.deepEqual(Object.fromEntries([...cat.entries].map(([p, e]) => [p, e.key])), { "a.txt": "first", "b.txt": "bee", "c.txt": "sea" });
    assert.match(cat.problems.map((p) => p.message).join("\n"), /'a\.txt' is given twice; the first is used/);
    const list = parseCatalogue("- path: a.txt\n  key: first\n- path: a.txt\n  key: second\n- path: b.txt\n  key: bee\n");
    assert.deepEqual(Object.fromEntries([...list.entries].map(([p, e]) => [p, e.key])), { "a.txt": "first", "b.txt": "bee" });
    assert.match(list.problems[0].message, /'a\.txt' is listed twice/);
  });

  it("a YAML error loses only the entries from it on", () => {
    const cat = parseCatalogue("a.txt:\n  key: ok-a\nb.txt:\n  key: ok-b\nc.txt:\n  title: [broken\n  key: c\n");
    assert.deepEqual([...cat.entries.keys()], ["a.txt", "b.txt"]);
    assert.match(cat.problems[0].message, /sources\.yaml is not valid YAML \(line \d+\).*entries from there on are ignored/);
  });

  it("a new file claiming a catalogued key does not displace the catalogued source, whatever its name", async () => {
    const { corpus } = writeProject({
      "sources.yaml": "b-original.md:\n  key: minato-2024-05-10\n",
      "b-original.md": MINATO.replace(/^---[\s\S]*?---\n/, ""),
      "a-newcomer.md": MINATO.replace("title: 港市長、図書館の無料開放を表明", "title: 新しい記事"),
    });
    for (const load of [() => loadCorpus({ dir: corpus }), () => buildCorpus({ corpusDir: corpus, cache: null, workers: 0 })]) {
      const { sources, problems } = await load();
      // The catalogued file keeps its key; the newcomer is still indexed (never silently absent),
      // under a suffixed key, and the clash of two explicit keys is reported as an error on it.
      const byFile = Object.fromEntries(sources.map((s) => [s.meta.path.split("/").pop(), s.meta.key]));
      assert.equal(byFile["b-original.md"], "minato-2024-05-10");
      assert.ok(byFile["a-newcomer.md"] && byFile["a-newcomer.md"] !== "minato-2024-05-10", JSON.stringify(byFile));
      const clash = problems.filter((p) => p.path.endsWith("a-newcomer.md") && p.severity === "error");
      assert.match(clash.map((p) => p.message).join("\n"), /minato-2024-05-10.*b-original\.md/);
    }
  });

  it("a file name that is not UTF-8 is reported as such (how it reads in Shift_JIS), not as 'not found'", async () => {
    const { corpus } = writeProject({ "good.md": MINATO });
    const sjisName = Buffer.concat([iconv.encode("港市ニュース", "cp932"), Buffer.from(".txt")]);
    writeFileSync(Buffer.concat([Buffer.from(corpus + "/"), sjisName]), "港市の山田一郎市長は10日、方針を明らかにした。\n");
    mkdirSync(join(corpus, "ok"));
    const { sources, problems } = await loadCorpus({ dir: corpus });
    assert.deepEqual(sources.map((s) => s.relPath), ["good.md"]);
    const msg = problems.map((p) => `${p.code}: ${p.message}`).join("\n");
    assert.match(msg, /file-name: skipped: the file name is not valid UTF-8 \('\\x8d`.*', which reads as '港市ニュース\.txt' in Shift_JIS\)/);
    assert.doesNotMatch(msg, /ENOENT/);
  });
});

describe("a wire quote printed by many outlets", () => {
  const wire = (n: number) =>
    `---\nkey: wire-${n}\ntitle: 港市長が図書館無料化を表明（${n}）\npublished: 2024-05-${String(10 + (n % 5)).padStart(2, "0")}\n---\n港市の山田一郎市長は定例記者会見で図書館の無料化を表明した。山田市長は「子どもたちが気軽に本に触れられる街にしたい」と述べた。\n`;
  const files: Record<string, string> = { "other.md": `---\nkey: other\ntitle: 別の記事\npublished: 2024-05-11\n---\n市議会は予算案を可決した。議長は「慎重に審議した」と話した。\n` };
  for (let n = 0; n < 8; n++) files[`wire-${n}.md`] = wire(n);

  it("citing the wrong article names three that have the quote and counts the rest", async () => {
    const c = await tinyCorpus(files);
    const f = c.check("山田市長は「子どもたちが気軽に本に触れられる街にしたい」と述べた[@other]。").find((x) => x.code === "quote-wrong-source");
    assert.ok(f, "quote-wrong-source is reported");
    assert.equal((f.message.match(/@wire-\d/g) ?? []).length, 3, f.message);
    assert.match(f.message, /and 5 more/);
    assert.equal(f.fixes.length, 3, "one fix per named source");
  });

  it("an uncited quote does the same, in Japanese too", async () => {
    const c = await tinyCorpus(files);
    const f = checkDraft("山田市長は「子どもたちが気軽に本に触れられる街にしたい」と述べた。", { index: c.index, tokenizer: c.tokenizer, aliases: c.built.aliases, locale: "ja" }).find((x) => x.code === "uncited-quote");
    assert.ok(f, "uncited-quote is reported");
    assert.equal((f.message.match(/@wire-\d/g) ?? []).length, 3, f.message);
    assert.match(f.message, /ほか5件/);
  });
});
