/**
 * Events: a dated happening in one sentence — the date, a predicate (会談, 電話会談, 合意, 警告, 発表…),
 * the participants (persons named outside quotes) and the place (a place before で).
 *
 * Not events: dates of photo captions (`5月2日撮影`), magazine issues and releases (`6月10日号`,
 * `6月3日発売`), publication stamps (`公開日:`, `10時15分`), and dates with no predicate in the sentence.
 */
import type { DateMention, EntityMention, EventUnit, Sentence, Span } from "../model";
import { SpanSet } from "../sortedSearch";
import { allMatches } from "./matches";
import { onFirstCall } from "../warmUp";

/**
 * Predicates as spelled in text → normal form, longest spelling first when matched. Broadcasts,
 * appearances, releases, matches, ceremonies and shows, announcements, agreements, personal and
 * corporate milestones, and the diplomatic vocabulary of meetings and statements.
 */
const PREDICATES: [string, string][] = (
  [
    // Meetings, talks, statements.
    ["電話会談", "電話会談"], ["首脳会談", "首脳会談"], ["電話協議", "電話協議"], ["記者会見", "記者会見"], ["対面会談", "会談"],
    ["完成報告会見", "記者会見"], ["会見", "記者会見"], ["会談", "会談"], ["協議", "協議"], ["会議", "会議"], ["会合", "会合"],
    ["面会", "面会"], ["交渉", "交渉"], ["合意", "合意"], ["警告", "警告"], ["発表", "発表"], ["表明", "表明"], ["投稿", "投稿"],
    ["訪問", "訪問"], ["訪米", "訪問"], ["訪露", "訪問"], ["訪ロ", "訪問"], ["訪中", "訪問"], ["訪韓", "訪問"], ["来日", "来日"],
    ["提案", "提案"], ["署名", "署名"], ["調印", "署名"], ["発足", "発足"], ["就任", "就任"], ["投開票", "投開票"], ["大統領選", "選挙"],
    ["選挙", "選挙"], ["演説", "演説"], ["承認", "承認"], ["発効", "発効"], ["開始", "開始"], ["公表", "公表"], ["派遣", "派遣"],
    ["攻撃", "攻撃"], ["侵攻", "侵攻"], ["停戦", "停戦"], ["命令", "命令"], ["希望", "希望"], ["開催", "開催"], ["接触", "接触"],
    ["要請", "要請"], ["告知", "発表"], ["報じ", "報道"], ["報道", "報道"],
    ["述べ", "発言"], ["語っ", "発言"], ["語り", "発言"], ["明らかに", "発言"], ["強調", "発言"], ["主張", "発言"], ["言及", "発言"],
    ["迫っ", "発言"], ["説明", "発言"], ["指摘", "発言"], ["発言", "発言"], ["明言", "発言"], ["明かし", "発言"], ["コメント", "発言"],
    // Broadcasts and appearances.
    ["放送", "放送"], ["放映", "放送"], ["オンエア", "放送"], ["生中継", "放送"], ["中継", "放送"], ["生出演", "出演"], ["出演", "出演"],
    ["登壇", "登壇"], ["登場", "登場"], ["対談", "対談"], ["インタビュー", "インタビュー"], ["取材", "取材"],
    // Releases and openings.
    ["ロードショー", "公開"], ["封切", "公開"], ["上映", "上映"], ["公開", "公開"], ["発売", "発売"], ["販売開始", "発売"],
    ["リリース", "発売"], ["刊行", "発売"], ["配信", "配信"], ["サービスイン", "開始"], ["スタート", "開始"], ["オープン", "開業"],
    ["開業", "開業"], ["開店", "開業"], ["開館", "開業"], ["開通", "開業"], ["閉店", "閉店"], ["終了", "終了"], ["締め切", "締め切り"],
    // Matches and sport.
    ["準々決勝", "試合"], ["準決勝", "試合"], ["決勝", "試合"], ["予選", "試合"], ["試合", "試合"], ["対戦", "試合"], ["初戦", "試合"],
    ["開幕", "開幕"], ["優勝", "優勝"], ["勝利", "勝利"], ["敗れ", "敗戦"], ["敗戦", "敗戦"], ["引き分け", "引き分け"],
    ["メダルを獲得", "メダル獲得"], ["金メダル", "メダル獲得"], ["銀メダル", "メダル獲得"], ["銅メダル", "メダル獲得"],
    // Ceremonies, shows and gatherings.
    ["授賞式", "授賞式"], ["表彰式", "表彰式"], ["記念式典", "式典"], ["式典", "式典"], ["開会式", "開会式"], ["閉会式", "閉会式"],
    ["結婚式", "結婚式"], ["舞台挨拶", "舞台挨拶"], ["舞台あいさつ", "舞台挨拶"], ["試写会", "試写会"], ["完成披露", "試写会"],
    ["トークショー", "トークショー"], ["トークイベント", "イベント"], ["イベント", "イベント"], ["記者発表", "発表"], ["発表会", "発表"],
    ["説明会", "説明会"], ["セミナー", "セミナー"], ["講演", "講演"], ["公演", "公演"], ["ライブ", "公演"], ["コンサート", "公演"],
    ["ツアー", "ツアー"], ["大会", "大会"], ["総会", "総会"], ["祭", "祭り"], ["まつり", "祭り"], ["フェス", "祭り"], ["盆踊り", "祭り"],
    ["行われ", "開催"], ["開かれ", "開催"], ["共催", "開催"], ["実施", "実施"], ["参加", "参加"],
    // Agreements and business.
    ["契約", "契約"], ["締結", "契約"], ["提携", "提携"], ["譲渡", "譲渡"], ["買収", "買収"], ["合併", "合併"], ["上場", "上場"],
    ["決定", "決定"], ["決まっ", "決定"], ["受賞", "受賞"], ["選出", "選出"], ["ノミネート", "ノミネート"],
    // People's milestones.
    ["出産", "出産"], ["結婚", "結婚"], ["入籍", "結婚"], ["婚約", "婚約"], ["離婚", "離婚"], ["死去", "死去"], ["逝去", "死去"],
    ["亡くなっ", "死去"], ["引退", "引退"], ["移籍", "移籍"], ["入団", "入団"], ["退団", "退団"], ["辞任", "辞任"], ["退任", "退任"],
    ["逮捕", "逮捕"], ["起訴", "起訴"], ["判決", "判決"], ["誕生", "誕生"], ["帰国", "帰国"],
    // Incidents and disasters.
    ["発生", "発生"], ["起き", "発生"], ["起こっ", "発生"], ["起こり", "発生"], ["起こる", "発生"], ["地震", "地震"], ["事故", "事故"], ["事件", "事件"], ["火災", "火災"], ["火事", "火災"],
    ["豪雨", "災害"], ["大雨", "災害"], ["台風", "災害"], ["噴火", "災害"], ["洪水", "災害"], ["被害", "被害"], ["被災", "被害"],
    // Starts and ends of services.
    ["始め", "開始"], ["始まっ", "開始"], ["始まる", "開始"], ["打ち切", "終了"], ["廃止", "終了"], ["停止", "停止"], ["中止", "中止"],
    ["延期", "延期"], ["再開", "再開"], ["あきらかに", "発言"], ["提供", "提供"], ["受け付け", "受付"], ["受付", "受付"], ["予約", "受付"],
    ["批判", "発言"], ["非難", "発言"], ["告発", "発言"], ["暴露", "発言"], ["告白", "発言"], ["販売", "発売"], ["最終回", "放送"],
    ["家宅捜索", "捜索"], ["捜索", "捜索"], ["摘発", "摘発"], ["送検", "送検"],
    // Travel and training.
    ["到着", "到着"], ["出発", "出発"], ["移動", "移動"], ["練習", "練習"], ["合宿", "合宿"], ["帰国", "帰国"], ["渡米", "渡航"], ["渡欧", "渡航"],
    // Production.
    ["撮影", "撮影"], ["ロケ", "撮影"], ["収録", "収録"], ["クランクイン", "撮影"], ["クランクアップ", "撮影"],
  ] as [string, string][]
).sort((a, b) => b[0].length - a[0].length);

/** Named happenings written as terms (「…祭」, 『…大会』): the quote's last word is the event. */
const EVENT_NAME_END = /(?:祭り?|まつり|フェス(?:ティバル)?|盆踊り|大会|会議|選手権|映画祭|博|展|式|ショー|ライブ|コンサート|公演|ツアー|セミナー|フォーラム|サミット|カップ|杯|リーグ|ゲーム|マッチ)[\s\u3000]*(?:[0-9０-９]{2,4})?$/u;

const NOT_EVENT_AFTER = /^[\s\u3000]*(?:[(（][^)）]*[)）])?[\s\u3000]*(?:撮影|号|発行|更新|付け?の?(?:紙面|朝刊|夕刊))/u;
/** The longest rest of a sentence `STAMP_AFTER` is tried on. */
const STAMP_REST = 200;
/** A publication stamp: a date and a clock time with nothing after them but 配信/更新/公開. */
const STAMP_AFTER = /^[\s\u3000]*(?:[(（][^)）]*[)）])?[\s\u3000]*[0-9０-９]{1,2}(?:時|:|：)[0-9０-９]{2}分?[\s\u3000]*(?:配信|更新|公開|JST)?[\s\u3000]*$/u;
/** Stamps (`公開日:`, `更新日:`) and a periodical's release note inside its issue date (`6月10日号(6月3日発売)`). */
const NOT_EVENT_BEFORE = /(?:(?:公開日|更新日|投稿日|配信日|掲載日|発行日)[\s\u3000]*[:：]?|号[\s\u3000]*[(（])[\s\u3000]*$/u;
/** A label that dates what it names: `発売日：2012年5月25日`. */
const LABEL_BEFORE = /(?:発売日|発売予定日|開催日時?|放送日時?|放映日|配信開始日時?|開始日時?|締切日?|締め切り日?)[\s\u3000]*(?:[:：]|は|が|の)[\s\u3000]*$/u;
const PERIOD_LABEL = /(?:期間|会期|期　+間|期\s+間|日程)[\s\u3000]*(?:[:：]|は)[\s\u3000]*$/u;
const PERIOD_END = /(?:期間|会期|期　+間|期\s+間)[\s\u3000]*[:：][^。\n]{4,30}[〜~～\-－ー][\s\u3000]*$/u;
const LABEL_PREDICATE: Record<string, string> = { 発売: "発売", 公開: "公開", 開催: "開催", 放送: "放送", 放映: "放送", 配信: "配信", 開始: "開始", 締切: "締め切り", 締め: "締め切り" };

interface PredicateHit extends Span {
  normal: string;
  /** The name of a named happening (「…祭」), which also takes part in it. Always present (null
   * when none), so that every hit has one hidden class. */
  name: string | null;
}

/** `PREDICATES` by first character (each list in `PREDICATES` order). */
const PREDICATES_BY_FIRST = new Map<number, [string, string][]>();
for (const p of PREDICATES) {
  const c = p[0].charCodeAt(0);
  let list = PREDICATES_BY_FIRST.get(c);
  if (!list) PREDICATES_BY_FIRST.set(c, (list = []));
  list.push(p);
}

export interface QuoteSpan extends Span {
  kind?: "speech" | "term";
}

/**
 * The predicates of sentence `s` outside its quotes, and the named happenings among its term quotes.
 * `quotes` may hold any quotes; only those overlapping `s` are read.
 */
function findPredicates(text: string, s: Span, quotes: readonly QuoteSpan[]): PredicateHit[] {
  const hits: PredicateHit[] = [];
  // Arrays here are built by push, not filter/map: optimised code's inlined filter/map make arrays of
  // another elements kind than the builtins do, and each new kind deoptimises the code reading them.
  const inside: QuoteSpan[] = [];
  for (const q of quotes) if (q.start < s.end && q.end > s.start) inside.push(q);
  // Asked once per character: a sentence of a huge page can hold thousands of quotes.
  const covered = new SpanSet(inside);
  for (let i = s.start; i < s.end; i++) {
    const candidates = PREDICATES_BY_FIRST.get(text.charCodeAt(i));
    if (candidates === undefined) continue;
    if (covered.covers(i)) continue;
    for (const [spelling, normal] of candidates) {
      if (text.startsWith(spelling, i)) {
        // 訪米先, 交渉場所, 試合後: a noun made from the word is not the happening.
        if (!NOUN_SUFFIX.test(text.slice(i + spelling.length, i + spelling.length + 3))) hits.push({ start: i, end: i + spelling.length, normal, name: null });
        i += spelling.length - 1;
        break;
      }
    }
  }
  for (const q of inside) {
    if (q.kind === "speech") continue;
    const name = text.slice(q.start, q.end).trim();
    // 「…町会議」も参加して: a named happening that takes part in this one is a participant, not the happening.
    if (name.length >= 2 && name.length <= 40 && EVENT_NAME_END.test(name) && !joinsIn(text, q)) hits.push({ start: q.start, end: q.end, normal: "開催", name });
  }
  hits.sort((a, b) => a.start - b.start);
  // 開かれる日米協議, 会見が行われ: a verb of holding names no happening; the noun it holds does.
  const out: PredicateHit[] = [];
  for (const h of hits) {
    const held = HOLDING.has(text.slice(h.start, h.end)) ? heldBy(text, h, hits) : undefined;
    out.push(held ? { start: h.start, end: h.end, normal: held.normal, name: held.name ?? h.name } : h);
  }
  return out;
}

/** The happening a verb of holding (`hit`) holds: the first noun after it, else one before it as topic. */
function heldBy(text: string, h: PredicateHit, hits: PredicateHit[]): PredicateHit | undefined {
  return (
    hits.find((o) => o !== h && !HOLDING.has(text.slice(o.start, o.end)) && o.start >= h.end && /^[^、。，,]{0,12}$/.test(text.slice(h.end, o.start))) ??
    hits.find((o) => o !== h && !HOLDING.has(text.slice(o.start, o.end)) && o.end <= h.start && /^(?:が|は|も)[^、。，,]{0,6}$/.test(text.slice(o.end, h.start)))
  );
}

/** 「…」も参加して, 「…」が出展: the quoted name takes part in the sentence's happening. */
function joinsIn(text: string, q: Span): boolean {
  return /^[」』”"]?(?:も|が|は|として|と)?(?:参加|出展|出演|協力|協賛)/u.test(text.slice(q.end, q.end + 8));
}

/** Verbs that hold a happening without naming it. */
const HOLDING = new Set(["行われ", "開かれ", "開催", "共催", "実施"]);
/** Suffixes that turn a happening word into a noun of something else: 訪米先, 交渉場所, 出演者 (not 試合後: still the match's day). */
const NOUN_SUFFIX = /^(?:先|場所|会場|所|室|員|中の|者|陣|用|的|性|率|数|料|額|案|権|枠|作|曲|局|版|費|録|日|期間)/u;

/** A time of day after a date: `深夜`, `午前11時`, `15:00`, `19時半ごろ`. */
const TIME_OF_DAY = "(?:[月火水木金土日]曜日?)?(?:深夜|夜|朝|午前|午後|昼|夕方|夕刻|未明|早朝|正午|晩)?(?:[0-9０-９]{1,2}(?:時|:|：)(?:[0-9０-９]{1,2}分?|半)?)?(?:頃|ごろ)?";
/** Between a date and a predicate attached after it: `（土）`, `深夜`, `午前11時をもって`, `の全国`, `より順次`, `、全国`. */
const ATTACHED_AFTER = new RegExp(
  `^(?:[\\s\\u3000]*[(（][^()（）]{0,16}[)）])?[\\s\\u3000]*の?${TIME_OF_DAY}[\\s\\u3000]*` +
    "(?:(?:から|より|に|にも|には|をもって|もって|まで|までに)[\\s\\u3000、]?(?:全国|順次|全国順次|一般|劇場|国内|日本|世界|正式)?" +
    "|の[\\p{Script=Han}\\p{Script=Katakana}ー・A-Za-z0-9０-９Ａ-Ｚａ-ｚ]{0,16}|を|が|[、,][\\s\\u3000]*(?:全国|順次|全国順次|一般|劇場)?)?$",
  "u",
);
/** A date that opens its clause as a time adverbial: `25日、`, `2日深夜、`, `19日には`, `8月11日（土）は`. */
const ADVERBIAL = /^(?:[(（][^()（）]{0,16}[)）])?[\s\u3000]*(?:[月火水木金土日]曜日?)?(?:深夜|夜|朝|午前|午後|昼|夕方|夕刻|未明|早朝|正午|晩)?(?:[0-9０-９]{1,2}時(?:[0-9０-９]{1,2}分|半)?)?[\s\u3000]*(、|,|，|に、?|には|にも|から|より|は|に)/u;
/** A television or radio programme named right after the date's clause opens: `テレビ朝日「夕方ワイド」では`. */
const PROGRAMME =
  /^[^。]{0,30}?(?:(?:テレビ|TV|ＴＶ|放送|ラジオ|局|チャンネル|NHK|ＮＨＫ|TBS|ＴＢＳ|フジ|日テレ|テレ朝|テレ東|BS|ＢＳ|CS|ＣＳ|WOWOW|系)[^。「『」』]{0,12}[「『][^「」『』]{1,40}[」』][\s\u3000]*(?:番組内|番組|の中|内|放送分)?[\s\u3000]*(?:では|で、|で(?:放送|放映|生放送|中継|オンエア)|に(?:生?出演|登場)|には)|番組(?:内)?(?:では|には|で、))/u;

/** Chooses the predicate a date belongs to (see the rules below, in order). */
function predicateFor(text: string, sentence: Span, date: Span, preds: PredicateHit[], yearOnly: boolean): PredicateHit | null {
  // 0. A label naming what the date is: 発売日：2012年5月25日.
  const label = LABEL_BEFORE.exec(text.slice(Math.max(sentence.start, date.start - 10), date.start));
  if (label) {
    const word = Object.keys(LABEL_PREDICATE).find((k) => label[0].includes(k));
    if (word) return { start: date.start - label[0].length, end: date.start, normal: LABEL_PREDICATE[word], name: null };
  }
  // A period (期間：7月4日〜7月29日): the first date opens it, the one after 〜 closes it.
  const before = text.slice(Math.max(sentence.start, date.start - 40), date.start);
  if (PERIOD_LABEL.test(before)) return { start: date.start, end: date.start, normal: /^[\s\u3000]*(?:[(（][^)）]*[)）])?[\s\u3000]*まで/u.test(text.slice(date.end, date.end + 12)) ? "終了" : "開始", name: null };
  if (PERIOD_END.test(before)) return { start: date.start, end: date.start, normal: "終了", name: null };
  if (preds.length === 0 && yearOnly) return null;
  // 1. Attached after the date: 11日の記者会見, 23日放送分, 2日深夜放送, 6月9日（土）から全国ロードショー, 7月3日を希望.
  const nextAfter = preds.find((p) => p.start >= date.end && p.start - date.end <= 24 && ATTACHED_AFTER.test(text.slice(date.end, p.start)));
  if (nextAfter) return nextAfter;
  // 1b. Attached before it: 政権が発足した4月1日.
  const justBefore = preds.find((p) => p.end <= date.start && /^(?:した|された|する|される|の)$/.test(text.slice(p.end, date.start)));
  if (justBefore) return justBefore;
  // A year alone (今年に入り, 2015年以来) dates an event only when the predicate is attached to it.
  if (yearOnly) return null;
  const after = text.slice(date.end, sentence.end);
  const adverbial = ADVERBIAL.exec(after);
  // 2. A date opening a clause about a programme is the day it was broadcast: 19日、テレビ朝日「…」では.
  if (adverbial && PROGRAMME.test(after.slice(adverbial[0].length))) {
    return { start: date.end, end: date.end, normal: "放送", name: null };
  }
  if (preds.length === 0) return null;
  // 3. The sentence's topic is a predicate noun: 会談は…4月8日と5月20日の2回.
  const topic = preds.find((p) => p.end <= date.start && /^(?:は|も)/.test(text.slice(p.end, p.end + 1)));
  if (topic) return topic;
  // 4. A date with に/には/から/は opens the clause of the first predicate after it (今月11日に、…対戦する
  //    韓国代表…を伝えた); a bare date with a comma dates the sentence's main predicate, its last one.
  //    A topic after the date (5月下旬に市は…合意したと発表した) makes it the main clause's again.
  //    A verb continuing into the next (参加して…開催された) hands the date on to it.
  if (adverbial && adverbial[1] !== "、" && adverbial[1] !== "," && adverbial[1] !== "，") {
    const later = preds.filter((p) => p.start >= date.end);
    const first = later.find((p, i) => i === later.length - 1 || !/^(?:を)?(?:し|され)(?:て|、)/u.test(text.slice(p.end, p.end + 4)));
    if (first && (adverbial[1] === "は" || !/[^でに]は[\s\u3000、]?/.test(text.slice(date.end + adverbial[0].length, first.start)))) return first;
  }
  return preds[preds.length - 1];
}

export interface EventContext {
  sentences: Sentence[];
  dates: DateMention[];
  entities: EntityMention[];
  /** Inner spans of the quotes, with their kind (nothing inside a quote is a participant, and only a
   * term quote naming a happening — 「…祭」 — is a predicate). */
  quotes: QuoteSpan[];
}

/**
 * Spans sorted by start, to take those overlapping a range by binary search: a text of millions of
 * characters holds tens of thousands of quotes and mentions, and a scan of all of them per date or
 * per mention made its analysis quadratic. Answers keep the spans' original order.
 */
class SpansByStart<T extends Span> {
  private readonly order: number[];
  private readonly starts: Float64Array;
  /** `reach[i]`: the largest end among the spans sorted up to `i`. */
  private readonly reach: Float64Array;
  constructor(private readonly spans: readonly T[]) {
    const order: number[] = [];
    let sorted = true;
    for (let i = 0; i < spans.length; i++) {
      order.push(i);
      if (i > 0 && spans[i].start < spans[i - 1].start) sorted = false;
    }
    // (Mentions and quotes come in text order: then the order is the identity.)
    if (!sorted) order.sort((x, y) => spans[x].start - spans[y].start || x - y);
    this.order = order;
    this.starts = new Float64Array(order.length);
    this.reach = new Float64Array(order.length);
    let max = -Infinity;
    for (let k = 0; k < order.length; k++) {
      const span = spans[order[k]];
      this.starts[k] = span.start;
      this.reach[k] = max = Math.max(max, span.end);
    }
  }
  /** The spans with `start < to && end > from`, in their original order. */
  overlapping(from: number, to: number): T[] {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid] < to) lo = mid + 1;
      else hi = mid;
    }
    const found: number[] = [];
    for (let k = lo - 1; k >= 0 && this.reach[k] > from; k--) if (this.spans[this.order[k]].end > from) found.push(this.order[k]);
    found.sort((x, y) => x - y);
    // By push, not map (see findPredicates).
    const out: T[] = [];
    for (const i of found) out.push(this.spans[i]);
    return out;
  }
}

/** What every date of one sentence outside quotes shares: computed once however many dates it holds. */
interface SentenceFacts {
  quotes: QuoteSpan[];
  /** The sentence's quotes, asked whether they hold a mention. */
  quoteSet: SpanSet;
  preds: PredicateHit[];
  /** The entities of the sentence outside quotes. */
  entities: EntityMention[];
  /** People and organisations named outside quotes, then the quoted names that join in. */
  participants: string[];
  place: string | null;
}

/** Builds the events of a text from its sentences, dates, entities and quotes. */
export function extractEvents(text: string, ctx: EventContext): EventUnit[] {
  warmUp();
  const out: EventUnit[] = [];
  const quotesByStart = new SpansByStart(ctx.quotes);
  const entitiesByStart = new SpansByStart(ctx.entities);
  const factsOf = new Map<number, SentenceFacts>();
  const sentenceFacts = (index: number, s: Span): SentenceFacts => {
    let facts = factsOf.get(index);
    if (facts) return facts;
    const quotes = quotesByStart.overlapping(s.start, s.end);
    const quoteSet = new SpanSet(quotes);
    const entities: EntityMention[] = [];
    for (const e of entitiesByStart.overlapping(s.start, s.end)) if (e.start >= s.start && e.end <= s.end && !quoteSet.contains(e.start, e.end)) entities.push(e);
    const participants: string[] = [];
    for (const e of entities) if (e.type !== "place" && !participants.includes(e.canonical)) participants.push(e.canonical);
    for (const q of quotes) {
      if (q.kind === "speech" || q.start < s.start || q.end > s.end || !joinsIn(text, q)) continue;
      const name = text.slice(q.start, q.end).trim();
      if (name.length >= 2 && name.length <= 40 && !participants.includes(name)) participants.push(name);
    }
    const place = placeOf(text, entities) ?? addressIn(text, s, quoteSet);
    facts = { quotes, quoteSet, preds: findPredicates(text, s, quotes), entities, participants, place };
    factsOf.set(index, facts);
    return facts;
  };
  for (const d of ctx.dates) {
    const s = ctx.sentences[d.sentence];
    if (!s) continue;
    // A stamp is short: a long rest of the sentence is no stamp (and is not sliced per date).
    if (NOT_EVENT_AFTER.test(text.slice(d.end, d.end + 16)) || (s.end - d.end <= STAMP_REST && STAMP_AFTER.test(text.slice(d.end, s.end)))) continue;
    if (NOT_EVENT_BEFORE.test(text.slice(Math.max(s.start, d.start - 8), d.start))) continue;
    // A year alone inside a caption credit such as (2025年 ロイター/…) is no event.
    if (d.date.month === null && /^[\s\u3000]*[A-Za-zァ-ヴー]+\//.test(text.slice(d.end, d.end + 20))) continue;
    const facts = sentenceFacts(d.sentence, s);
    // A date inside a quote is dated by what the quoted words say (大会が5月29日に試合があって):
    // its predicate and participants come from within that quote.
    const quote = facts.quotes.find((q) => d.start >= q.start && d.end <= q.end);
    if (quote && quote.kind !== "speech") continue;
    let preds: PredicateHit[];
    let scope: Span = s;
    let inScope: EntityMention[];
    let participants: string[];
    if (quote) {
      scope = { start: Math.max(s.start, quote.start), end: Math.min(s.end, quote.end) };
      const others: QuoteSpan[] = [];
      for (const q of facts.quotes) if (q !== quote && (q.end <= quote.start || q.start >= quote.end || (q.start > quote.start && q.end <= quote.end))) others.push(q);
      preds = findPredicates(text, scope, others);
      inScope = [];
      for (const e of entitiesByStart.overlapping(scope.start, scope.end)) if (e.start >= scope.start && e.end <= scope.end) inScope.push(e);
      participants = [];
      for (const e of inScope) if (e.type !== "place" && !participants.includes(e.canonical)) participants.push(e.canonical);
      for (const q of facts.quotes) {
        if (q.kind === "speech" || q.start < s.start || q.end > s.end || !joinsIn(text, q)) continue;
        const name = text.slice(q.start, q.end).trim();
        if (name.length >= 2 && name.length <= 40 && !participants.includes(name)) participants.push(name);
      }
    } else {
      preds = facts.preds;
      inScope = facts.entities;
      participants = facts.participants.slice();
    }
    const pred = predicateFor(text, scope, d, preds, d.date.month === null);
    if (!pred) continue;
    // Who took part: the people and organisations the sentence names outside quotes, and the named happening.
    const named = pred.name ?? preds.find((p) => p.name && p.start > d.end)?.name;
    if (named && !participants.includes(named)) participants.push(named);
    out.push({
      start: Math.min(d.start, pred.start),
      end: Math.max(d.end, pred.end),
      date: d.date,
      dateSpan: { start: d.start, end: d.end },
      predicate: pred.normal,
      participants,
      place: quote ? placeOf(text, inScope) ?? addressIn(text, s, facts.quoteSet) : facts.place,
      sentence: d.sentence,
      ...(named ? { name: named } : {}),
    });
  }
  return out;
}

/**
 * Whether two events report the same happening: the same kind in the same month, and nothing that
 * tells them apart — different names (「…まつり」 and 「…例大祭」), different places, or participants
 * with no one in common. When either names no participant, their sentences (`aText`, `bText`) must
 * share a word besides the predicate: two broadcasts with nothing else in common are two broadcasts.
 */
export function sameHappening(a: EventUnit, b: EventUnit, aText?: string, bText?: string): boolean {
  if (a.predicate !== b.predicate) return false;
  if (a.date.month === null || a.date.month !== b.date.month) return false;
  if (a.date.year !== null && b.date.year !== null && a.date.year !== b.date.year) return false;
  if (a.name && b.name && a.name !== b.name) return false;
  if (a.place && b.place && a.place !== b.place) return false;
  if (a.participants.length && b.participants.length) return a.participants.some((p) => b.participants.includes(p));
  if (aText === undefined || bText === undefined) return true;
  const theirs = contentBigrams(bText);
  const own = predicateBigrams(a.predicate);
  for (const w of contentBigrams(aText)) if (theirs.has(w) && !own.has(w)) return true;
  return false;
}

/** Bigrams of the spellings of a predicate: sharing the predicate is not sharing a subject. */
const predicateBigramMemo = new Map<string, Set<string>>();
function predicateBigrams(normal: string): Set<string> {
  let out = predicateBigramMemo.get(normal);
  if (!out) {
    out = new Set([normal, ...PREDICATES.filter(([, n]) => n === normal).map(([spelling]) => spelling)].flatMap((w) => [...contentBigrams(w)]));
    predicateBigramMemo.set(normal, out);
  }
  return out;
}

const CONTENT_WORD = /[\p{Script=Han}\p{Script=Katakana}ー々]{2,}/gu;
/** Character bigrams of the kanji and katakana words of `s`. */
function contentBigrams(s: string): Set<string> {
  const out = new Set<string>();
  for (const [w] of allMatches(CONTENT_WORD, s.normalize("NFKC"))) {
    for (let i = 0; i + 1 < w.length; i++) out.add(w.slice(i, i + 2));
  }
  return out;
}

const ADDRESS = /([\p{Script=Han}\p{Script=Katakana}ー]{1,16}?(?:都|道|府|県|市|区|町|村|島))(?:にて|で(?![はもの]))/gu;
const ADDRESS_END = /[都道府県市区町村島](?:にて|で(?![はもの]))/u;
/** An address written before で/にて outside quotes (`佐賀県北浜市山里町にて`): a place by its suffix. */
function addressIn(text: string, s: Span, quotes: SpanSet): string | null {
  const sentence = text.slice(s.start, s.end);
  // Every match ends so: most sentences need no search (which retries each kanji or katakana at length).
  if (!ADDRESS_END.test(sentence)) return null;
  // The first match outside quotes, searched no further (ADDRESS never matches empty).
  ADDRESS.lastIndex = 0;
  for (let m = ADDRESS.exec(sentence); m !== null; m = ADDRESS.exec(sentence)) {
    if (quotes.covers(s.start + m.index)) continue;
    ADDRESS.lastIndex = 0;
    return m[1];
  }
  ADDRESS.lastIndex = 0;
  return null;
}

/** The place where it happened: a place (or organisation) right before で or にて, preferring a place. */
function placeOf(text: string, entities: EntityMention[]): string | null {
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i];
    if (e.type === "person") continue;
    if (!/^(?:で(?!は|も|の)|にて)/.test(text.slice(e.end, e.end + 2))) continue;
    if (e.type === "place") return e.canonical;
    // ワシントンのホワイトハウスで: take the place the organisation sits in when named.
    const prev = entities[i - 1];
    if (prev && prev.type === "place" && text.slice(prev.end, e.start) === "の") return prev.canonical;
    return e.canonical;
  }
  return null;
}

/**
 * Made-up sentences that take the rarer paths of `extractEvents` (a date inside a quote, a named
 * happening, a quoted name that joins in, a verb of holding, addresses in and out of quotes, the place
 * of an organisation, a programme), run on its first call: a path first taken after V8 has optimised these
 * functions deoptimises them, one more compile each (dates.ts does the same).
 */
const warmUp = onFirstCall(() => {
  const text =
    "2000年1月5日、「北区で夏祭」が東京都港区で開かれ、山田太郎が「緑会議」も参加して会談した。" +
    "「1月6日に大阪で大会があって」と語った。同日、ワシントンのホワイトハウスで会見が行われた。発売日：2000年2月1日、「南区で」、期間：2月1日〜2月5日まで。" +
    "2月3日、テレビ「緑の時間」では取材の様子が流れた。";
  const span = (s: string, from = 0): Span => {
    const start = text.indexOf(s, from);
    return { start, end: start + s.length };
  };
  const sentences: Sentence[] = [];
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf("。", start) + 1;
    sentences.push({ start, end, text: text.slice(start, end), paragraph: 0 });
    start = end;
  }
  const sentenceAt = (at: number): number => sentences.findIndex((s) => s.start <= at && at < s.end);
  const dates: DateMention[] = [];
  for (const [s, month, day] of [["2000年1月5日", 1, 5], ["1月6日", 1, 6], ["同日", 1, 6], ["2000年2月1日", 2, 1], ["2月1日", 2, 1], ["2月5日", 2, 5], ["2月3日", 2, 3]] as const) {
    const { start, end } = span(s, dates.length ? dates[dates.length - 1].end : 0);
    dates.push({ start, end, text: s, date: { year: 2000, month, day }, sentence: sentenceAt(start) });
  }
  const entities: EntityMention[] = [];
  for (const [s, type] of [["山田太郎", "person"], ["大阪", "place"], ["ワシントン", "place"], ["ホワイトハウス", "organization"]] as const) {
    const { start, end } = span(s);
    entities.push({ start, end, text: s, type, canonical: s });
  }
  const quotes: QuoteSpan[] = [];
  for (const [s, kind] of [["北区で夏祭", "term"], ["緑会議", "term"], ["1月6日に大阪で大会があって", "speech"], ["南区で", "term"], ["緑の時間", "term"]] as const) {
    const { start, end } = span(s);
    quotes.push({ start, end, kind });
  }
  // Several times: V8 records no feedback for a function until it has run for a while (about eight
  // times its bytecode's length).
  for (let i = 0; i < 20; i++) extractEvents(text, { sentences, dates, entities, quotes });
});
