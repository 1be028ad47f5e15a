/**
 * The checker over the sample corpus: each diagnostic code fires where a fact-checker would flag the
 * sentence, and stays quiet on faithful quotes, partial quotes, paraphrases and name variants.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { checkDraft } from "../../server/src/core/check/checkDraft";
import type { Finding } from "../../server/src/core/check/finding";
import { resolveSettings } from "../../server/src/core/settings";
import { SAMPLE_PHRASES, sampleCorpus, type SampleCorpus } from "../helpers/sampleCorpus";

let corpus: SampleCorpus;
let K: Record<keyof typeof SAMPLE_PHRASES, string>;

before(async () => {
  corpus = await sampleCorpus();
  K = Object.fromEntries(Object.entries(SAMPLE_PHRASES).map(([n, p]) => [n, corpus.keyOf(p)])) as typeof K;
});

function check(draft: string, settings?: unknown): Finding[] {
  return checkDraft(draft, { index: corpus.index, tokenizer: corpus.tokenizer, aliases: corpus.built.aliases, settings: settings ? resolveSettings(settings) : undefined });
}

/** Codes found on the draft, with the text each finding covers. */
function codes(draft: string): string[] {
  return check(draft)
    .filter((f) => f.code !== "secondary-source" && f.code !== "sources-disagree")
    .map((f) => `${f.code}:${draft.slice(f.span.start, f.span.end)}`);
}

/** The draft with a quick fix applied, as the editor would. */
function applyFix(draft: string, fix: { span: { start: number; end: number }; text: string }): string {
  return draft.slice(0, fix.span.start) + fix.text + draft.slice(fix.span.end);
}

describe("quotes", () => {
  it("an exact quote with its citation is fine", () => {
    assert.deepEqual(codes(`ペスコフ報道官は「われわれは把握している対話について公表しているが、それ以外を排除することはできない」と述べた[@${K.reuters}]。`), []);
  });

  it("a clause of a longer source quote is fine", () => {
    assert.deepEqual(codes(`レビット氏は「交渉プロセスの新たな一歩になる」と語った[@${K.nikkei}]。`), []);
  });

  it("a quote wrapped across lines and in other quote marks is matched whole", () => {
    assert.deepEqual(codes(`レビット氏は『ウィットコフ氏がプーチン氏と直接意思疎通を\n取っているのは事実だ』と語った[@${K.nikkei}]。`), []);
  });

  it("one changed kanji is a misquote, and the fix offers the source's words", () => {
    const draft = `トランプ氏は自身のSNSに「ロシアは行動しなければならなぬ」と迫った[@${K.nikkei}]。`;
    const f = check(draft).find((x) => x.code === "quote-mismatch");
    assert.ok(f, "quote-mismatch expected");
    assert.equal(f.fixes[0].text, "ロシアは行動しなければならない");
    assert.match(f.message, /ロシアは行動しなければならない/);
  });

  it("a real quote cited to the wrong article names the article that has it", () => {
    const draft = `レビット氏は「トランプ氏は必ず解決すると決意している」と強調した[@${K.reuters}]。`;
    const f = check(draft).find((x) => x.code === "quote-wrong-source");
    assert.ok(f);
    assert.match(f.message, new RegExp(K.nikkei));
    // The fix replaces the cited `@key` with the right one.
    assert.equal(applyFix(draft, f.fixes[0]), `レビット氏は「トランプ氏は必ず解決すると決意している」と強調した[@${K.nikkei}]。`);
  });

  it("an invented speech quote is reported as not found", () => {
    assert.deepEqual(codes(`ペスコフ氏は「停戦は来週にも発効する見通しだ」と述べた[@${K.reuters}]。`), ["quote-not-found:停戦は来週にも発効する見通しだ"]);
  });

  it("a short scare quote is never reported as not found", () => {
    assert.deepEqual(codes(`プーチン大統領は西側の「干渉」を批判した[@${K.curation}]。`), []);
  });

  it("a quote given to the wrong person is a speaker mismatch", () => {
    assert.deepEqual(codes(`ゼレンスキー大統領は、提案について「検討が必要」と発言した[@${K.call}]。`), ["speaker-mismatch:検討が必要"]);
  });

  it("the right speaker under another spelling is fine", () => {
    assert.deepEqual(codes(`プーチン氏は提案について「検討が必要」と発言した[@${K.call}]。`), []);
  });

  it("a corpus quote without a citation gets an uncited-quote note with a fix adding it", () => {
    const draft = "トランプ氏はSNSで「ロシアは行動しなければならない」と迫った。";
    const f = check(draft).find((x) => x.code === "uncited-quote");
    assert.ok(f);
    assert.equal(f.severity, "information");
    assert.equal(f.fixes[0].text, `[@${K.nikkei}]`);
    assert.equal(draft.slice(0, f.fixes[0].span.start) + f.fixes[0].text + draft.slice(f.fixes[0].span.end), `トランプ氏はSNSで「ロシアは行動しなければならない」と迫った[@${K.nikkei}]。`);
  });
});

describe("claims", () => {
  it("a changed date in a closely paraphrased claim is a date mismatch", () => {
    const found = codes(`ロシアと米国の外交当局者は12日、外交関係の正常化に向けた協議をトルコのイスタンブールで開いた[@${K.nikkei}]。`);
    assert.deepEqual(found, ["date-mismatch:12日"]);
  });

  it("a changed number for the same counter is a number mismatch", () => {
    const found = codes(`ウィットコフ氏とプーチン氏の対面会談は4回目となる[@${K.nikkei}]。`);
    assert.deepEqual(found.map((x) => x.split(":")[0]), ["number-mismatch"]);
  });

  it("a swapped place is an entity mismatch", () => {
    const found = codes(`ロシアのプーチン大統領は11日、米国のウィットコフ中東担当特使とモスクワで会談した[@${K.nikkei}]。`);
    assert.deepEqual(found, ["entity-mismatch:モスクワ"]);
  });

  it("a faithful paraphrase with the right facts is fine", () => {
    assert.deepEqual(codes(`プーチン氏は11日、サンクトペテルブルクでウィトコフ特使と会った[@${K.nikkei}]。`), []);
  });

  it("a sentence about something the source does not cover is not an error", () => {
    assert.deepEqual(codes(`東京では12日、桜が満開になった[@${K.nikkei}]。`), []);
  });
});

describe("citations and settings", () => {
  it("an unknown key is an error that suggests the nearest key", () => {
    const draft = `この点は別の報道でも確認されている[@${K.nikkei}x]。`;
    const f = check(draft).find((x) => x.code === "unknown-source");
    assert.ok(f);
    assert.equal(f.severity, "error");
    assert.equal(applyFix(draft, f.fixes[0]), `この点は別の報道でも確認されている[@${K.nikkei}]。`);
  });

  it("a code turned off in the settings is not reported, and severities can be changed", () => {
    const draft = `この点は別の報道でも確認されている[@nope-2020]。`;
    assert.equal(check(draft, { diagnostics: { "unknown-source": "off" } }).length, 0);
    assert.equal(check(draft, { diagnostics: { "unknown-source": "hint" } })[0].severity, "hint");
  });

  it("nothing inside code, comments or front matter is checked", () => {
    const draft = ["---", "title: 「架空の引用」", "---", "", "```", "ペスコフ氏は「架空の引用だ」と述べた[@nope]。", "```", "", "<!-- 「架空の引用だ」と述べた[@nope] -->", "", "`[@nope]`", ""].join("\n");
    assert.deepEqual(codes(draft), []);
  });

  it("an unbalanced quote mark or a citation without a key does not break the check", () => {
    assert.doesNotThrow(() => check(`ペスコフ氏は「ウクライナについて同じことは言えない と述べた[@]。\n\n次の段落[@${K.nikkei}]。`));
  });
});
