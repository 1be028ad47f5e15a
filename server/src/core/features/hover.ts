/**
 * Hover, by what is under the cursor, first match wins:
 *   a citation key → the source card;
 *   a quote        → the source sentence in context with the quote in bold, and its speaker;
 *   a date         → the corpus's events of that date and the sources that report them;
 *   a cited claim  → the passage of the cited source the sentence aligns with.
 */
import { pushAll } from "../arrays";
import { alignSentence, datesAgree } from "../check/claimAlignment";
import type { Locale } from "../check/messages";
import type { DraftSentence, ParsedDraft } from "../draft/draftModel";
import type { CorpusIndex, SourceMatch } from "../index/corpusIndex";
import type { IndexedSource, PartialDate, Span } from "../model";
import { extractDates } from "../text/dates";
import { normalizeForMatch } from "../text/normalize";
import { citationItemAt, quoteAt } from "./citationAtCursor";
import type { CorpusCatalog } from "./corpusCatalog";
import { displayDate, featureText } from "./featureText";
import { escapeMd, sourceCardMarkdown } from "./sourceCard";

export interface HoverResult {
  markdown: string;
  span: Span;
}

export interface HoverContext {
  index: CorpusIndex;
  /**
   * Needed for date hovers (events by date); without it dates are not hovered. A function is called
   * only when a date is hovered (the catalogue of a new index may still be building).
   */
  catalog?: CorpusCatalog | (() => CorpusCatalog);
  locale?: Locale;
}

export function hoverKey(draft: ParsedDraft, offset: number, index: CorpusIndex, locale: Locale = "en"): HoverResult | null {
  const hit = citationItemAt(draft, offset);
  if (!hit) return null;
  const source = index.get(hit.item.key);
  if (!source) return null;
  return { markdown: sourceCardMarkdown(source, locale), span: hit.item.span };
}

/** Everything a hover can show at `offset`, or null. */
export function hoverAt(draft: ParsedDraft, offset: number, ctx: HoverContext): HoverResult | null {
  const locale = ctx.locale ?? "en";
  if (citationItemAt(draft, offset)) return hoverKey(draft, offset, ctx.index, locale);
  const catalog = () => (typeof ctx.catalog === "function" ? ctx.catalog() : ctx.catalog);
  return hoverQuote(draft, offset, ctx.index, locale) ?? (ctx.catalog ? hoverDateLazy(draft, offset, catalog, locale) : null) ?? hoverClaim(draft, offset, ctx.index, locale);
}

/** `hoverDate`, asking for the catalogue only when a date is under the cursor. */
function hoverDateLazy(draft: ParsedDraft, offset: number, catalog: () => CorpusCatalog | undefined, locale: Locale): HoverResult | null {
  if (!dateAt(draft, offset)) return null;
  const c = catalog();
  return c ? hoverDate(draft, offset, c, locale) : null;
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function clipStart(s: string, n: number): string {
  return s.length > n ? "…" + s.slice(s.length - n) : s;
}
function clipEnd(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + "…" : s;
}

/**
 * The source sentence holding `span`, with the text at `span` in bold and a little of the sentences
 * before and after, as Markdown.
 */
export function passageMarkdown(source: IndexedSource, span: Span, context = 60): string {
  const i = source.sentences.findIndex((s) => s.start <= span.start && span.start < s.end);
  const sentence = i >= 0 ? source.sentences[i] : { start: span.start, end: span.end };
  const start = Math.min(sentence.start, span.start);
  const end = Math.max(sentence.end, span.end);
  const before = i > 0 ? clipStart(oneLine(source.sentences[i - 1].text), context) : "";
  const after = i >= 0 && i + 1 < source.sentences.length ? clipEnd(oneLine(source.sentences[i + 1].text), context) : "";
  const head = escapeMd(oneLine(source.text.slice(start, span.start)));
  const body = escapeMd(oneLine(source.text.slice(span.start, span.end)));
  const tail = escapeMd(oneLine(source.text.slice(span.end, end)));
  const main = `${head}**${body}**${tail}`;
  return [before && `> ${escapeMd(before)}`, `> ${main}`, after && `> ${escapeMd(after)}`].filter(Boolean).join("\n>\n");
}

function sourceLine(source: IndexedSource): string {
  const m = source.meta;
  return [`\`@${m.key}\``, m.title && escapeMd(clipEnd(m.title, 60)), m.outlet && escapeMd(m.outlet), m.published?.slice(0, 10)].filter(Boolean).join(" · ");
}

function citedKeys(draft: ParsedDraft, sentence: DraftSentence | undefined, index: CorpusIndex): string[] {
  if (!sentence) return [];
  return [...new Set(sentence.citations.flatMap((c) => draft.citations[c].items.map((it) => it.key)).filter((k) => index.has(k)))];
}

function matchMarkdown(match: SourceMatch, index: CorpusIndex, locale: Locale): string[] {
  const t = featureText(locale);
  const speaker = index.quoteAt(match.source, match.span)?.speaker ?? null;
  return [passageMarkdown(match.source, match.span), "", `${t.speaker}: ${speaker ? escapeMd(speaker) : `*${t.unknownSpeaker}*`}`, "", sourceLine(match.source)];
}

/** A quote: the source sentence in context, the quote in bold, and the speaker the source names. */
export function hoverQuote(draft: ParsedDraft, offset: number, index: CorpusIndex, locale: Locale = "en"): HoverResult | null {
  const hit = quoteAt(draft, offset);
  if (!hit) return null;
  const t = featureText(locale);
  const { quote } = hit;
  const normalized = normalizeForMatch(quote.text);
  if (normalized.length < 2) return null;
  const cited = citedKeys(draft, draft.sentences[quote.sentence], index);
  const lines: string[] = [];
  const exact = index.findExact(normalized, cited.length ? cited : undefined);
  if (exact.length) {
    const best = exact.find((m) => index.quoteAt(m.source, m.span)?.speaker) ?? exact[0];
    lines.push(`**${t.quoteHover}**`, "");
    pushAll(lines, matchMarkdown(best, index, locale));
    const others = new Set(index.findExact(normalized).map((m) => m.source.meta.key));
    others.delete(best.source.meta.key);
    if (others.size) lines.push("", `${t.alsoReported(others.size)}: ${[...others].map((k) => `\`@${k}\``).join(", ")}`);
  } else {
    const elsewhere = cited.length ? index.findExact(normalized) : [];
    const near = cited.length ? index.findNear(normalized, 0.7, cited) : index.findNear(normalized, 0.85);
    if (elsewhere.length) pushAll(lines, [`**${t.quoteElsewhere}** \`@${elsewhere[0].source.meta.key}\``, "", ...matchMarkdown(elsewhere[0], index, locale)]);
    else if (near.length) pushAll(lines, [`**${t.quoteNear(Math.round(near[0].similarity * 100))}**`, "", ...matchMarkdown(near[0], index, locale)]);
    else lines.push(t.quoteNowhere);
  }
  return { markdown: lines.join("\n"), span: quote.span };
}

/** Index in `sentence.plain` of the character at draft offset `offset`, or -1. */
function plainIndexAt(sentence: DraftSentence, offset: number): number {
  for (let i = 0; i < sentence.plain.length; i++) {
    const end = sentence.ends?.[i] ?? sentence.offsets[i] + 1;
    if (sentence.offsets[i] <= offset && offset < end) return i;
  }
  return -1;
}

function sentenceAt(draft: ParsedDraft, offset: number): DraftSentence | undefined {
  return draft.sentences.find((s) => s.span.start <= offset && offset < s.span.end);
}

function draftReference(draft: ParsedDraft): PartialDate | null {
  const raw = draft.frontMatter?.date;
  const value = raw instanceof Date ? raw.toISOString() : typeof raw === "string" ? raw : null;
  const m = value?.match(/^(\d{4})-(\d{2})(?:-(\d{2}))?/);
  return m ? { year: Number(m[1]), month: Number(m[2]), day: m[3] ? Number(m[3]) : null } : null;
}

/** A date: the corpus's events on that date (same day when the draft gives one), with the sources that report them. */
/** The date (with a month or a day) under the cursor, with its sentence; null when there is none. */
function dateAt(draft: ParsedDraft, offset: number) {
  const sentence = sentenceAt(draft, offset);
  if (!sentence) return null;
  const at = plainIndexAt(sentence, offset);
  if (at < 0) return null;
  const date = extractDates(sentence.plain, draftReference(draft)).find((d) => d.start <= at && at < d.end);
  if (!date || (date.date.month === null && date.date.day === null)) return null;
  return { sentence, date };
}

export function hoverDate(draft: ParsedDraft, offset: number, catalog: CorpusCatalog, locale: Locale = "en"): HoverResult | null {
  const found = dateAt(draft, offset);
  if (!found) return null;
  const { sentence, date } = found;
  const t = featureText(locale);
  const events = catalog.events.filter((e) => datesAgree(e.event.date, date.date) && (date.date.day === null || e.event.date.day !== null));
  const shown = displayDate(date.date);
  const lines = [`**${t.dateHover(shown)}**`, ""];
  if (!events.length) lines.push(t.noEvents(shown));
  // One line per happening (date + predicate + participants), listing every source that reports it.
  const groups = new Map<string, { date: string; predicate: string; participants: Set<string>; keys: Set<string>; sentence: string }>();
  for (const e of events) {
    const id = `${e.date}|${e.event.predicate}`;
    let g = groups.get(id);
    if (!g) {
      const s = e.source.sentences[e.event.sentence];
      groups.set(id, (g = { date: e.date, predicate: e.event.predicate, participants: new Set(), keys: new Set(), sentence: s ? oneLine(s.text) : "" }));
    }
    e.event.participants.forEach((p) => g.participants.add(p));
    g.keys.add(e.source.meta.key);
  }
  for (const g of [...groups.values()].sort((a, b) => a.date.localeCompare(b.date)).slice(0, 12)) {
    const who = g.participants.size ? ` (${[...g.participants].map(escapeMd).join(", ")})` : "";
    lines.push(`- ${g.date} **${escapeMd(g.predicate)}**${who} — ${t.reportedBy} ${[...g.keys].map((k) => `\`@${k}\``).join(", ")}`);
    if (g.sentence) lines.push(`  > ${escapeMd(clipEnd(g.sentence, 100))}`);
    // The corpus disagreeing on the day: the same happening, same month, another day, another source.
    const rivals = catalog.events.filter(
      (e) => e.event.predicate === g.predicate && !g.keys.has(e.source.meta.key) && e.event.date.day !== null && e.date !== g.date && e.date.slice(0, -3) === g.date.slice(0, -3),
    );
    if (rivals.length) lines.push(`  - ⚠ ${t.otherDay}: ${[...new Set(rivals.map((r) => `${r.date} \`@${r.source.meta.key}\``))].join(", ")}`);
  }
  const span = { start: sentence.offsets[date.start], end: sentence.ends?.[date.end - 1] ?? sentence.offsets[date.end - 1] + 1 };
  return { markdown: lines.join("\n"), span };
}

/** A sentence that cites a known source: the passage it aligns with. */
export function hoverClaim(draft: ParsedDraft, offset: number, index: CorpusIndex, locale: Locale = "en"): HoverResult | null {
  const sentence = sentenceAt(draft, offset);
  const cited = citedKeys(draft, sentence, index);
  if (!sentence || cited.length === 0) return null;
  const passage = alignSentence(sentence.plain, cited, index);
  if (!passage || passage.coverage < 0.2) return null;
  const t = featureText(locale);
  const src = passage.source;
  const text = oneLine(src.text.slice(passage.span.start, passage.span.end));
  const lines = [`**${t.claimHover(src.meta.key, Math.round(passage.coverage * 100))}**`, "", `> ${escapeMd(clipEnd(text, 400))}`, "", sourceLine(src)];
  return { markdown: lines.join("\n"), span: sentence.span };
}
