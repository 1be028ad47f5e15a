/**
 * Quotations and their speakers.
 *
 * A quote is 「…」『…』“…” or "…" (outermost marks only; nested marks stay in the text). A closing mark
 * with no opener at the start of a sentence is a quote whose opener the scraper cut off.
 * Kind: *speech* when followed by と (述べた, 語った, 表明, …), when a speaker or a role directly
 * introduces it (`トランプ氏「…」`, a headline), or when a clause-like quote stands in a sentence
 * with a speech verb; otherwise *term* (scare quotes, titles, names).
 * Speaker, in order: a person right after `」と`; a person right before the opener; the topic
 * (NAMEは) or else the nearest subject (NAMEが) of the sentence outside quotes — not simply the first
 * name; `同氏`; else the speaker or topic of the previous sentences of the same or previous paragraph.
 */
import type { EntityMention, QuoteUnit, Sentence, Span } from "../model";
import { normalizeForMatch } from "./normalize";

const PAIRS: Record<string, string> = { "「": "」", "『": "』", "“": "”" };
const CLOSER_TO_OPENER: Record<string, string> = { "」": "「", "』": "『", "”": "“" };
/** Char codes of every quote mark: any other char changes no state in `findQuotes`. */
const QUOTE_CODES = new Set([...Object.keys(PAIRS), ...Object.keys(CLOSER_TO_OPENER), '"'].map((c) => c.charCodeAt(0)));

/** `と` and its variants right after a quote that make it reported speech. */
const SPEECH_AFTER = /^[\s\u3000]*(?:[)）][\s\u3000]*)?(?:など|とも|なども|などとも)?(?:だ|です)?(?:と(?![\s\u3000]*[「『“])|って|との|という)/u;
/** Speech and report verbs that can govern a quote in the same sentence. */
export const SPEECH_VERBS = /述べ|語っ|語り|語る|話し|話す|表明|発言|主張|強調|明らかに|迫っ|迫る|投稿|説明|指摘|批判|訴え|答え|書き込|警告|発表|言及|反論|明言|断言|求め|要求|宣言|示唆|評価|呼びかけ|応じ|強調|述懐|言明|記者団に|伝え/u;
/** Role nouns that introduce a quote without naming anyone (米高官「…」): speech, speaker unknown. */
const ROLE_BEFORE = /(?:高官|当局者|関係者|報道官|首相|大統領|幹部|氏|外相|長官|代表|議員|政府|側|筋)[\s\u3000]*$/u;
/** Non-person topics (ロシア側は, 両首脳は): the quote is theirs, so no speaker is carried over. */
const GROUP_TOPIC = /(?:側|政府|当局|首脳|両者|両国|高官|関係者|省|府|軍|各国|同国|大統領府|当局者)(?:は|が)/u;

interface RawQuote {
  open: number; // offset of the opening mark, or -1 when cut off
  innerStart: number;
  innerEnd: number;
  close: number; // offset of the closing mark, or -1 when never closed
  mark: string;
}

/** Finds outermost quotes in `[start, end)` of `text`. */
export function findQuotes(text: string, start: number, end: number): RawQuote[] {
  const out: RawQuote[] = [];
  let openAt = -1;
  let openMark = "";
  let depth = 0;
  let straightOpen = -1;
  for (let i = start; i < end; i++) {
    if (!QUOTE_CODES.has(text.charCodeAt(i))) continue;
    const ch = text[i];
    if (openAt < 0 && straightOpen < 0) {
      if (ch in PAIRS) {
        openAt = i;
        openMark = ch;
        depth = 1;
      } else if (ch === '"') {
        straightOpen = i;
      } else if (ch in CLOSER_TO_OPENER && out.length === 0 && !text.slice(start, i).includes(CLOSER_TO_OPENER[ch])) {
        // A closing mark with no opener: the scraper cut the opening off (`…派遣する」…が表明`).
        if (i - start >= 2) out.push({ open: -1, innerStart: start, innerEnd: i, close: i, mark: CLOSER_TO_OPENER[ch] });
      }
      continue;
    }
    if (straightOpen >= 0) {
      if (ch === '"') {
        if (i - straightOpen > 1) out.push({ open: straightOpen, innerStart: straightOpen + 1, innerEnd: i, close: i, mark: '"' });
        straightOpen = -1;
      }
      continue;
    }
    if (ch === openMark) depth++;
    else if (ch === PAIRS[openMark]) {
      depth--;
      if (depth === 0) {
        if (i - openAt > 1) out.push({ open: openAt, innerStart: openAt + 1, innerEnd: i, close: i, mark: openMark });
        openAt = -1;
      }
    }
  }
  return out;
}

function within(s: Span, spans: Span[]): boolean {
  return spans.some((q) => s.start >= q.start && s.end <= q.end);
}

interface Speaker {
  name: string;
  span: Span;
}

/**
 * The person a clause attributes speech to: among persons outside quotes and before `before`, the
 * nearest topic (NAMEは), else the nearest subject (NAMEが). Returns `group` when a non-person topic
 * (両首脳は, ロシア側は) stands between that person and `before`.
 */
function grammaticalSubject(text: string, persons: EntityMention[], exclude: Span[], from: number, before: number): Speaker | "group" | null {
  let topic: EntityMention | null = null;
  let subject: EntityMention | null = null;
  for (const p of persons) {
    if (within(p, exclude) || p.start > before) continue;
    const after = text.slice(p.end, p.end + 4);
    if (/^(?:は|も(?!の)|こそ)/.test(after) && !/^は(?:じめ|ず)/.test(after)) topic = p;
    else if (/^が/.test(after)) subject = p;
  }
  const chosen = topic ?? subject;
  const groupFrom = chosen ? chosen.end : from;
  const between = stripQuotes(text, { start: groupFrom, end: before }, exclude.filter((q) => q.start >= groupFrom && q.end <= before));
  if (GROUP_TOPIC.test(between)) return "group";
  return chosen ? { name: chosen.canonical, span: { start: chosen.start, end: chosen.end } } : null;
}

export interface QuoteContext {
  /** Person mentions of the text (canonical names), in order. */
  persons: EntityMention[];
}

/**
 * Extracts the quotes of `sentences` (spans into `text`), classifies them and finds their speakers.
 * `sentence` indexes the array given.
 */
export function extractQuotes(text: string, sentences: Sentence[], ctx: QuoteContext): QuoteUnit[] {
  const out: QuoteUnit[] = [];
  // Speaker state carried from sentence to sentence: the last speaker or topic person and its paragraph.
  let carried: { speaker: Speaker; paragraph: number } | null = null;
  let p0 = 0;
  for (let si = 0; si < sentences.length; si++) {
    const s = sentences[si];
    while (p0 < ctx.persons.length && ctx.persons[p0].end <= s.start) p0++;
    const persons: EntityMention[] = [];
    for (let k = p0; k < ctx.persons.length && ctx.persons[k].start < s.end; k++) if (ctx.persons[k].end <= s.end) persons.push(ctx.persons[k]);
    const raws = findQuotes(text, s.start, s.end);
    const quoteSpans: Span[] = raws.map((r) => ({ start: r.innerStart, end: r.innerEnd }));
    const outside = persons.filter((p) => !within(p, quoteSpans));
    if (carried && s.paragraph - carried.paragraph > 1) carried = null;
    const whole = grammaticalSubject(text, outside, quoteSpans, s.start, s.end);
    const sentenceSubject = whole === "group" ? null : whole;

    for (const r of raws) {
      const inner = text.slice(r.innerStart, r.innerEnd);
      const afterStart = r.close >= 0 ? r.close + 1 : r.innerEnd;
      const after = text.slice(afterStart, Math.min(s.end, afterStart + 30));
      const beforeText = text.slice(s.start, r.open >= 0 ? r.open : r.innerStart);
      let speaker: Speaker | null = null;
      let kind: "speech" | "term" = "term";
      let unknownRole = false;

      const speechAfter = SPEECH_AFTER.exec(after);
      if (speechAfter) kind = "speech";
      // a) 「…」とトランプ氏
      if (speechAfter) {
        const at = afterStart + speechAfter[0].length;
        const p = outside.find((x) => x.start >= at && x.start <= at + 2);
        if (p) speaker = { name: p.canonical, span: { start: p.start, end: p.end } };
      }
      // b) トランプ氏「…」 (headline style): a person or a role right before the opener.
      if (!speaker && r.open >= 0) {
        const p = outside.find((x) => x.end <= r.open && /^[\s\u3000]*$/.test(text.slice(x.end, r.open)));
        if (p) {
          speaker = { name: p.canonical, span: { start: p.start, end: p.end } };
          kind = "speech";
        } else if (ROLE_BEFORE.test(beforeText) && /[\s\u3000、]/.test(beforeText.slice(-8)) && /^[\s\u3000]*$/.test(after.slice(0, 1) || " ")) {
          kind = "speech";
          unknownRole = true;
        }
      }
      // A clause-like quote in a sentence with a speech verb after it is speech even without と.
      if (kind === "term" && inner.length >= 6 && /(?:る|た|だ|い|う|す|ぬ|ない|ません|です|ます|よ|ね|か|ろう|しよう)$/.test(inner) && SPEECH_VERBS.test(after)) {
        kind = "speech";
      }
      if (kind === "speech" && !speaker && !unknownRole) {
        // The clause before the quote first; a topic after it (「…」と、プーチン氏は述べた) next.
        const local = grammaticalSubject(text, outside, quoteSpans, s.start, r.open >= 0 ? r.open : r.innerStart);
        const later = local === null ? grammaticalSubject(text, outside.filter((p) => p.start >= afterStart), quoteSpans, afterStart, s.end) : null;
        const found = local ?? later;
        if (found !== null && found !== "group") speaker = found;
        else if (found === null && carried) speaker = carried.speaker;
      }
      const normalized = normalizeForMatch(inner);
      if (normalized.length === 0) continue;
      out.push({
        start: r.innerStart,
        end: r.innerEnd,
        text: inner,
        normalized,
        kind,
        speaker: kind === "speech" && speaker ? speaker.name : null,
        ...(kind === "speech" && speaker ? { speakerSpan: speaker.span } : {}),
        sentence: si,
        mark: r.mark,
      });
      if (kind === "speech" && speaker) carried = { speaker, paragraph: s.paragraph };
    }
    if (sentenceSubject) {
      carried = { speaker: sentenceSubject, paragraph: s.paragraph };
    } else if (whole === "group") {
      carried = null;
    }
  }
  return out;
}

function stripQuotes(text: string, s: Span, quotes: Span[]): string {
  let out = "";
  let pos = s.start;
  for (const q of quotes) {
    out += text.slice(pos, q.start);
    pos = q.end;
  }
  return out + text.slice(pos, s.end);
}
