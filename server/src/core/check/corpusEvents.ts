/**
 * The corpus's events by kind (predicate) and month, per index, built once (a `WeakMap` keyed by the
 * immutable `CorpusIndex`): a rule asking "who else reports this kind of happening that month" reads
 * one short list instead of every source's events on every check.
 */
import type { CorpusIndex } from "../index/corpusIndex";
import type { EventUnit, IndexedSource } from "../model";

export interface CorpusEvent {
  source: IndexedSource;
  event: EventUnit;
}

const tables = new WeakMap<CorpusIndex, Map<string, CorpusEvent[]>>();

const kindKey = (predicate: string, month: number) => `${month}\u0000${predicate}`;

/** Events of the corpus with this predicate in this month, in corpus order (sources, then their events). */
export function eventsOfKind(index: CorpusIndex, predicate: string, month: number): readonly CorpusEvent[] {
  let table = tables.get(index);
  if (!table) {
    table = new Map();
    for (const source of index.sources) {
      for (const event of source.events) {
        if (event.date.month === null) continue;
        const k = kindKey(event.predicate, event.date.month);
        let list = table.get(k);
        if (!list) table.set(k, (list = []));
        list.push({ source, event });
      }
    }
    tables.set(index, table);
  }
  return table.get(kindKey(predicate, month)) ?? [];
}
