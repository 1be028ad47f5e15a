/**
 * The corpus's timeline: every dated event grouped by date, with the source and sentence that report
 * it, and the conflicts — two sources reporting the same happening (`sameHappening`: same predicate
 * and month, nothing telling them apart) on different days, where neither reports the other's day.
 */
import type { IndexedSource, Span } from "../model";
import { sameHappening as sameEvent } from "../text/events";
import type { CatalogEvent, CorpusCatalog } from "./corpusCatalog";

export interface TimelineEventData {
  date: string;
  predicate: string;
  participants: string[];
  place: string | null;
  source: IndexedSource;
  sentence: string;
  span: Span;
}

export interface TimelineConflictData {
  predicate: string;
  participants: string[];
  a: { date: string; source: IndexedSource; sentence: string };
  b: { date: string; source: IndexedSource; sentence: string };
}

export interface TimelineData {
  days: { date: string; events: TimelineEventData[] }[];
  conflicts: TimelineConflictData[];
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

/** Same happening without reading the sentences (cheap; same source). */
function sameHappening(a: CatalogEvent, b: CatalogEvent): boolean {
  return sameEvent(a.event, b.event);
}

/** Same happening across sources: their sentences must share a subject when participants cannot tell. */
function sameHappeningAcross(a: CatalogEvent, b: CatalogEvent): boolean {
  return sameEvent(a.event, b.event) && sameEvent(a.event, b.event, sentenceOf(a), sentenceOf(b));
}

const sentenceOf = (e: CatalogEvent): string => e.source.sentences[e.event.sentence]?.text ?? "";

/** Sorts partial dates: known years first by value; `--MM-DD` after them, ordered by month-day. */
function dateOrder(a: string, b: string): number {
  const ya = a.startsWith("-") ? 1 : 0;
  const yb = b.startsWith("-") ? 1 : 0;
  return ya - yb || a.localeCompare(b);
}

export function timeline(catalog: CorpusCatalog): TimelineData {
  const byDate = new Map<string, TimelineEventData[]>();
  for (const e of catalog.events) {
    if (!e.date) continue;
    const s = e.source.sentences[e.event.sentence];
    const item: TimelineEventData = {
      date: e.date,
      predicate: e.event.predicate,
      participants: e.event.participants,
      place: e.event.place,
      source: e.source,
      sentence: s ? oneLine(s.text) : "",
      span: { start: e.event.start, end: e.event.end },
    };
    let list = byDate.get(e.date);
    if (!list) byDate.set(e.date, (list = []));
    list.push(item);
  }
  const days = [...byDate.entries()].sort(([a], [b]) => dateOrder(a, b)).map(([date, events]) => ({ date, events }));

  const conflicts: TimelineConflictData[] = [];
  const seen = new Set<string>();
  // Only events of the same kind in the same month can be the same happening: pair within those
  // groups (years are compared by `sameEvent`; an event without its year may meet any year's).
  const groups = new Map<string, CatalogEvent[]>();
  for (const e of catalog.events) {
    if (e.event.date.day === null) continue;
    const id = `${e.event.predicate}|${e.event.date.month}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = []));
    g.push(e);
  }
  for (const dayed of groups.values())
    for (const a of dayed)
      for (const b of dayed) {
        if (a.source === b.source || a.event.date.day === b.event.date.day || !sameHappeningAcross(a, b)) continue;
        // Neither source may report the other's day for the same happening.
        const aDays = new Set(dayed.filter((e) => e.source === a.source && sameHappening(e, a)).map((e) => e.event.date.day));
        const bDays = new Set(dayed.filter((e) => e.source === b.source && sameHappening(e, b)).map((e) => e.event.date.day));
        if (aDays.has(b.event.date.day) || bDays.has(a.event.date.day)) continue;
        const [x, y] = a.source.meta.key < b.source.meta.key ? [a, b] : [b, a];
        const id = `${x.source.meta.key}|${x.date}|${y.source.meta.key}|${y.date}|${x.event.predicate}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const side = (e: CatalogEvent) => ({ date: e.date, source: e.source, sentence: oneLine(e.source.sentences[e.event.sentence]?.text ?? "") });
        conflicts.push({ predicate: x.event.predicate, participants: [...new Set([...x.event.participants, ...y.event.participants])], a: side(x), b: side(y) });
      }
  return { days, conflicts };
}
