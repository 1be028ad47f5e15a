/**
 * Common shapes of scraped and exported news articles (made-up texts in the shapes real pages have):
 * what the metadata inference reads from their headers, and what the cleaner keeps of their layout.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { checkDraft } from "../../server/src/core/check/checkDraft";
import { classifyLines } from "../../server/src/core/corpus/boilerplate";
import { buildCorpus, loadSource, type BuildCorpusResult } from "../../server/src/core/corpus/loadCorpus";
import { CorpusIndex } from "../../server/src/core/index/corpusIndex";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

function meta(text: string, name = "article.txt", catalogue: Record<string, string> | null = null) {
  const r = loadSource(Buffer.from(text), { path: `/c/${name}`, relPath: name, catalogue });
  assert.ok(r.source, JSON.stringify(r.problems));
  return r.source!.meta;
}

/** The texts of the lines the cleaner keeps. */
function kept(text: string): string[] {
  return classifyLines(text)
    .filter((l) => l.verdict === "body")
    .map((l) => l.text);
}

const BODY = "市は3日、新しい図書館を来春に開館すると発表した。市長は記者会見で「子どもたちが集まる場所にしたい」と語った。";

describe("metadata of common article shapes", () => {
  it("URL line, ISO 8601 date-time line and headline: url, published and title, never the date as title", () => {
    const m = meta(`https://news.example.jp/article/12345/\n2012-08-02T11:00:00+0900\n図書館、来春に開館へ　市長「子どもが集まる場所に」\n${BODY}\n`);
    assert.equal(m.url, "https://news.example.jp/article/12345/");
    assert.equal(m.published, "2012-08-02T11:00:00+09:00");
    assert.equal(m.title, "図書館、来春に開館へ　市長「子どもが集まる場所に」");
    assert.equal(m.provenance?.published, "text");
  });

  it("date-times in other zones and precisions keep what they say", () => {
    assert.equal(meta(`https://e.jp/a\n2012-08-02T02:00:00Z\n見出し\n${BODY}`).published, "2012-08-02T02:00:00Z");
    assert.equal(meta(`https://e.jp/a\n2012-08-02 11:00\n見出し\n${BODY}`).published, "2012-08-02T11:00:00+09:00");
    assert.equal(meta(`https://e.jp/a\n2012/08/02\n見出し\n${BODY}`).published, "2012-08-02");
  });

  it("a dateline after the title, in Japanese with 時/分, is the published date", () => {
    const m = meta(`図書館、来春に開館へ\n2012年8月2日 11時00分\n\n${BODY}`);
    assert.equal(m.title, "図書館、来春に開館へ");
    assert.equal(m.published, "2012-08-02T11:00:00+09:00");
  });

  it("labelled datelines: 投稿日：, 更新, Posted on", () => {
    assert.equal(meta(`図書館、来春に開館へ\n投稿日：2012年8月2日\n\n${BODY}`).published, "2012-08-02");
    assert.equal(meta(`図書館、来春に開館へ\n2012/08/02 11:00 更新\n\n${BODY}`).published, "2012-08-02T11:00:00+09:00");
    assert.equal(meta(`Posted on 2012-08-02\n図書館、来春に開館へ\n\n${BODY}`).published, "2012-08-02");
    assert.equal(meta(`Posted on 2012-08-02\n図書館、来春に開館へ\n\n${BODY}`).title, "図書館、来春に開館へ");
  });

  it("Source: and URL: lines give the page's address, not an original it quotes", () => {
    const a = meta(`図書館、来春に開館へ\nSource: https://news.example.jp/a/1\n2012年8月2日\n\n${BODY}`);
    assert.equal(a.url, "https://news.example.jp/a/1");
    assert.deepEqual(a.originals, []);
    assert.equal(a.title, "図書館、来春に開館へ");
    assert.equal(meta(`URL：https://news.example.jp/a/2\n図書館、来春に開館へ\n\n${BODY}`).url, "https://news.example.jp/a/2");
    const clipped = meta(`図書館、来春に開館へ\n\n${BODY}\n\n元記事：https://news.example.jp/a/3\n`);
    assert.equal(clipped.url, "https://news.example.jp/a/3");
    assert.equal(clipped.title, "図書館、来春に開館へ");
  });

  it("Markdown without front matter: the heading is the title, without its marks", () => {
    const m = meta(`# 図書館、来春に開館へ\n\n**公開日**: 2012-08-02\n\n${BODY}\n`, "a.md");
    assert.equal(m.title, "図書館、来春に開館へ");
    assert.equal(m.published, "2012-08-02");
  });

  it("a headline that reads like a campaign prompt is still the title", () => {
    const m = meta(`https://e.jp/a/9\n2012-05-01T10:00:00+0900\n新機種の購入者に充電器をプレゼントするキャンペーンを実施\n発売記念キャンペーン！\n\n${BODY}`);
    assert.equal(m.title, "新機種の購入者に充電器をプレゼントするキャンペーンを実施");
  });

  it("HTML without metadata tags: the headline and dateline of the page; a <title> loses its site name", () => {
    const article = `<article><h1>図書館、来春に開館へ</h1><p>2012年8月2日 11時00分</p><p>${BODY}</p><p>${BODY}</p></article>`;
    const bare = meta(`<html><body><header><a href="/">ホーム</a></header>${article}</body></html>`, "a.html");
    assert.equal(bare.title, "図書館、来春に開館へ");
    assert.equal(bare.published, "2012-08-02T11:00:00+09:00");
    const titled = meta(`<html><head><title>図書館、来春に開館へ | 地域ニュース</title></head><body>${article}</body></html>`, "b.html");
    assert.equal(titled.title, "図書館、来春に開館へ");
  });

  it("outlets named in related-article lists are other articles', not the page's", () => {
    const m = meta(`https://e.jp/a/1\n2012-08-02T11:00:00+0900\n図書館、来春に開館へ\n${BODY}\n\n【関連記事】\n・NHKが特集「図書館の未来」を放送\n\n【関連情報】\n（聯合ニュース＜韓国語＞）\n`);
    assert.equal(m.outlet, null);
    assert.equal(m.key, "article");
  });

  it("front matter and the catalogue still win over the inferred header", () => {
    const text = `---\ntitle: 前付けの題\n---\nhttps://e.jp/a/1\n2012-08-02T11:00:00+0900\n本文の見出し\n${BODY}`;
    const m = meta(text, "x.md", { published: "2012-08-01" } as never);
    assert.equal(m.title, "前付けの題");
    assert.equal(m.published, "2012-08-01");
    assert.equal(m.url, "https://e.jp/a/1");
  });
});

describe("page layout", () => {
  it("related-article lists under 【関連記事】 and 【関連情報】 are not the article", () => {
    const text = [
      "図書館、来春に開館へ",
      BODY,
      "",
      "【関連記事】",
      "・別の市長「財政は厳しい」と語る",
      "・駅前再開発、住民説明会で異論相次ぐ",
      "",
      "【関連情報】",
      "・市立図書館 公式サイト",
    ].join("\n");
    assert.deepEqual(kept(text), ["図書館、来春に開館へ", BODY]);
  });

  it("headings in other words: ■〇〇の記事をもっと見る, 【〇〇おすすめ記事】", () => {
    const more = `見出し\n${BODY}\n\n■図書館の記事をもっと見る\n・蔵書100万冊の新館が完成、記念式典に市民ら集う\n`;
    assert.deepEqual(kept(more), ["見出し", BODY]);
    const picks = `見出し\n${BODY}\n\n【ニュースサイトおすすめ記事】\n・人気作家が語る「図書館で育った」\n`;
    assert.deepEqual(kept(picks), ["見出し", BODY]);
  });

  it("a bare list of linked headlines at the foot goes; the article's own list stays", () => {
    const foot = `見出し\n${BODY}\n\n・別の市長「財政は厳しい」と語る\n・駅前再開発、住民説明会で異論相次ぐ\n`;
    assert.deepEqual(kept(foot), ["見出し", BODY]);
    const points = `見出し\n${BODY}\n新館の主な特徴は次の通り。\n・閲覧席は500席\n・24時間の返却ポスト\n・児童書コーナーを拡充\n`;
    assert.deepEqual(kept(points), ["見出し", BODY, "新館の主な特徴は次の通り。", "・閲覧席は500席", "・24時間の返却ポスト", "・児童書コーナーを拡充"]);
    const clause = `見出し\n${BODY}\nたとえば、次のような人に向いている、\n・「静かな場所で勉強したい」という学生\n・子ども連れで本を選びたい家族\n`;
    assert.equal(kept(clause).length, 5);
  });

  it("a standalone block of linked headlines inside the article goes; the article around it stays", () => {
    const text = [
      "見出し",
      BODY,
      "",
      "・別の市長「財政は厳しい」と語る",
      "・駅前再開発、住民説明会で異論相次ぐ！",
      "",
      "開館記念の式典は来年4月に開かれる予定で、市は多くの来場を見込んでいる。会場では記念講演も予定されている。",
    ].join("\n");
    assert.deepEqual(kept(text), ["見出し", BODY, "開館記念の式典は来年4月に開かれる予定で、市は多くの来場を見込んでいる。会場では記念講演も予定されている。"]);
  });

  it("an aggregator's summary bullets about some other article are not its text; those about the quoted one are", () => {
    const text = [
      "図書館の新館計画、市長が開館時期を表明",
      "",
      "新図書館、来春開館へ　市長「子どもが集まる場所に」:地域ニュース",
      "",
      "✅ 7月20日投開票の参院選に関する情報が報道される。",
      "",
      "✅ 有権者の判断材料となる情報が提供される。",
      "",
      "さらに読む ⇒地域ニュース出典/画像元: https://news.example.jp/a/1",
      "",
      "新図書館の計画、住民説明会で反対意見も:市民タイムス",
      "",
      "✅ 新図書館の計画について住民説明会が開かれた。",
      "",
      "さらに読む ⇒市民タイムス出典/画像元: https://news.example.jp/a/2",
    ].join("\n");
    const keptLines = kept(text);
    assert.ok(!keptLines.some((l) => l.includes("参院選")), keptLines.join("\n"));
    assert.ok(!keptLines.some((l) => l.includes("有権者")));
    assert.ok(keptLines.includes("✅ 新図書館の計画について住民説明会が開かれた。"));
  });

  it("a long one-line article whose chrome shares its line keeps its text", () => {
    const chrome = "ホーム ニュース 社会 会員登録 ログイン 無料配信のお知らせ メールマガジン登録はこちら ";
    const text = chrome + (BODY + "新館は地上3階建てで、閲覧席は約500席を備える。市は来年度予算に関連費用を計上する方針だ。").repeat(20) + " Copyright © Example News. All rights reserved.";
    assert.ok(text.length > 2000);
    const r = loadSource(Buffer.from(text), { path: "/c/one-line.txt", relPath: "one-line.txt", catalogue: null });
    assert.ok(r.source);
    assert.deepEqual(r.problems, [], "no 'no article text left'");
    assert.equal(r.source!.body.length, 1);
    assert.ok(r.source!.text.slice(r.source!.body[0].start, r.source!.body[0].end).includes("子どもたちが集まる場所にしたい"));
  });
});

describe("what a source says, once its layout is read", () => {
  let dir: string;
  let built: BuildCorpusResult;
  let index: CorpusIndex;
  let tokenizer: Tokenizer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "shutten-shapes-"));
    writeFileSync(
      join(dir, "library.txt"),
      [
        "https://news.example.jp/article/777/",
        "2012-08-02T11:00:00+0900",
        "図書館、来春に開館へ",
        BODY,
        "",
        "・別の市長「財政は厳しい」と語る",
        "・駅前再開発、住民説明会で異論相次ぐ",
      ].join("\n"),
    );
    tokenizer = await loadTokenizer();
    built = await buildCorpus({ corpusDir: dir, tokenizer, cache: null, workers: 0 });
    index = new CorpusIndex(built.sources, built.problems);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const check = (draft: string) => checkDraft(draft, { index, tokenizer, aliases: built.aliases }).map((f) => f.code);

  it("a quote only in a linked headline at the foot is not in the source", () => {
    const key = built.sources[0].meta.key;
    assert.deepEqual(check(`市長は「子どもたちが集まる場所にしたい」と語った[@${key}]。\n`), []);
    assert.ok(check(`市長は「財政は厳しい」と語った[@${key}]。\n`).includes("quote-not-found"));
    assert.ok(!built.sources[0].quotes.some((x) => x.text === "財政は厳しい"));
  });

});
