/**
 * `sources-disagree`: the corpus itself disagrees on a fact the draft uses. A draft date that agrees
 * with its cited passage is checked against the other sources' events of the same kind (predicate)
 * with shared participants in the same month: a different day there means the sources disagree.
 */
import { datesAgree, formatDate } from "../check/claimAlignment";
import { eventsOfKind, type CorpusEvent } from "../check/corpusEvents";
import { msg } from "../check/messages";
import type { IndexedSource } from "../model";
import { sameHappening } from "../text/events";
import { finding, plainToDraft, type Rule } from "./ruleContext";

export const sourcesDisagree: Rule = {
  code: "sources-disagree",
  run(ctx) {
    const m = msg(ctx.locale);
    const out = [];
    for (const claim of ctx.claims) {
      const passage = claim.passage;
      if (!passage) continue;
      for (const pair of claim.dates) {
        if (!pair.agrees) continue;
        const src = passage.source;
        const event = src.events.find(
          (e) => e.start >= passage.span.start && e.end <= passage.span.end && datesAgree(e.date, pair.draft.mention.date) && e.date.day !== null,
        );
        if (!event) continue;
        const eventText = sentenceText(src, event.sentence);
        const citedDays = new Set(src.events.filter((e) => sameHappening(event, e)).map((e) => e.date.day));
        // The first source, in corpus order, reporting the same happening on another day.
        const findRival = (): CorpusEvent | null => {
          for (const e of event.date.month === null ? [] : eventsOfKind(ctx.index, event.predicate, event.date.month)) {
            if (claim.cited.includes(e.source.meta.key)) continue;
            const rival = e.event;
            if (rival.date.day === null || citedDays.has(rival.date.day) || !sameHappening(event, rival) || !sameHappening(event, rival, eventText, sentenceText(e.source, rival.sentence))) continue;
            return e;
          }
          return null;
        };
        const found = ctx.memo ? ctx.memo.get(`rival\u0000${src.meta.key}\u0000${event.start}\u0000${event.date.day}\u0000${claim.cited.join("\u0000")}`, findRival) : findRival();
        if (found) {
          const { source: other, event: rival } = found;
          const span = plainToDraft(ctx, pair.sentence, pair.draft.start, pair.draft.end);
          out.push(
            finding(
              "sources-disagree",
              span,
              m.sourcesDisagree(event.predicate, `${formatDate(event.date)} (@${src.meta.key})`, formatDate(rival.date), other.meta.key),
              [
                { key: src.meta.key, path: src.meta.path, span: { start: event.start, end: event.end }, text: src.text.slice(event.start, event.end), message: m.evidence(src.meta.key) },
                { key: other.meta.key, path: other.meta.path, span: { start: rival.start, end: rival.end }, text: other.text.slice(rival.start, rival.end), message: m.evidence(other.meta.key) },
              ],
            ),
          );
        }
      }
    }
    return out;
  },
};

function sentenceText(source: IndexedSource, sentence: number): string {
  return source.sentences[sentence]?.text ?? "";
}
