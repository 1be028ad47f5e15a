// Speakers and names of ordinary Japanese news prose: made-up sentences in the shapes real articles
// take (titles and roles around kanji names, interviews, reported voices, organisations, trailing
// attributions), each asserting what a writer checking a quote would see.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { analyzeText } from "../../server/src/core/text/analyze";
import { AliasTable, selectEntityTokens } from "../../server/src/core/text/entities";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

let tokenizer: Tokenizer;
before(async () => { tokenizer = await loadTokenizer(); });

const analyse = (text: string, aliases?: AliasTable) => analyzeText(text, [{ start: 0, end: text.length }], { published: null, tokenizer, aliases });
const speakers = (text: string) => analyse(text).quotes.map((q) => [q.text, q.kind, q.speaker]);
const persons = (text: string) => analyse(text).entities.filter((e) => e.type === "person").map((e) => e.canonical);
const orgs = (text: string) => analyse(text).entities.filter((e) => e.type === "organization").map((e) => e.canonical);

test("a kanji-named speaker with a title and a date before the quote is the speaker", () => {
  assert.deepEqual(speakers("石破茂首相は3日、首相官邸で記者団に「早急に検討する」と述べた。"), [["早急に検討する", "speech", "石破茂"]]);
  assert.deepEqual(speakers("同社の山中一郎会長（58）は「来年度も増産を続ける」と語った。"), [["来年度も増産を続ける", "speech", "山中一郎"]]);
});

test("a person the verb phrase after the quote modifies is the speaker (と語った長友。)", () => {
  const t = "試合後、「最低限の結果は得られたと思う」と振り返った本城隆之。";
  assert.deepEqual(speakers(t), [["最低限の結果は得られたと思う", "speech", "本城隆之"]]);
});

test("a family name alone is the person the article names in full", () => {
  const t = "日本代表の本城隆之選手が会見した。\n\n本城は「まだ満足はできない」と話した。";
  assert.deepEqual(speakers(t), [["まだ満足はできない", "speech", "本城隆之"]]);
  assert.ok(persons(t).every((p) => p === "本城隆之"));
});

test("in an interview the interviewer's question is the interviewer's and the answer the interviewee's", () => {
  const t =
    "番組では、司会の田口浩一が陸上の森川修平選手に話を聞いた。\n\n" +
    "森川は「今年は記録を狙います」と意気込んだ。\n\n" +
    "田口から「休日は何をしていますか？」と訊かれると、「ずっと寝ています」と笑った。";
  assert.deepEqual(speakers(t), [
    ["今年は記録を狙います", "speech", "森川修平"],
    ["休日は何をしていますか？", "speech", "田口浩一"],
    ["ずっと寝ています", "speech", "森川修平"],
  ]);
});

test("an unnamed questioner's question belongs to no one", () => {
  const t = "森川修平選手は会見に臨んだ。「体調はどうですか？」という質問には、「万全です」と答えた。";
  assert.deepEqual(speakers(t), [["体調はどうですか？", "speech", null], ["万全です", "speech", "森川修平"]]);
});

test("a speaker named in a paragraph is not carried into one that names its own", () => {
  const t = "森川修平選手は「必ず勝つ」と語った。\n\n一方、監督の大西健は「まだ課題がある」と冷静だった。\n\n「練習を続けるだけ」とも話した。";
  assert.deepEqual(speakers(t), [["必ず勝つ", "speech", "森川修平"], ["まだ課題がある", "speech", "大西健"], ["練習を続けるだけ", "speech", "大西健"]]);
});

test("an organisation speaks in its own name", () => {
  assert.deepEqual(speakers("北海道観光協会は「来場者の安全を最優先する」と発表した。"), [["来場者の安全を最優先する", "speech", "北海道観光協会"]]);
});

test("anonymous and collective voices belong to no one and are not carried on", () => {
  const t = "森川修平選手は「必ず勝つ」と語った。ネット上では「頼もしい」との声が上がり、ファンからは「応援してます」「頑張れ」などのコメントが寄せられた。";
  assert.deepEqual(speakers(t), [["必ず勝つ", "speech", "森川修平"], ["頼もしい", "speech", null], ["応援してます", "speech", null], ["頑張れ", "speech", null]]);
  assert.deepEqual(speakers("森川修平選手が会見した。「控室は静まりかえっていた」（球界関係者）という。"), [["控室は静まりかえっていた", "speech", null]]);
});

test("trailing attributions, 曰く and speaker-led headlines name the speaker", () => {
  const t = "森川修平と大西健が出演した。「早く帰りたい」（森川）、「焼肉が食べたい」（大西）と語った。";
  assert.deepEqual(speakers(t), [["早く帰りたい", "speech", "森川修平"], ["焼肉が食べたい", "speech", "大西健"]]);
  assert.deepEqual(speakers("俳優の岡部雄大が登壇した。岡部曰く「緊張しました」と笑顔。"), [["緊張しました", "speech", "岡部雄大"]]);
  assert.deepEqual(speakers("岡部雄大が舞台挨拶。\n\n岡部「また来ます」"), [["また来ます", "speech", "岡部雄大"]]);
});

test("titles of programmes and works, names and templates are terms, not speech", () => {
  const t = "5日、テレビ朝日「夜のスポーツ」では「森川修平 強さの秘密」と題し、特集を組んだ。「一番○○なのは誰」という質問もあった。";
  assert.deepEqual(speakers(t).map((q) => q[1]), ["term", "term", "term"]);
  assert.deepEqual(speakers("「ぼんた」さんは「楽しかった」とコメントした。"), [["ぼんた", "term", null], ["楽しかった", "speech", "ぼんた"]]);
});

test("names cut by the dictionary are joined again, and no title becomes part of a name", () => {
  assert.ok(persons("十倉雅和会長は述べた。").includes("十倉雅和"));
  assert.ok(persons("代表 孫正義氏は語った。").includes("孫正義"));
  assert.ok(persons("番組MCの魔裟斗から質問が出た。").includes("魔裟斗"));
});

test("suffix organisations, Latin company names and katakana compounds are organisations", () => {
  const o = orgs("長万部観光協会と東京都教育委員会、大阪府警、みずほ銀行のほか、DeNAとトムソンロイター・ジャパンが参加した。");
  for (const name of ["長万部観光協会", "東京都教育委員会", "みずほ銀行", "DeNA", "トムソンロイター・ジャパン"]) assert.ok(o.includes(name), name);
  assert.ok(!persons("Copyright (C) 2024トムソンロイター・ジャパン(株)").includes("トムソン"));
  assert.ok(!analyse("米紙「ワシントン・エグザミナー」に語った。").entities.some((e) => e.type === "place"));
});

test("a family name and the full name are one person, within a source and across sources", () => {
  const aliases = new AliasTable();
  analyse("三池健史監督が会見した。三池監督は「うれしい」と話した。", aliases);
  analyse("三池監督の新作が公開された。", aliases);
  assert.ok(aliases.same("三池", "三池健史"));
  assert.equal(aliases.canonical("三池監督"), "三池健史");
});

test("a family name shared by two people stays ambiguous", () => {
  const aliases = new AliasTable();
  analyse("鈴木一郎選手と鈴木花子選手が出場した。鈴木は笑った。", aliases);
  assert.ok(!aliases.same("鈴木一郎", "鈴木花子"));
  assert.equal(aliases.canonical("鈴木"), "鈴木");
});

test("selecting entity tokens clause by clause gives the same tokens as over the whole sentence", () => {
  const sentences = [
    "同社・春田真会長（42）を訪問し、十倉雅和会長と宮根誠司、妻夫木聡が話した。",
    "長崎県知事の古川康氏、ニワンゴ社長杉本、長万部観光協会の角会長が登壇した。",
    "吉高由里子、生田斗真、三木孝浩監督、テリー伊藤、大谷翔平選手、寺川綾は「はい」と答えた。",
    "Copyright (C) 2024トムソンロイター・ジャパン(株)記事、TBSホールディングスとDeNA。",
  ];
  for (const s of sentences) {
    const whole = selectEntityTokens(tokenizer.tokenize(s));
    const byClause: typeof whole = [];
    let at = 0;
    for (const clause of s.split(/(?<=[、。])/)) {
      for (const t of selectEntityTokens(tokenizer.tokenize(clause))) byClause.push({ ...t, start: t.start + at });
      at += clause.length;
    }
    assert.deepEqual(byClause, whole, s);
  }
});

test("the corpus workers' analysis (entity tokens selected per clause) finds what the analysis of all tokens finds", () => {
  // The workers tokenise clause by clause and keep only the entity tokens; selecting again from
  // those joined Latin and katakana pieces into organisations no text names.
  const selecting: Tokenizer = {
    entityTokensOnly: true,
    tokenize(text: string) {
      const out = [];
      let at = 0;
      for (const clause of text.split(/(?<=[、。])/)) {
        for (const t of selectEntityTokens(tokenizer.tokenize(clause))) out.push({ ...t, start: t.start + at });
        at += clause.length;
      }
      return out;
    },
  };
  const texts = [
    "「日本発！大和研究所魂」で多くのThinkpadフリーク達の注目を集めたハイブリッドノートPCがレノボ・ジャパンの「Thinkpad X1 Hybrid」だ。",
    "ソニー・エリクソンが、今月8月10日に同社のAndroidスマートフォン「Xperia」の新機種「Xperia ray SO-03C」の発表会を都内で行った。",
    "同社・春田真会長（42）を訪問し、十倉雅和会長と宮根誠司、妻夫木聡が話した。",
    "Copyright (C) 2024トムソンロイター・ジャパン(株)記事、TBSホールディングスとDeNA。",
  ];
  for (const text of texts) {
    const regions = [{ start: 0, end: text.length }];
    const all = analyzeText(text, regions, { published: null, tokenizer, aliases: new AliasTable() });
    const worker = analyzeText(text, regions, { published: null, tokenizer: selecting, aliases: new AliasTable() });
    assert.deepEqual(worker.entities, all.entities, text);
  }
});
