/**
 * Claims checked under paraphrase: a writer rarely copies the source sentence, so a changed number,
 * name or count must be caught in a reworded sentence too, and a faithful rewording must stay quiet.
 * The corpus is two small made-up articles in the shape of ordinary news.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { checkDraft } from "../../server/src/core/check/checkDraft";
import { buildCorpus, type BuildCorpusResult } from "../../server/src/core/ingest/buildCorpus";
import { CorpusIndex } from "../../server/src/core/index/corpusIndex";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

const SPORTS = `---
key: sports-a
title: 代表3連戦を終えた田中、手応えを語る
published: 2013-06-20
---
18日に行われた親善試合で、日本代表は6月の3連戦を2勝1分けで終えた。主将の田中健太は試合後、「最低限の結果は出せたと思います」と語った。

決勝ではブラジルのシルバ選手に敗れたものの、今大会では計8選手が代表デビューを果たし、監督も若手の成長に目を細めた。

試合当日の気温は35度を超え、選手たちは約10分ごとに給水をとりながらプレーしたという。
`;

const GADGET = `---
key: gadget-b
title: 新型タブレット、高精細ディスプレイで登場
published: 2013-07-02
---
新型タブレットのディスプレイは2560×1600ドットの解像度を備え、本体の重さは約640gに抑えられた。

本体は縦横がともに127ミリで高さは45ミリと小さい。

カメラは約800万画素で、価格は4万2800円から。発売は7月中旬を予定している。
`;

const PROFILE = `---
key: profile-c
title: 星空を撮る記者
published: 2013-08-01
---
写真家の山田一郎氏は東京大学を卒業後、朝日新聞社入社。大阪本社への異動をきっかけに、星景写真を撮り始めた。
`;

const FILM = `---
key: film-d
title: 映画祭が閉幕
published: 2013-10-31
---
30日に閉幕した映画祭では、家族の再生を描いた『春の庭』がグランプリを受賞した。

受賞作でエドワード・ミラーが演じた父親のトムは、娘との再会を果たす。

その全貌は謎に包まれたままだが、明日6月30日（土）からは特典付き前売り券第2弾が、全国先着2万名限定で販売開始される。
`;

let dir: string;
let tokenizer: Tokenizer;
let built: BuildCorpusResult;
let index: CorpusIndex;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "shutten-claims-"));
  writeFileSync(join(dir, "sports.md"), SPORTS);
  writeFileSync(join(dir, "gadget.md"), GADGET);
  writeFileSync(join(dir, "profile.md"), PROFILE);
  writeFileSync(join(dir, "film.md"), FILM);
  tokenizer = await loadTokenizer();
  built = await buildCorpus({ corpusDir: dir, tokenizer, cache: null });
  index = new CorpusIndex(built.sources, built.problems);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Claim findings on a one-sentence draft, as `code:the draft's words`. */
function claims(sentence: string): string[] {
  return checkDraft(sentence, { index, tokenizer, aliases: built.aliases })
    .filter((f) => ["date-mismatch", "number-mismatch", "entity-mismatch"].includes(f.code))
    .map((f) => `${f.code}:${sentence.slice(f.span.start, f.span.end)}`);
}

describe("numbers under paraphrase", () => {
  it("a count with a counter word the tool has no list for (選手, 連戦) is compared", () => {
    assert.deepEqual(claims("今大会では計10選手が新たに代表デビューした[@sports-a]。"), ["number-mismatch:10選手"]);
    assert.deepEqual(claims("日本代表は6月の4連戦を2勝1分けで終えた[@sports-a]。"), ["number-mismatch:4連戦"]);
  });

  it("the second number of a dimension is compared in its own slot", () => {
    assert.deepEqual(claims("このタブレットは2560×1800ドットの画面を持つ[@gadget-b]。"), ["number-mismatch:1800ドット"]);
  });

  it("a measure named right before its value is compared with the source's same measure, whatever particle stands between", () => {
    assert.deepEqual(claims("本体は縦横127ミリ、高さ55ミリだ[@gadget-b]。"), ["number-mismatch:55ミリ"]);
    assert.deepEqual(claims("本体は縦横127ミリ、高さ45ミリだ[@gadget-b]。"), []);
  });

  it("the same figures in other words stay quiet", () => {
    assert.deepEqual(claims("今大会で代表デビューしたのは計8選手だった[@sports-a]。"), []);
    assert.deepEqual(claims("日本代表は3連戦を2勝1分けで終えた[@sports-a]。"), []);
    assert.deepEqual(claims("タブレットの画面は2560×1600ドットで、重さは約640gだ[@gadget-b]。"), []);
  });
});

describe("names under paraphrase", () => {
  it("a swapped country in a reworded sentence is reported", () => {
    assert.deepEqual(claims("決勝で日本を破ったのは、アルゼンチンのシルバ選手だった[@sports-a]。"), ["entity-mismatch:アルゼンチン"]);
  });

  it("the right country in a reworded sentence stays quiet", () => {
    assert.deepEqual(claims("決勝で日本を破ったのは、ブラジルのシルバ選手だった[@sports-a]。"), []);
  });
});

describe("the one name a reworded sentence changes", () => {
  it("an organisation the source never names, where the passage names one other, is reported", () => {
    assert.deepEqual(claims("山田一郎氏は読売新聞社に入社し、大阪本社への異動を機に星景写真を始めた[@profile-c]。"), ["entity-mismatch:読売新聞社"]);
  });

  it("the same organisation in other words stays quiet", () => {
    assert.deepEqual(claims("山田一郎氏は朝日新聞社に入社し、大阪本社への異動を機に星景写真を始めた[@profile-c]。"), []);
  });
});

describe("titles of works", () => {
  it("a film title the source never gives, where the passage names one other, is reported", () => {
    assert.deepEqual(claims("映画祭のグランプリに輝いたのは、家族の再生を描いた『夏の海』だった[@film-d]。"), ["entity-mismatch:『夏の海』"]);
  });

  it("an actor named in katakana only by what he plays (Xが演じた) is compared with the source's actor", () => {
    assert.deepEqual(claims("受賞作で、ジョン・スミスが演じた父親のトムは娘と再会する[@film-d]。"), ["entity-mismatch:ジョン・スミス"]);
    assert.deepEqual(claims("受賞作で、エドワード・ミラーが演じた父親のトムは娘と再会する[@film-d]。"), []);
  });

  it("a start date (Xから) is compared with the source's start date of the same happening, reworded around it", () => {
    assert.deepEqual(claims("特典付き前売り券第2弾は、7月1日から全国先着2万名限定で販売開始される[@film-d]。"), ["date-mismatch:7月1日"]);
    assert.deepEqual(claims("特典付き前売り券第2弾は、6月30日から全国先着2万名限定で販売開始される[@film-d]。"), []);
  });

  it("the right title, or part of it, stays quiet", () => {
    assert.deepEqual(claims("映画祭のグランプリに輝いたのは、家族の再生を描いた『春の庭』だった[@film-d]。"), []);
  });
});
