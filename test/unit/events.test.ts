import { test, before } from "node:test";
import assert from "node:assert/strict";
import { analyzeText } from "../../server/src/core/text/analyze";
import { formatPartialDate } from "../../server/src/core/text/dates";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

let tokenizer: Tokenizer;
before(async () => { tokenizer = await loadTokenizer(); });

const events = (text: string, published = { year: 2025, month: 4, day: 12 }) =>
  analyzeText(text, [{ start: 0, end: text.length }], { published, tokenizer }).events.map((e) => ({
    date: formatPartialDate(e.date), predicate: e.predicate, participants: e.participants, place: e.place,
  }));

test("a dated meeting gives date, predicate, participants and place", () => {
  assert.deepEqual(events("ロシアのプーチン大統領は11日、米国のウィットコフ中東担当特使とロシア北西部サンクトペテルブルクで会談した。"), [
    { date: "2025-04-11", predicate: "会談", participants: ["プーチン", "ウィットコフ"], place: "サンクトペテルブルク" },
  ]);
});

test("two dates joined by と give two events with the topic's predicate", () => {
  const e = events("両首脳の電話会談は今年に入り2月12日と3月18日の2回が公表されている。", { year: 2025, month: 3, day: 24 });
  assert.deepEqual(e.map((x) => [x.date, x.predicate]), [["2025-02-12", "電話会談"], ["2025-03-18", "電話会談"]]);
});

test("the main predicate of the sentence is chosen over earlier ones", () => {
  const e = events("トランプ米大統領は3月30日、ロシアが停戦に合意しなければ1カ月以内にロシアに制裁関税をかけると警告した。");
  assert.deepEqual(e.map((x) => [x.date, x.predicate]), [["2025-03-30", "警告"]]);
});

test("同日 resolves to the previous date and takes the attached predicate", () => {
  const e = events("プーチン大統領は11日、特使と会談した。レビット報道官は同日の記者会見で述べた。");
  assert.deepEqual(e.map((x) => [x.date, x.predicate]), [["2025-04-11", "会談"], ["2025-04-11", "記者会見"]]);
});

test("photo captions, magazine issues and publication stamps are not events", () => {
  assert.deepEqual(events("モスクワで2月13日撮影(2025年 ロイター/Maxim Shemetov)"), []);
  assert.deepEqual(events("2025年4月29日号(4月22日発売)は特集。"), []);
  assert.deepEqual(events("公開日:2025/04/12"), []);
});

test("dates in a quoted block resolve against that block's 公開日", () => {
  const t = "見出し\n\n公開日:2025/04/22\n\n✅ プーチン大統領は21日、提案について発言した。\n\nさらに読む ⇒出典/画像元: https://example.com/\n\n5月15日に会談を提案した。";
  const e = analyzeText(t, [{ start: 0, end: t.length }], { published: null, tokenizer }).events.map((x) => formatPartialDate(x.date));
  assert.deepEqual(e, ["2025-04-21", "--05-15"]);
});
