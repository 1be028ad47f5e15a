// Completion in the core (no LSP): what is offered, and what accepting it inserts, for a draft with
// the cursor marked `|`. Quotes are found by kanji or kana (readings precomputed per index).
import { strict as assert } from "node:assert";
import { before, describe, it } from "node:test";
import { complete, escapeSnippet } from "../../server/src/core/features/completion";
import { foldForLookup, monthDayKey, searchQuotes, toHiragana } from "../../server/src/core/features/corpusCatalog";
import { cursor, sampleCorpus, type SampleCorpus } from "./featureFixture";

let corpus: SampleCorpus;
before(async () => {
  corpus = await sampleCorpus();
});

/** Completes at `|` and checks the first item of `kind` (label, and the text after accepting it). */
function check(input: string, expected: { kind: string; label: RegExp | string; result?: string } | null) {
  const { text, offset } = cursor(input);
  const r = complete(text, offset, corpus.index, corpus.catalog);
  if (expected === null) return assert.ok(!r || r.items.length === 0, JSON.stringify(r?.items.map((i) => i.label)));
  const item = r?.items.find((i) => i.kind === expected.kind && (typeof expected.label === "string" ? i.label === expected.label : expected.label.test(i.label)));
  assert.ok(item, `${input}: got ${JSON.stringify(r?.items.map((i) => `${i.kind}:${i.label}`))}`);
  if (expected.result !== undefined) {
    const inserted = item.snippet ? item.insertText.replace(/\$0$/, "").replace(/\\([\\$}])/g, "$1") : item.insertText;
    assert.equal(text.slice(0, item.span.start) + inserted + text.slice(item.span.end), expected.result);
  }
}

describe("completion (core)", () => {
  const cases: [string, Parameters<typeof check>[1]][] = [
    ["「けんとう|", { kind: "quote", label: "検討が必要", result: "「検討が必要」[@findgo-trump-putin-call]" }],
    ["「ケントウ|", { kind: "quote", label: "検討が必要" }],
    ["「検討が|」と述べた", { kind: "quote", label: "検討が必要", result: "「検討が必要」[@findgo-trump-putin-call]と述べた" }],
    ["『あらゆる|', ", { kind: "quote", label: "あらゆる手だてを尽くす", result: "『あらゆる手だてを尽くす』[@chrysanthemum-ukraine-talks]', " }],
    ["「いらだ|", { kind: "quote", label: /いら立っている/ }],
    ["本文@|", { kind: "source", label: "nikkei-2025-04-12", result: "本文[@nikkei-2025-04-12]" }],
    ["本文 @nik|", { kind: "source", label: "nikkei-2025-04-12", result: "本文 @nikkei-2025-04-12" }],
    ["[@nik|]", { kind: "source", label: "nikkei-2025-04-12", result: "[@nikkei-2025-04-12]" }],
    ["[@3月14日|", { kind: "event", label: /2025-03-14 電話会談/, result: "[@findgo-trump-putin-call" }],
    ["両首脳は3月18日|", { kind: "event", label: /電話会談/, result: "両首脳は3月18日の電話会談[@newsweekjapan-2025-03-24]" }],
    ["会談したペス|", { kind: "entity", label: "ペスコフ", result: "会談したペスコフ" }],
    ["「まったく無関係な文言|", null],
    ["# 見出し|", null],
  ];
  for (const [input, expected] of cases) it(input, () => check(input, expected));

  it("speech quotes rank before terms, and results are capped", () => {
    const hits = searchQuotes(corpus.catalog, "", 5);
    assert.equal(hits.length, 5);
    assert.ok(hits.every((h) => h.quote.unit.kind === "speech"));
  });

  it("the typed text is folded like the catalogue (width, katakana → hiragana)", () => {
    assert.equal(toHiragana("ケントウ"), "けんとう");
    assert.equal(foldForLookup("ＡＢＣ　ケン"), "abcけん");
    assert.equal(monthDayKey("3月18日"), "03-18");
    assert.equal(monthDayKey("３月"), "03-");
    assert.equal(monthDayKey("13月1日"), null);
    assert.equal(escapeSnippet("a$b}c\\"), "a\\$b\\}c\\\\");
  });

  it("the catalogue is built once per index (readings are not recomputed per request)", async () => {
    const { catalogFor } = await import("../../server/src/core/features/corpusCatalog");
    assert.equal(catalogFor(corpus.index, corpus.tokenizer), corpus.catalog);
  });
});

describe("completion before the corpus catalogue is built", () => {
  it("citation keys come from the index at once, marked incomplete so the editor asks again", () => {
    const { text, offset } = cursor("[@nik|]");
    const r = complete(text, offset, corpus.index, null);
    assert.ok(r?.items.some((i) => i.kind === "source" && i.label === "nikkei-2025-04-12"), JSON.stringify(r?.items.map((i) => i.label)));
    assert.equal(r?.incomplete, true);
  });
  it("the completions that need the catalogue (quotes, events, names) are not guessed without it", () => {
    const { text, offset } = cursor("「けんとう|");
    assert.equal(complete(text, offset, corpus.index, null), null);
  });
});
