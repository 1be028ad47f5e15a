/**
 * Events: a dated happening in one sentence — the date, a predicate (会談, 電話会談, 合意, 警告, 発表…),
 * the participants (persons named outside quotes) and the place (a place before で).
 *
 * Not events: dates of photo captions (`2月13日撮影`), magazine issues and releases (`4月29日号`,
 * `4月22日発売`), publication stamps (`公開日:`, `08時57分`), and dates with no predicate in the sentence.
 */
import type { DateMention, EntityMention, EventUnit, Sentence, Span } from "../model";
import { SpanSet } from "../sortedSearch";

/** Predicates as spelled in text → normal form. Longest first when matched. */
const PREDICATES: [string, string][] = [
  ["電話会談", "電話会談"], ["首脳会談", "首脳会談"], ["電話協議", "電話協議"], ["記者会見", "記者会見"], ["対面会談", "会談"],
  ["会談", "会談"], ["協議", "協議"], ["会議", "会議"], ["会合", "会合"], ["会見", "記者会見"], ["面会", "面会"], ["交渉", "交渉"],
  ["合意", "合意"], ["警告", "警告"], ["発表", "発表"], ["表明", "表明"], ["投稿", "投稿"], ["訪問", "訪問"], ["訪米", "訪問"],
  ["訪露", "訪問"], ["訪ロ", "訪問"], ["提案", "提案"], ["署名", "署名"], ["調印", "署名"], ["発足", "発足"], ["就任", "就任"],
  ["投開票", "投開票"], ["大統領選", "選挙"], ["選挙", "選挙"], ["演説", "演説"], ["承認", "承認"], ["発効", "発効"], ["開始", "開始"],
  ["公表", "公表"], ["公開", "公開"], ["派遣", "派遣"], ["攻撃", "攻撃"], ["侵攻", "侵攻"], ["停戦", "停戦"], ["命令", "命令"],
  ["希望", "希望"], ["開催", "開催"], ["接触", "接触"], ["要請", "要請"], ["会談", "会談"],
  ["述べ", "発言"], ["語っ", "発言"], ["語り", "発言"], ["明らかに", "発言"], ["強調", "発言"], ["主張", "発言"], ["言及", "発言"],
  ["迫っ", "発言"], ["説明", "発言"], ["指摘", "発言"], ["発言", "発言"], ["明言", "発言"],
].sort((a, b) => b[0].length - a[0].length) as [string, string][];

const NOT_EVENT_AFTER = /^[\s\u3000]*(?:[(（][^)）]*[)）])?[\s\u3000]*(?:撮影|号|発売|発行|更新|配信|付け?の?(?:紙面|朝刊|夕刊)|\d{1,2}時|[0-9０-９]{1,2}:\d)/u;
const NOT_EVENT_BEFORE = /(?:公開日|更新日|投稿日|配信日|発売日|発行日)[\s\u3000]*[:：]?[\s\u3000]*$/u;

interface PredicateHit extends Span {
  normal: string;
}

/** `PREDICATES` by first character (each list in `PREDICATES` order). */
const PREDICATES_BY_FIRST = new Map<number, [string, string][]>();
for (const p of PREDICATES) {
  const c = p[0].charCodeAt(0);
  let list = PREDICATES_BY_FIRST.get(c);
  if (!list) PREDICATES_BY_FIRST.set(c, (list = []));
  list.push(p);
}

function findPredicates(text: string, s: Span, quotes: SpanSet): PredicateHit[] {
  const hits: PredicateHit[] = [];
  for (let i = s.start; i < s.end; i++) {
    const candidates = PREDICATES_BY_FIRST.get(text.charCodeAt(i));
    if (candidates === undefined) continue;
    if (quotes.covers(i)) continue;
    for (const [spelling, normal] of candidates) {
      if (text.startsWith(spelling, i)) {
        hits.push({ start: i, end: i + spelling.length, normal });
        i += spelling.length - 1;
        break;
      }
    }
  }
  return hits;
}

/** Chooses the predicate a date belongs to (see the module comment for the order of the rules). */
function predicateFor(text: string, date: Span, preds: PredicateHit[], yearOnly: boolean): PredicateHit | null {
  if (preds.length === 0) return null;
  // 1. Attached after the date: 11日の記者会見, 23日投稿された, 5月15日を希望.
  const nextAfter = preds.find((p) => p.start >= date.end && p.start - date.end <= 2 && /^[のを]?$/.test(text.slice(date.end, p.start)));
  if (nextAfter) return nextAfter;
  // 1b. Attached before it: 政権が発足した1月20日.
  const justBefore = preds.find((p) => p.end <= date.start && /^(?:した|された|する|される|の)$/.test(text.slice(p.end, date.start)));
  if (justBefore) return justBefore;
  // A year alone (今年に入り, 2019年以来) dates an event only when the predicate is attached to it.
  if (yearOnly) return null;
  // 2. The sentence's topic is a predicate noun: 電話会談は…2月12日と3月18日の2回.
  const topic = preds.find((p) => p.end <= date.start && /^(?:は|も)/.test(text.slice(p.end, p.end + 1)));
  if (topic) return topic;
  // 3. The main predicate: the last one in the sentence.
  return preds[preds.length - 1];
}

export interface EventContext {
  sentences: Sentence[];
  dates: DateMention[];
  entities: EntityMention[];
  /** Inner spans of the quotes (nothing inside a quote is a predicate or participant). */
  quotes: Span[];
}

/** Builds the events of a text from its sentences, dates, entities and quotes. */
export function extractEvents(text: string, ctx: EventContext): EventUnit[] {
  const out: EventUnit[] = [];
  // Predicates of a sentence, found once however many dates it holds.
  const predicatesOf = new Map<number, PredicateHit[]>();
  const quotes = new SpanSet(ctx.quotes);
  // Entities by start, to take a sentence's by binary search.
  const entities = [...ctx.entities].sort((a, b) => a.start - b.start);
  const firstAtOrAfter = (offset: number): number => {
    let lo = 0;
    let hi = entities.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (entities[mid].start < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const d of ctx.dates) {
    const s = ctx.sentences[d.sentence];
    if (!s) continue;
    if (NOT_EVENT_AFTER.test(text.slice(d.end, d.end + 16))) continue;
    if (NOT_EVENT_BEFORE.test(text.slice(Math.max(s.start, d.start - 8), d.start))) continue;
    // A year alone inside a caption credit such as (2025年 ロイター/…) is no event.
    if (d.date.month === null && /^[\s\u3000]*[A-Za-zァ-ヴー]+\//.test(text.slice(d.end, d.end + 20))) continue;
    const inQuote = quotes.contains(d.start, d.end);
    if (inQuote) continue;
    let preds = predicatesOf.get(d.sentence);
    if (!preds) predicatesOf.set(d.sentence, (preds = findPredicates(text, s, quotes)));
    const pred = predicateFor(text, d, preds, d.date.month === null);
    if (!pred) continue;
    const inSentence: EntityMention[] = [];
    for (let k = firstAtOrAfter(s.start); k < entities.length && entities[k].start < s.end; k++) {
      const e = entities[k];
      if (e.end <= s.end && !quotes.contains(e.start, e.end)) inSentence.push(e);
    }
    const participants: string[] = [];
    for (const e of inSentence) if (e.type === "person" && !participants.includes(e.canonical)) participants.push(e.canonical);
    out.push({
      start: Math.min(d.start, pred.start),
      end: Math.max(d.end, pred.end),
      date: d.date,
      dateSpan: { start: d.start, end: d.end },
      predicate: pred.normal,
      participants,
      place: placeOf(text, inSentence),
      sentence: d.sentence,
    });
  }
  return out;
}

/** The place where it happened: a place (or organisation) right before で, preferring a place. */
function placeOf(text: string, entities: EntityMention[]): string | null {
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i];
    if (e.type === "person") continue;
    if (!/^で(?!は|も|の)/.test(text.slice(e.end, e.end + 2))) continue;
    if (e.type === "place") return e.canonical;
    // ワシントンのホワイトハウスで: take the place the organisation sits in when named.
    const prev = entities[i - 1];
    if (prev && prev.type === "place" && text.slice(prev.end, e.start) === "の") return prev.canonical;
    return e.canonical;
  }
  return null;
}
