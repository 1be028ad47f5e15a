// Speakers in the shapes of ordinary feature and interview articles (made-up sentences): transcripts,
// interviewees announced once, unnamed relatives and friends, people in general, answers given with
// no verb, names the dictionary does not know (stage names, nicknames, given names alone).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { analyzeText } from "../../server/src/core/text/analyze";
import { AliasTable } from "../../server/src/core/text/entities";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

let tokenizer: Tokenizer;
before(async () => {
  tokenizer = await loadTokenizer();
});

const analyse = (text: string, aliases?: AliasTable) => analyzeText(text, [{ start: 0, end: text.length }], { published: null, tokenizer, aliases });
const speakers = (text: string) => analyse(text).quotes.filter((q) => q.kind === "speech").map((q) => [q.text, q.speaker]);
const persons = (text: string) => analyse(text).entities.filter((e) => e.type === "person").map((e) => e.canonical);

test("the one asked a question is not the one who asked it (Xは「…」と訊かれると)", () => {
  const t = "陸上の森川修平選手がゲスト出演した。\n\n森川は、「休日は何をしていますか？」と訊かれると「ずっと寝ています」と苦笑いした。";
  assert.deepEqual(speakers(t), [["休日は何をしていますか？", null], ["ずっと寝ています", "森川修平"]]);
});

test("relatives, friends and colleagues left unnamed speak for no one the reader can check", () => {
  const t = "会社員の沙耶さん(仮名・34歳)は、同期の女友達に、突然こんなことを言われたという。\n\n「あなたとは話が合わない」\n\nその女友達は同時に、「でも嫌いじゃない」と付け加えたという。";
  assert.deepEqual(speakers(t), [["あなたとは話が合わない", null], ["でも嫌いじゃない", null]]);
  assert.deepEqual(persons("モデルでもある娘さんは会場で照れていた。"), []);
  assert.deepEqual(speakers("沙耶さん(34歳)は、母親から「早く結婚しなさい」と言われ続けてきた。"), [["早く結婚しなさい", null]]);
});

test("a transcript's lines are their speakers' and the interviewer's question is no one's", () => {
  const t =
    "——映画をご覧になって、いかがでしたか。\n" +
    "岡部雄大（以下、岡部）：最初は「何だろう？」という感じでした。\n" +
    "——ご主人の感想は？\n" +
    "岡部：まず「格好いいね」って話しました。あとは「また観たいね」とか。";
  const s = speakers(t);
  assert.deepEqual(
    s.filter((q) => q[0] !== "何だろう？"),
    [["格好いいね", "岡部雄大"], ["また観たいね", "岡部雄大"]],
  );
});

test("an interviewee the writer says they asked speaks the answers that stand alone", () => {
  const t =
    "写真家の久住和也氏の作品展が開かれている。撮影の秘密を久住さんにうかがってみた。\n\n" +
    "「特別な場所ではありません。家の近くで撮っています。」\n\n" +
    "会場には多くの来場者が訪れていた。\n\n" +
    "最後に、今後の展開について、うかがってみた。\n\n" +
    "「これからも家族を撮り続けたいと思っています。」";
  assert.deepEqual(speakers(t), [
    ["特別な場所ではありません。家の近くで撮っています。", "久住和也"],
    ["これからも家族を撮り続けたいと思っています。", "久住和也"],
  ]);
});

test("a source named with によると speaks the quotes that follow; a document is no one", () => {
  const t = "温泉ライターの千谷まどかさんによると、最近は個室風呂が増えているという。\n\n「一人で入れる施設も多いですよ」";
  assert.deepEqual(speakers(t), [["一人で入れる施設も多いですよ", "千谷まどか"]]);
  const d = "森川修平選手は「必ず勝つ」と語った。\n\n県教育委員会が作成したマニュアルによると、\n\n「相手の気持ちを聞きとる姿勢が大切」\n\nとある。";
  assert.deepEqual(speakers(d), [["必ず勝つ", "森川修平"], ["相手の気持ちを聞きとる姿勢が大切", null]]);
});

test("an answer closing the sentence with no verb after it is the named person's words", () => {
  const t = "一人旅が趣味という派遣社員の佳代さん(仮名・35歳)も、「大きなお風呂は思いっきり体を伸ばせるのがいい。旅に温泉は欠かせませんね」";
  assert.deepEqual(speakers(t), [["大きなお風呂は思いっきり体を伸ばせるのがいい。旅に温泉は欠かせませんね", "佳代"]]);
});

test("quotes whose verbs are coordinated share the subject the sentence ends on", () => {
  const t = "番組MCの田口浩一が、日本代表・森川修平に話を聞いた。\n\n田口が「合宿でハグしていく？」といえば、「それは嫌ですね」と笑いつつも、「でも、大事なことです」と語る森川だった。";
  assert.deepEqual(speakers(t), [["合宿でハグしていく？", "田口浩一"], ["それは嫌ですね", "森川修平"], ["でも、大事なことです", "森川修平"]]);
});

test("a cleft or a closing `、とXさん。` names the speaker of the quote before it", () => {
  const t = "「実は結婚前は問題ないんですよ」と証言するのは、2年前に結婚した妹を持つ真由美さん（35歳）。";
  assert.deepEqual(speakers(t), [["実は結婚前は問題ないんですよ", "真由美"]]);
  const u = "森川修平選手は会見に臨んだ。\n\n「人と入るのは苦手です」\n\n温泉そのものは好きなだけに残念、と厚美さん。";
  assert.deepEqual(speakers(u), [["人と入るのは苦手です", "厚美"]]);
});

test("words of people in general, sayings and imagined thoughts are no one's", () => {
  assert.deepEqual(speakers("森川修平選手は「必ず勝つ」と語った。「冬は汗をかかないから入浴しない」という人も多い。"), [["必ず勝つ", "森川修平"], ["冬は汗をかかないから入浴しない", null]]);
  assert.deepEqual(speakers("森川修平選手は「必ず勝つ」と語った。恋愛を「男は別名で保存する」などともいいますが、本当だろうか。").slice(1), [["男は別名で保存する", null]]);
  assert.deepEqual(
    speakers("森川修平選手は「必ず勝つ」と語った。同級生の年収を聞いて「昔はおごってあげていたのに！」と羨ましく思ったり。").slice(1),
    [],
  );
});

test("names the dictionary cuts or tags as places are read whole", () => {
  assert.ok(persons("温泉ライターの千谷さんは「私も」と明かした。").includes("千谷"));
  assert.ok(persons("こう語るのは前述の万里江さんだ。").includes("万里江"));
  assert.ok(persons("楽天の星野仙一監督は語った。").includes("星野仙一"));
  assert.deepEqual(persons("千葉市長は語った。"), []);
});

test("a given name alone, a nickname and a stage name after a role are the person", () => {
  const t = "番組では日本代表・中村俊也に話を聞いた。俊也は「気が引き締まる」と語った。";
  assert.deepEqual(speakers(t), [["気が引き締まる", "中村俊也"]]);
  const n = "43歳になる“キングカズヒロ”こと三浦知宏に話を聞いた。カズヒロは「まだやれる」と語った。";
  assert.deepEqual(speakers(n), [["まだやれる", "三浦知宏"]]);
  const r = "美女レスラー・華凛と、香港出身の選手が対戦する。会見では、怒った華凛が「ふざけないで」と逆提案した。";
  assert.deepEqual(speakers(r), [["ふざけないで", "華凛"]]);
  assert.ok(persons("ブラジル代表FWネイマールが監督に直訴した。").includes("ネイマール"));
});

test("a given name and the full name ending with it are one person across sources", () => {
  // As a corpus is indexed: each source analysed on its own, then every mention observed together.
  const aliases = new AliasTable();
  for (const t of ["日本代表・中村俊也が会見した。俊也は「勝つ」と語った。", "中村俊也の新記録が話題だ。"]) for (const e of analyse(t).entities) aliases.observe(e.text, e.type);
  assert.equal(aliases.canonical("俊也"), "中村俊也");
  assert.ok(aliases.same("俊也", "中村俊也"));
});

test("an organisation's chairman is the one last named with that title, not the person mentioned last", () => {
  const t =
    "番組は、港北ジムの大河内誠一会長と元王者の小早川進へのインタビューを伝えた。\n\n港北ジムの会長は、試合について「いい勝負になると思います」と話した。";
  const s = speakers(t);
  assert.equal(s.length, 1);
  assert.notEqual(s[0][1], "小早川進");
});

test("a thought, a survey's tally and a word in “…” are nobody's speech", () => {
  assert.deepEqual(speakers("畑を耕しながら、「次は何を植えようか」と先のことを考えるのも楽しい。"), []);
  assert.deepEqual(speakers("一瞬「いいな！」と思っても、話すうちに気持ちは消えるらしい。"), []);
  assert.deepEqual(speakers("調査によれば、「また会いたいと思いますか？」という問いに、「思う」と答えた人は21％だった。"), []);
  assert.deepEqual(speakers("喧嘩の後、“大人だから”と感情的にならずに話し合った。"), []);
  // …while a “…” followed by a speech verb, and a quote someone said, stay speech.
  assert.equal(speakers("監督は“今日は三本打つ”と冗談交じりに話していた。").length, 1);
  assert.equal(speakers("田中監督は「次も勝ちたいと思う」と語った。").length, 1);
});

test("a name that only says what a topic is (ネタは、ずばり…だ) does not take the next quote from the one speaking", () => {
  const t = "番組では野村克彦氏のコーナーが放送された。「材料には事欠かないですね」と話し始めた野村氏。\n\n今週のネタは、ずばり山田太郎だ。「山田太郎。ちょっと騒ぎ過ぎですよ」\n\n震災をきっかけに参加したというのは、理香さん（30歳）。「本を送りました」";
  const s = speakers(t);
  assert.deepEqual(s.find((q) => (q[0] ?? "").startsWith("山田太郎。")), ["山田太郎。ちょっと騒ぎ過ぎですよ", "野村克彦"]);
  assert.deepEqual(s.find((q) => q[0] === "本を送りました"), ["本を送りました", "理香"]);
});

test("a quote in a bulleted list of headlines is the linked article's title, not speech; a bulleted sentence still reports speech", () => {
  assert.deepEqual(speakers("本文はここまで。\n・インタビュー：山田花子「実はとてもシャイで、電話は苦手なの」\n・【特集】夏の映画まとめ\n"), []);
  assert.deepEqual(speakers("・山田太郎市長は「図書館を無料にする」と述べた。\n"), [["図書館を無料にする", "山田太郎"]]);
});
