// Hover in the core: a key, a quote (sentence with the quote in bold, speaker), a date (events and
// their sources, the corpus's disagreement), a cited claim (aligned passage); `|` marks the cursor.
import { strict as assert } from "node:assert";
import { before, describe, it } from "node:test";
import { parseDraft } from "../../server/src/core/draft/parseDraft";
import { hoverAt } from "../../server/src/core/features/hover";
import { cursor, sampleCorpus, type SampleCorpus } from "./featureFixture";

let corpus: SampleCorpus;
before(async () => {
  corpus = await sampleCorpus();
});

function check(input: string, expected: { covers?: string; has: RegExp[] } | null) {
  const { text, offset } = cursor(input);
  const r = hoverAt(parseDraft(text), offset, { index: corpus.index, catalog: corpus.catalog, locale: "en" });
  if (expected === null) return assert.equal(r, null, r?.markdown);
  assert.ok(r, `no hover for ${input}`);
  if (expected.covers) assert.equal(text.slice(r.span.start, r.span.end), expected.covers);
  for (const re of expected.has) assert.match(r.markdown, re);
}

describe("hover (core)", () => {
  const cases: [string, Parameters<typeof check>[1]][] = [
    ["本文[@nik|kei-2025-04-12]。", { covers: "@nikkei-2025-04-12", has: [/日本経済新聞/, /プーチン氏、米特使と会談/] }],
    ["プーチン氏は「検討|が必要」と述べた[@findgo-trump-putin-call]。", { covers: "検討が必要", has: [/「\*\*検討が必要\*\*」/, /Speaker: プーチン/] }],
    ["プーチン氏は「検討|が必要」と述べた[@nikkei-2025-04-12]。", { has: [/Not in the cited source; found in\*\* `@findgo-trump-putin-call`/] }],
    ["発言「いつもいら|だっている」[@nikkei-2025-04-12]。", { has: [/similar/, /いら立っている/] }],
    ["両首脳は3月1|8日に電話会談した。", { covers: "3月18日", has: [/2025-03-18 \*\*電話会談\*\*/, /@newsweekjapan-2025-03-24/, /another day: 2025-03-14 `@findgo-trump-putin-call`/] }],
    ["両首脳の電話会談は今年に入り2月12日と3月18日の2回が公表されて|いる[@newsweekjapan-2025-03-24]。", { has: [/Aligned passage of @newsweekjapan-2025-03-24/] }],
    ["何も|引用しない。", null],
  ];
  for (const [input, expected] of cases) it(input, () => check(input, expected));
});
