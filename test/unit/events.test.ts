import { test, before } from "node:test";
import assert from "node:assert/strict";
import { analyzeText } from "../../server/src/core/text/analyze";
import { formatPartialDate } from "../../server/src/core/text/dates";
import { sameHappening } from "../../server/src/core/text/events";
import type { EventUnit } from "../../server/src/core/model";
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

const news = (text: string, published = { year: 2012, month: 8, day: 24 }) => events(text, published).map((e) => [e.date, e.predicate]);

test("broadcasts: the day a programme aired, whatever the main verb", () => {
  assert.deepEqual(news("2日深夜放送、テレビ朝日「サッカー番組」では、今月11日に、W杯予選で日本が対戦するイラク代表の監督に行ったインタビューを伝えた。", { year: 2012, month: 9, day: 4 }), [
    ["2012-09-02", "放送"],
    ["2012-09-11", "試合"],
  ]);
  assert.deepEqual(news("19日、テレビ朝日「報道番組」では、「新しい挑戦」と題し、同局アナウンサーが選手のもとを訪ねた。", { year: 2012, month: 1, day: 22 }), [["2012-01-19", "放送"]]);
  assert.deepEqual(news("銀メダルの選手が、日本テレビ「情報番組」（23日放送分）に生出演を果たした。"), [["2012-08-23", "放送"]]);
  assert.deepEqual(news("選手へのインタビューは4月20日、NHK「スポーツ番組」で放送された。"), [["2012-04-20", "放送"]]);
});

test("releases, matches, ceremonies and milestones in ordinary prose", () => {
  assert.deepEqual(news("映画『港の灯』は、6月16日（土）より全国ロードショー。", { year: 2012, month: 4, day: 20 }), [["2012-06-16", "公開"]]);
  assert.deepEqual(news("脚本は『遠い町』（山田太郎監督、2月18日公開）の劇作家が手掛けた。", { year: 2012, month: 2, day: 9 }), [["2012-02-18", "公開"]]);
  assert.deepEqual(news("発売日：2012年5月25日", { year: 2012, month: 5, day: 1 }), [["2012-05-25", "発売"]]);
  const match = news("25日、全豪オープン・男子シングルス準々決勝で第4シードの選手と対戦した錦野は、ストレートで敗れた。", { year: 2012, month: 1, day: 26 });
  assert.equal(match.length, 1);
  assert.equal(match[0][0], "2012-01-25");
  assert.ok(["試合", "敗戦"].includes(match[0][1]), match[0][1]);
  assert.deepEqual(news("2月26日（日本時間2月27日）のアカデミー賞授賞式を前に、監督が来日を果たした。", { year: 2012, month: 2, day: 16 })[0], ["2012-02-26", "授賞式"]);
  assert.deepEqual(news("女優の花田が、1月5日の出産後初めて公の場に姿を現した。", { year: 2012, month: 2, day: 16 }), [["2012-01-05", "出産"]]);
  assert.deepEqual(news("6月16日の全国公開に先駆けて、19日には本作の完成報告会見が開かれた。", { year: 2012, month: 3, day: 19 }), [
    ["2012-06-16", "公開"],
    ["2012-03-19", "記者会見"],
  ]);
});

test("a named happening is the event, and what joins it takes part", () => {
  const e = events("8月16日に「市民楽団」も参加して福島県三春町の「港まつり」が開催された。", { year: 2012, month: 8, day: 22 });
  assert.equal(e.length, 1);
  assert.equal(e[0].date, "2012-08-16");
  assert.equal(e[0].predicate, "開催");
  assert.ok(e[0].participants.includes("港まつり") && e[0].participants.includes("市民楽団"), JSON.stringify(e[0].participants));
});

test("a month or a year alone gives no day-dated event", () => {
  for (const x of events("6月の日本代表3連戦を振り返り、選手は満足はできないと語った。", { year: 2012, month: 6, day: 26 })) assert.equal(x.date.length, 7, x.date);
  assert.deepEqual(events("昨年の大会では3位だった。", { year: 2012, month: 6, day: 26 }).map((x) => x.date), ["2011"]);
});

test("two reports are one happening only when something ties them together", () => {
  const ev = (over: Partial<EventUnit>): EventUnit => ({ start: 0, end: 1, date: { year: 2012, month: 8, day: 5 }, dateSpan: { start: 0, end: 1 }, predicate: "放送", participants: [], place: null, sentence: 0, ...over });
  const later = { year: 2012, month: 8, day: 11 };
  assert.equal(sameHappening(ev({}), ev({ date: later }), "5日、競泳の特別番組が放送された。", "11日、町の祭りの模様が中継された。"), false);
  assert.equal(sameHappening(ev({ predicate: "電話会談" }), ev({ predicate: "電話会談", date: later }), "米ロ首脳の電話会談の詳細", "両首脳の電話会談は2回が公表"), true);
  assert.equal(sameHappening(ev({ participants: ["長友佑都"] }), ev({ participants: ["長友佑都"], date: later })), true);
  assert.equal(sameHappening(ev({ participants: ["長友佑都"] }), ev({ participants: ["本田圭佑"], date: later })), false);
  assert.equal(sameHappening(ev({ predicate: "開催", name: "港まつり" }), ev({ predicate: "開催", name: "例大祭", date: later })), false);
  assert.equal(sameHappening(ev({ place: "呼子町", participants: ["町会議"] }), ev({ place: "長万部町", participants: ["町会議"], date: later })), false);
});
