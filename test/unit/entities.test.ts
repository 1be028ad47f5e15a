import { test, before } from "node:test";
import assert from "node:assert/strict";
import { analyzeText } from "../../server/src/core/text/analyze";
import { AliasTable, aliasKey, canonicalName } from "../../server/src/core/text/entities";
import { loadTokenizer, type Tokenizer } from "../../server/src/core/text/tokenizer";

let tokenizer: Tokenizer;
before(async () => { tokenizer = await loadTokenizer(); });

const entities = (text: string, aliases?: AliasTable) =>
  analyzeText(text, [{ start: 0, end: text.length }], { published: null, tokenizer, aliases }).entities.map((e) => `${e.type}:${e.canonical}`);

test("titles, qualifiers and honorifics are stripped from names", () => {
  assert.equal(canonicalName("プーチン大統領"), "プーチン");
  assert.equal(canonicalName("トランプ前米大統領"), "トランプ");
  assert.equal(canonicalName("ウィトコフ中東担当特使"), "ウィトコフ");
  assert.equal(canonicalName("ダルチエフ駐米大使"), "ダルチエフ");
  assert.equal(canonicalName("コルター国務副次官補"), "コルター");
});

test("katakana spelling variants share one key", () => {
  assert.equal(aliasKey("ウィトコフ"), aliasKey("ウィットコフ氏"));
  assert.equal(aliasKey("プーチン大統領"), aliasKey("プーチン氏"));
  assert.notEqual(aliasKey("プーチン"), aliasKey("ペスコフ"));
});

test("katakana names followed by a title are people, even when the dictionary lacks them", () => {
  const e = entities("ロシア側はダルチエフ駐米大使、米国側はコルター国務副次官補が代表を務めた。");
  assert.ok(e.includes("person:ダルチエフ"));
  assert.ok(e.includes("person:コルター"));
  assert.ok(e.includes("place:ロシア") || e.includes("place:米国"));
});

test("a country followed by 大統領府 is an organisation, not a person", () => {
  const e = entities("ロシア大統領府のペスコフ報道官は述べた。");
  assert.ok(e.includes("organization:ロシア大統領府"));
  assert.ok(e.includes("person:ペスコフ"));
  assert.ok(!e.includes("person:ロシア"));
});

test("the cluster's display name is its most frequent spelling, and a full name joins its family name", () => {
  const aliases = new AliasTable();
  entities("ウィットコフ氏が来た。ウィットコフ特使は述べた。ウィトコフ氏も。スティーブ・ウィトコフ氏が語った。", aliases);
  assert.equal(aliases.canonical("ウィトコフ"), "ウィットコフ");
  assert.ok(aliases.same("スティーブ・ウィトコフ", "ウィトコフ"));
});

test("a user alias file names clusters and joins spellings the rules cannot", () => {
  const aliases = AliasTable.fromYaml("ゼレンスキー:\n  - ゼレンシキー\n  - Zelensky\n");
  assert.equal(aliases.canonical("ゼレンシキー大統領"), "ゼレンスキー");
  assert.ok(aliases.same("Zelensky", "ゼレンスキー氏"));
});

test("bare mentions of a known person count (トランプ政権)", () => {
  const e = entities("トランプ大統領は述べた。第2次トランプ政権が発足した。");
  assert.equal(e.filter((x) => x === "person:トランプ").length, 2);
});

test("places come from the dictionary and a gazetteer, with aliases", () => {
  const e = entities("トルコのアンカラで開いた。アメリカとサウジが参加した。");
  assert.ok(e.includes("place:アンカラ"));
  assert.ok(e.includes("place:米国"));
  assert.ok(e.includes("place:サウジアラビア"));
});
