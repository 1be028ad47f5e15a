import { test, before } from "node:test";
import assert from "node:assert/strict";
import { analyzeText } from "../../server/src/core/text/analyze";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

let tokenizer: Tokenizer;
before(async () => { tokenizer = await loadTokenizer(); });

const quotes = (text: string) =>
  analyzeText(text, [{ start: 0, end: text.length }], { published: null, tokenizer }).quotes.map((q) => [q.text, q.kind, q.speaker]);

test("the speaker is the topic of the sentence, not the first name in it", () => {
  assert.deepEqual(quotes("プーチン大統領は、ゼレンスキー大統領からの提案を「検討が必要」と発言しました。"), [["検討が必要", "speech", "プーチン"]]);
  assert.deepEqual(quotes("ゼレンスキー大統領は、イスタンブールでのプーチン大統領との直接会談を希望し、そのために「あらゆる手だてを尽くす」と表明しました"), [["あらゆる手だてを尽くす", "speech", "ゼレンスキー"]]);
  assert.deepEqual(quotes("プーチン大統領は、ゼレンスキー大統領が提案した攻撃停止について「検討が必要」と発言した。"), [["検討が必要", "speech", "プーチン"]]);
});

test("a headline name right before the quote is its speaker", () => {
  assert.deepEqual(quotes("ウクライナ提案の民間施設攻撃停止プーチン大統領「検討が必要」"), [["検討が必要", "speech", "プーチン"]]);
});

test("an unnamed role before a headline quote gives speech with no speaker", () => {
  assert.deepEqual(quotes("プーチン氏、米特使と会談 米高官「交渉停滞いら立ち」"), [["交渉停滞いら立ち", "speech", null]]);
});

test("a sentence with no speaker takes the previous sentence's, across one paragraph break", () => {
  const t = "ペスコフ氏は、攻撃を続ければ再び協議する可能性があると述べた。\n\n「ウクライナについて同じことは言えない」と述べた。";
  assert.deepEqual(quotes(t), [["ウクライナについて同じことは言えない", "speech", "ペスコフ"]]);
});

test("a cut-off quote followed by と and a name is that person's speech", () => {
  assert.deepEqual(quotes("原発はアメリカ所有にしよう」とトランプ氏 電話協議"), [["原発はアメリカ所有にしよう", "speech", "トランプ"]]);
});

test("scare quotes and names are terms", () => {
  const q = quotes("プーチン大統領は西側の「挑発」を非難し、ミサイル「パトリオット」の供与を検討した。");
  assert.deepEqual(q, [["挑発", "term", null], ["パトリオット", "term", null]]);
});

test("names inside a quote never become its speaker", () => {
  const t = "レビット大統領報道官は記者会見で「トランプ大統領は両当事者にいつもいら立っている」と述べた。";
  assert.deepEqual(quotes(t), [["トランプ大統領は両当事者にいつもいら立っている", "speech", "レビット"]]);
});

test("a group topic (両首脳は) gives no personal speaker", () => {
  assert.deepEqual(quotes("両首脳は会談を「前向きな一歩」と評価し、トランプ氏は供与を検討する考えを示した。"), [["前向きな一歩", "speech", null]]);
});

test("quote spans cover the inner text exactly", () => {
  const t = "彼は『内側の「入れ子」』と語った。";
  const a = analyzeText(t, [{ start: 0, end: t.length }], { published: null, tokenizer });
  assert.equal(a.quotes.length, 1);
  assert.equal(t.slice(a.quotes[0].start, a.quotes[0].end), "内側の「入れ子」");
  assert.equal(a.quotes[0].mark, "『");
});
