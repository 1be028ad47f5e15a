// The timeline in the core: events by date (dated years first) and the corpus's disagreement on the
// day of the Trump–Putin call (3月14日 in one source, 3月18日 in another).
import { strict as assert } from "node:assert";
import { before, describe, it } from "node:test";
import { timeline } from "../../server/src/core/features/timeline";
import { sampleCorpus, type SampleCorpus } from "./featureFixture";

let corpus: SampleCorpus;
before(async () => {
  corpus = await sampleCorpus();
});

describe("timeline (core)", () => {
  it("groups events by date, years known first, in order", () => {
    const t = timeline(corpus.catalog);
    const dates = t.days.map((d) => d.date);
    const firstYearless = dates.findIndex((d) => d.startsWith("-"));
    const dated = firstYearless < 0 ? dates : dates.slice(0, firstYearless);
    assert.deepEqual(dated, [...dated].sort());
    assert.ok(dates.slice(dated.length).every((d) => d.startsWith("-")));
    assert.ok(t.days.find((d) => d.date === "2025-03-18")?.events.some((e) => e.predicate === "電話会談" && e.source.meta.key === "newsweekjapan-2025-03-24"));
  });

  it("reports the call dated differently by two sources, once", () => {
    const calls = timeline(corpus.catalog).conflicts.filter((c) => c.predicate === "電話会談");
    assert.equal(calls.length, 1, JSON.stringify(calls.map((c) => [c.a.date, c.b.date])));
    assert.deepEqual([calls[0].a.date, calls[0].b.date].sort(), ["2025-03-14", "2025-03-18"]);
  });
});
