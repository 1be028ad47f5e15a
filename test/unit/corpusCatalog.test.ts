import assert from "node:assert/strict";
import { test } from "node:test";
import { catalogFor, type CorpusCatalog } from "../../server/src/core/features/corpusCatalog";
import { CorpusIndex } from "../../server/src/core/index/corpusIndex";
import { sampleCorpus } from "./featureFixture";

/** A catalogue with source objects replaced by their keys. */
function project(c: CorpusCatalog) {
  return {
    quotes: c.quotes.map((q) => [q.id, q.source.meta.key, q.unit.start, q.unit.text, q.folded, q.reading, q.occurrences]),
    events: c.events.map((e) => [e.source.meta.key, e.date, e.event.start]),
    entities: c.entities,
    phrases: c.phrases.map((p) => [p.id, p.folded, p.reading, p.speech, p.quotes.map((q) => q.id).sort((a, b) => a - b)]),
    phrasesRanked: [...c.phrasesRanked],
    bigrams: [...c.phraseBigrams],
    chars: [...c.phraseChars],
    eventsByDate: c.eventsByDate.map((e) => [e.source.meta.key, e.date, e.event.start, e.rank]),
    byMonthDay: [...c.eventsByMonthDay].map(([k, v]) => [k, v.length]),
    byParticipant: c.participantNames.map((n) => [n, c.eventsByParticipant.get(n)!.length]),
  };
}

test("a catalogue reusing what each source added equals one built from fresh sources", async () => {
  const { index, tokenizer, catalog } = await sampleCorpus();
  assert.ok(catalog.quotes.length > 0);
  // The same source objects, in another order (their contributions are reused)…
  const reused = catalogFor(new CorpusIndex(index.sources.slice().reverse(), []), tokenizer);
  // …and copies of them (read again).
  const fresh = catalogFor(new CorpusIndex(index.sources.slice().reverse().map((s) => ({ ...s })), []), tokenizer);
  assert.deepEqual(project(reused), project(fresh));
  assert.deepEqual(project(catalogFor(new CorpusIndex(index.sources.slice(), []), tokenizer)), project(catalog));
});
