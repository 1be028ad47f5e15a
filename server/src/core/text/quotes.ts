/**
 * Quotations and their speakers.
 *
 * A quote is 「…」『…』“…” or "…" (outermost marks only; nested marks stay in the text). A closing mark
 * with no opener at the start of a sentence is a quote whose opener the scraper cut off.
 *
 * Kind: *speech* when followed by と (述べた, 語った, 表明, …) — unless that と names or titles it
 * (と題した, として, という番組) —, when a speaker or a role directly introduces it (`マクレイン氏「…」`, a
 * headline, `生稲曰く「…」`), when a speaker follows it in parentheses (`「…」（新井田）`), when it is
 * one of a run of quotes that ends in speech (`「…」「…」と回答した`), when voices are reported
 * (`「…」などの声`), or when a clause-like quote stands in a sentence with a speech verb; otherwise
 * *term* (scare quotes, titles of programmes and works, names, templates such as 「最近ハマっている○○は」).
 *
 * Speaker: the sentence's actors — people (their titles, ages and honorifics skipped, 同氏/同会長 and a
 * bare 知事は resolved to the person last named with that title), organisations, and collective or
 * unnamed voices (ネット上では, ファンからは, 司会から, ロシア側は) — are read with the particle that
 * marks them. In order: a name in parentheses after the quote; the person the quote's verb phrase
 * modifies (`「…」と語った梶浦。`) or who follows と; the actor right before the opener (`Xは「`,
 * `Xが「`, `Xから「…」と訊かれ`, `X曰く「`, `X「`); for reported voices, only whoever they come from;
 * the nearest actor of the quote's own clause (a subject of an earlier clause such as
 * `櫻庭が「…」と尋ねると、` does not reach the next one); the sentence's topic; a topic after the quote
 * (`「…」と、ボルコフ氏は述べた`); else the speaker carried from the previous sentences — the last
 * topic or speaker, kept across at most one paragraph with no person of its own, and never taken from
 * an interviewer's question or an anonymous voice. A collective or unnamed actor gives no speaker.
 */
import { maxOf } from "../arrays";
import type { EntityMention, QuoteUnit, Sentence, Span } from "../model";
import { PERSON_TITLES } from "./entities";
import { normalizeForMatch } from "./normalize";
import { allMatches } from "./matches";

const PAIRS: Record<string, string> = { "「": "」", "『": "』", "“": "”" };
const CLOSER_TO_OPENER: Record<string, string> = { "」": "「", "』": "『", "”": "“" };
/** Char codes of every quote mark: any other char changes no state in `findQuotes`. */
/** The quote marks' code units, as a table (read at every character of the text). */
const QUOTE_CODES = new Uint8Array(0x10000);
for (const c of [...Object.keys(PAIRS), ...Object.keys(CLOSER_TO_OPENER), '"']) QUOTE_CODES[c.charCodeAt(0)] = 1;

/** `と` and its variants right after a quote that make it reported speech. */
const SPEECH_AFTER = /^[\s\u3000]*(?:[)）][\s\u3000]*)?(?:など|とも|なども|などとも)?(?:だ|です)?(?:と(?![\s\u3000]*[「『])|って|との|という)/u;
/** A と that names or titles the quoted words rather than reports them (と題した, として, という番組). */
const TERM_AFTER = new RegExp(
  "^[\\s\\u3000]*(?:と(?:題|銘打|名付|命名|呼ば|呼ぶ|呼んで|して|書かれ|記され|描かれ|印字|プリント|共に|ともに|一緒|同じ|比べ|並|対戦|コラボ|" +
    "(?:いう|いった)(?:名|タイトル|番組|映画|曲|歌|作品|ドラマ|コーナー|企画|イベント|愛称|ブランド|店|アプリ|サービス|グループ|ユニット|" +
    "キャラ|テーマ|商品|書籍|本|漫画|アニメ|ゲーム|バンド|チーム|文字|肩書|キャッチ|ハッシュタグ|タグ|部門|賞|大会|ツアー|公演|舞台))" +
    "|の(?:文字|看板|ロゴ|タイトル|主題歌|公開|放送|撮影|出演|主演|監督|原作|続編|番組|劇場版)|で(?:主演|共演|デビュー)|に(?:出演|主演|登場|出場|参加)|主宰|公式サイト" +
    "|と(?:称|表示|表記|記載|明記|銘|いう名目|の(?:理由|名目|趣旨|見出し|タイトル|題|名|名称|触れ込み|キャッチ)))",
  "u",
);
/** Words right before an opener that make the quote a title or a name (番組「…」, 映画『…』). */
const TITLE_BEFORE =
  /(?:番組|映画|ドラマ|アニメ|曲|楽曲|主題歌|新曲|シングル|アルバム|作品|著書|書籍|小説|漫画|コミック|雑誌|誌|紙|コーナー|企画|イベント|キャンペーン|ブランド|サイト|アプリ|サービス|ゲーム|ユニット|部門|賞|大会|タイトル|テーマ|愛称|ボカロ曲|劇団|公演|舞台|映画祭|フェス|ツアー|特集|連載|コラム|カテゴリ|ドラマ|CM|ＣＭ|系|局|会社|店|商品|製品|機能|モデル)[\s\u3000]*$/u;
/** Reported voices after a quote (「…」との声, などのコメント, という質問): speech, but only their source speaks. */
const VOICE_NOUN = "(?:声|反響|意見|書き込|問い合わせ|質問|問い|ツッコミ|悲鳴|歓声|要望|つぶやき|ツイート|コメント)";
const VOICE_AFTER = new RegExp(
  `^[\\s\\u3000]*(?:[)）][\\s\\u3000]*)?(?:(?:など|とか)?(?:との|という|といった|などの|などと|など)[^。「『]{0,14}?${VOICE_NOUN}|と[^。「『、]{1,14}?${VOICE_NOUN}(?:が|も|を|は|で))`,
  "u",
);
/**
 * Words ascribed to people in general (「…」という人も多い, 「…」と話す女性も, 「…」なんていう主婦): speech,
 * but no one's in particular.
 */
const GENERIC_PEOPLE_AFTER =
  /^[\s\u3000]*(?:[)）][\s\u3000]*)?(?:など|とか)?(?:という|といった|って|なんていう|なんて|と(?:いう|言う|考える|思う|思っている|思ってる|感じる|感じている|話す|話した|嘆く|こぼす|答える|答えた|語る|語った))[\s\u3000]*(?:[^。「『、]{0,8}?の)?(?:人|方|女性|男性|独女|主婦|ママ|ユーザー|若者|社会人|学生|OL)(?:たち|ら)?(?:は|も|が|を|に|の|、|。|$)/u;
/** A saying, or what is said in general (「…」ともいいます, 「…」といわれている): no one's words in particular. */
const SAYING_AFTER = /^[\s\u3000]*(?:など)?(?:ともい[いうわえ]|とも言[いうわえ]|と(?:よく|一般に|昔から|俗に)?(?:いわれ|言われ)て(?:い|お))/u;
/** A thought, not words said (「…」と思っても, 「…」と心の中で考える, 「…」と感じた): no one's speech. */
const THOUGHT_AFTER = /^[\s\u3000]*(?:って|と)(?:[^。、「『]{0,8}?(?:思(?!わず)|考え)|[\s\u3000]*感じ(?!させ))/u;
/** A survey's item and its share (「思う」と答えた人は34％, 「…」という人は12％): a tally, not anyone's words. */
const SURVEY_AFTER = /^[\s\u3000]*(?:と|という|って|との)[^。「『]{0,10}?(?:人|回答者?|答え)[^。「『]{0,6}?[0-9０-９.．]+[\s\u3000]*(?:％|%|人|割)/u;
/** A thought imagined as one of several (「…」と不安に思ったり): no one said it. */
const IMAGINED_AFTER = /^[\s\u3000]*(?:って|と)[^。「『、]{0,10}?(?:たり|だり)(?:[、。]|する|して|も)/u;
/** `という`/`といった` + a noun that is not a kind of speech: the quote names that thing (「…」という新商品名). */
const NAMING_AFTER = /^[\s\u3000]*(?:という|といった)[\s\u3000]*(?![^。、]{0,6}?(?:言葉|発言|声|質問|問い|コメント|意見|思い|気持ち|考え|メッセージ|一言|セリフ|台詞|答え|回答|返事|話|主張|指摘|批判|感想|説明|約束|決意|願い|叫び|つぶやき|ツイート|書き込))[^。、「]{0,8}?[\p{Script=Han}ァ-ヴー]{2,}(?:が|を|に|は|で|の|から|と|も)/u;
/** An honorific or a noun right after the closing mark: the quote is a name (「ぽんた」さん, 「弾いてみた」動画). */
const NAME_AFTER = /^(?:さん|氏|君|くん|ちゃん|様|殿|[\p{Script=Han}ァ-ヴー]{1,6}(?:を|が|に|で|の|は|も|へ|や))/u;
/** A question reported after a quote: its asker is only the one named as asking it. */
const QUESTION_AFTER = /^[\s\u3000]*(?:(?:と|という|といった|との)[^。「『、]{0,6}?(?:質問|問い)|と[^。「『、]{0,8}?(?:尋ね|訊|聞か|聞い|聞き|問わ|問い|質問))/u;
/** A passive verb after a quote (と訊かれ, と言われた): `Xに「…」` is then X's. */
const PASSIVE_AFTER = /^[\s\u3000]*と(?!も)[\s\u3000、]*[^。「『、]{0,6}?(?:され|られ|かれ|われ|まれ|ばれ)/u;
/**
 * The same, less the honorific forms of speech verbs (述べられた, 話された: the subject is the speaker):
 * the topic or subject of `Xは「…」と訊かれ` is the one who heard the words, not who said them.
 */
const HEARER_PASSIVE_AFTER = /^[\s\u3000]*と(?!も)[\s\u3000、]*(?![^。「『、]{0,3}?(?:述べ|話さ|語ら|申さ|仰|おっしゃ|発言さ|挨拶さ|説明さ|表明さ|強調さ|言及さ|コメントさ))[^。「『、]{0,6}?(?:され|られ|かれ|われ|まれ|ばれ)/u;
/** A template with blanks (「最近ハマっている○○は」という質問), not anyone's words. */
const TEMPLATE = /○○|〇〇|××|●●|△△|□□/u;
/** A quote that reads as a clause (ends like a sentence), for quotes standing alone. */
const CLAUSE_END = /(?:る|た|だ|い|う|す|ぬ|ない|ません|です|ます|よ|ね|か|な|わ|ぞ|ろ|ろう|しよう|っす|[！？!?。…wｗ]|[（(]笑[）)])[\s\u3000]*$/u;
/** Words, not just digits and marks (「888888」 is applause). */
const HAS_WORDS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}A-Za-z]{2}/u;
/** Speech and report verbs that can govern a quote in the same sentence. */
export const SPEECH_VERBS =
  /述べ|語っ|語り|語る|話し(?!合)|話す|話した|表明|発言|主張|強調|明らかに|明か|迫っ|迫る|投稿|説明|指摘|批判|訴え|答え|書き込|警告|発表|言及|反論|明言|断言|求め|要求|宣言|示唆|評価|呼びかけ|応じ|述懐|言明|記者団に|伝え|振り返|告白|挨拶|回答|コメント|続け|切り出|つぶや|呟|叫|意気込|吐露|打ち明け|漏ら|熱弁|力説|激白|証言|報告|誓|絶賛|笑わせ|苦笑|言っ|言い|言う/u;
/** Role nouns that introduce a quote without naming anyone (米高官「…」): speech, speaker unknown. */
const ROLE_BEFORE = /(?:高官|当局者|関係者|報道官|首相|大統領|幹部|氏|外相|長官|代表|議員|政府|側|筋)[\s\u3000]*$/u;

interface RawQuote {
  open: number; // offset of the opening mark, or -1 when cut off
  innerStart: number;
  innerEnd: number;
  close: number; // offset of the closing mark, or -1 when never closed
  mark: string;
}

/** For each opening mark's code unit, the closing mark's (a straight mark closes itself); 0 for others. */
const CLOSER_OF = new Uint16Array(0x10000);
for (const [o, c] of [...Object.entries(PAIRS), ['"', '"']]) CLOSER_OF[o.charCodeAt(0)] = c.charCodeAt(0);

/**
 * Finds outermost quotes in `[start, end)` of `text`. (By code unit, with one path for every opener,
 * the straight mark's included: each path first taken after the optimiser compiled this would throw
 * the code away.)
 */
export function findQuotes(text: string, start: number, end: number): RawQuote[] {
  const out: RawQuote[] = [];
  let openAt = -1;
  let opener = 0;
  let closer = 0;
  let depth = 0;
  // (`out.length > 0`, as a boolean: a test that needs no type feedback.)
  let found = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (QUOTE_CODES[c] !== 1) continue;
    if (openAt < 0) {
      const closes = CLOSER_OF[c];
      if (closes !== 0) {
        openAt = i;
        opener = c;
        closer = closes;
        depth = 1;
      } else if (!found) {
        // A closing mark with no opener: the scraper cut the opening off (`…検討する」…が表明`).
        const mark = CLOSER_TO_OPENER[text[i]];
        if (!text.slice(start, i).includes(mark) && i - start >= 2) {
          out.push({ open: -1, innerStart: start, innerEnd: i, close: i, mark });
          found = true;
        }
      }
      continue;
    }
    // (A straight mark closes what it opened: it never nests.)
    if (c === closer) {
      if (--depth === 0) {
        if (i - openAt > 1) {
          out.push({ open: openAt, innerStart: openAt + 1, innerEnd: i, close: i, mark: text[openAt] });
          found = true;
        }
        openAt = -1;
      }
    } else if (c === opener) depth++;
  }
  return out;
}

function within(s: Span, spans: Span[]): boolean {
  return spans.some((q) => s.start >= q.start && s.end <= q.end);
}

/** What may stand between a name and its particle: a title (with 前/元 and an office), an age, an honorific. */
const TITLE_ALT = PERSON_TITLES.join("|");
const AFTER_NAME = new RegExp(
  `^(?:[・\\s\\u3000]?(?:前|元|現|新)?[一-龥]{0,4}?(${TITLE_ALT}))?(?:[（(](?:[^（）()「」]{0,12}?\\d{1,3}(?:歳|才)?[^（）()「」]{0,10}|仮名)[）)])?(?:氏|さん|様|君|くん|ちゃん)?`,
  "u",
);
/** A title or role right before a name (山形県知事の大川誠氏, 番組MCの田中, 社長杉森). */
const TITLE_BEFORE_NAME = new RegExp(`(${TITLE_ALT}|司会|MC|キャスター|アナウンサー|女優|俳優|歌手|記者|主演)(?:の|・)?[\\s\\u3000]*$`, "u");
/** 同氏, 同会長: the person last named (with that title). */
const ANAPHOR = new RegExp(`同(${PERSON_TITLES.filter((t) => /^[一-龥]/.test(t)).join("|")})`, "gu");
/** A title standing alone as an actor (知事は, 会長が): the person last named with it. */
const BARE_TITLES = new Set([...PERSON_TITLES.filter((t) => /^[一-龥]/.test(t) && t.length >= 2), "司会", "司会者", "MC"]);
/**
 * People an article leaves unnamed — relatives, friends, colleagues, customers (女友達は, 母親から,
 * 娘さんは, 同僚の男性が): their words are someone's, but no one the reader can check a quote against.
 * Not 彼/彼女, which stand for the person just named.
 */
const UNNAMED_PEOPLE = [
  "友人", "友達", "女友達", "男友達", "知人", "知り合い", "同僚", "上司", "部下", "先輩", "後輩", "同期", "同級生", "母親", "父親",
  "両親", "母", "父", "夫", "妻", "旦那", "嫁", "彼氏", "恋人", "元カレ", "元カノ", "娘", "息子", "長男", "長女", "次男", "次女",
  "兄", "姉", "弟", "妹", "家族", "親", "親族", "親戚", "子供", "子ども", "店員", "担当者", "店主", "ママ", "パパ", "義母", "義父",
  "姑", "祖母", "祖父", "孫", "隣人", "警察官", "警官", "運転手", "係員", "駅員", "看護師", "医者", "教師", "保育士", "住職",
];
/** People in general (女性も増えている): a crowd, like ファン. */
const GENERIC_PEOPLE = ["男性", "女性", "男子", "女子", "客", "社員", "主婦", "既婚者", "独身者", "独女", "若者", "人々", "みんな", "皆"];
const HONORIFIC_FORMS = ["さん", "さま", "様", "ちゃん", "くん", "御さん"];
const UNNAMED_SET = new Set(UNNAMED_PEOPLE.flatMap((w) => ["", "たち", "ら", ...HONORIFIC_FORMS].map((x) => w + x)));
/**
 * Collective and unnamed voices (ネット上では, ファンからは, ロシア側は, 両首脳は, 関係者によると): what
 * they say is nobody's in particular.
 */
const GROUP_WORDS = [
  ...GENERIC_PEOPLE,
  "ネット上", "ネットユーザー", "ネット民", "ネット", "ユーザー", "視聴者", "ファン", "読者", "観客", "観衆", "会場", "来場者", "聴衆",
  "周囲", "世間", "一部報道", "一部", "批評家", "報道陣", "参加者", "住民", "国民", "市民", "掲示板", "ツイッター上", "ツイッター",
  "Twitter上", "Twitter", "フォロワー", "関係者", "当局者", "高官", "側", "政府", "当局", "首脳", "両者", "両国", "各国", "同国",
  "大統領府", "軍", "省", "府", "スタッフ", "記者団", "記者", "一同", "メディア", "専門家", "識者", "評論家", "ファンら", "出席者",
  "選手ら", "選手たち", "チームメイト", "コメント", "声", "意見", "反響",
];
const GROUP_SET = new Set([
  ...GROUP_WORDS.flatMap((w) => ["", "たち", "ら", "陣", "の間", "の間で", "上", "内", "側"].map((x) => w + x)),
  ...UNNAMED_SET,
]);
const GROUP_MAX = Math.max(...[...GROUP_SET].map((w) => w.length));
const BARE_MAX = Math.max(...[...BARE_TITLES].map((w) => w.length));
/** The particles after which an actor's word ends: looked back from, instead of matching every word everywhere. */
const ACTOR_PARTICLE = /では|からは|からも|から|より|によると|によれば|には|にも|は|が|も|の(?=問い|質問|言葉|呼びかけ|発言|一言|コメント|声|意見|メッセージ)/gu;
/** A set's words spelled backwards as a trie of code units (`wordEndingAt` walks it back from a particle). */
interface Suffixes {
  next: Map<number, Suffixes>;
  word: string | null;
}
const suffixTrie = (set: Set<string>): Suffixes => {
  const root: Suffixes = { next: new Map(), word: null };
  for (const w of set) {
    let node = root;
    for (let k = w.length - 1; k >= 0; k--) {
      const c = w.charCodeAt(k);
      let child = node.next.get(c);
      if (child === undefined) node.next.set(c, (child = { next: new Map(), word: null }));
      node = child;
    }
    node.word = w;
  }
  return root;
};
const SUFFIX_TRIES = new Map<Set<string>, Suffixes>([
  [BARE_TITLES, suffixTrie(BARE_TITLES)],
  [GROUP_SET, suffixTrie(GROUP_SET)],
]);
/** The last characters of the words of each trie's set, as a table: most particles follow none. */
const LAST_CHARS = new Map<Set<string>, Uint8Array>();
for (const set of SUFFIX_TRIES.keys()) {
  const last = new Uint8Array(0x10000);
  for (const w of set) if (w.length > 0) last[w.charCodeAt(w.length - 1)] = 1;
  LAST_CHARS.set(set, last);
}
const BARE_LAST = LAST_CHARS.get(BARE_TITLES)!;
const GROUP_LAST = LAST_CHARS.get(GROUP_SET)!;
/** The longest word of `set` (at most `max` long) ending at `end` of `slice`, or null. */
function wordEndingAt(slice: string, end: number, set: Set<string>, max: number): string | null {
  if (end <= 0 || max <= 0 || (set === BARE_TITLES ? BARE_LAST : set === GROUP_SET ? GROUP_LAST : LAST_CHARS.get(set)!)[slice.charCodeAt(end - 1)] === 0) return null;
  let node: Suffixes | undefined = SUFFIX_TRIES.get(set)!;
  let found: string | null = null;
  for (let k = end - 1; k >= Math.max(0, end - max); k--) {
    node = node.next.get(slice.charCodeAt(k));
    if (node === undefined) break;
    if (node.word !== null) found = node.word;
  }
  return found;
}

type Marker = "topic" | "subject" | "source" | "iwaku" | "dative" | "possessive" | "direct" | "end" | "and" | "other";

interface Actor {
  start: number;
  end: number;
  /** Where the particle starts (after a title, an age, an honorific). */
  at: number;
  marker: Marker;
  /** Canonical name; null for a collective or unnamed voice. */
  name: string | null;
  kind: "person" | "organization" | "group";
  span: Span;
  /** For a group: an unnamed person or people (女友達, 娘さん), rather than a crowd or an institution. */
  people: boolean;
}

function markerAt(text: string, at: number, limit: number): Marker {
  if (at >= limit) return "end";
  const c = text[at];
  const d = at + 1 < limit ? text[at + 1] : "";
  // By the first character first: this runs for every actor of every sentence within a quote's reach.
  switch (c) {
    case "。":
    case "！":
    case "？":
    case "!":
    case "?":
      return "end";
    case "は":
      return text.startsWith("じめ", at + 1) || d === "ず" ? "other" : "topic";
    case "も":
      return d === "の" ? "other" : "topic";
    case "こ":
      return d === "そ" ? "topic" : "other";
    case "で":
      return d === "は" ? "topic" : "end";
    case "に":
      return d === "よ" ? "other" : "dative";
    case "へ":
      return "dative";
    case "宛":
      return "dative";
    case "が":
      return "subject";
    case "か":
      return d === "ら" ? "source" : "other";
    case "よ":
      return d === "り" ? "source" : "other";
    case "曰":
      return "iwaku";
    case "い":
      return text.startsWith("いわく", at) ? "iwaku" : "other";
    case "の":
      return "possessive";
    case "「":
    case "『":
    case "“":
      return "direct";
    case "だ":
    case "、":
      return "end";
    case "と":
      return d === "、" || d === "," ? "and" : "other";
    case "や":
      return "and";
  }
  if (c === " " || c === "\u3000") return /^[\s\u3000]*[「『“]/.test(text.slice(at, Math.min(limit, at + 6))) ? "direct" : "other";
  return "other";
}

const TRAILING_SPACE = /[\s\u3000]/u;
/**
 * `re.test(s)` for an expression of the form `(?:words)[\s\u3000]*$` whose words hold no space and
 * are at most 16 characters long (CLAUSE_END, TITLE_BEFORE, ROLE_BEFORE): a match ends where the
 * trailing spaces begin, so only the 16 characters before them are searched, not every position of
 * a long quote or sentence.
 */
function endsWith(re: RegExp, s: string): boolean {
  let e = s.length;
  while (e > 0 && TRAILING_SPACE.test(s[e - 1])) e--;
  return re.test(e > 16 ? s.slice(e - 16) : s);
}

/** The `ACTOR_PARTICLE` matches that start with は, が, も, から or より (a bare title may stand before them). */
const TITLE_PARTICLES = new Set(["は", "が", "も", "から", "からは", "からも", "より"]);

/** 、 and , as a table (read after 自身). */
const COMMA = new Uint8Array(0x10000);
COMMA[0x3001] = COMMA[0x2c] = 1;

/** Persons, organisations and voices of a sentence, outside its quotes, in order. */
function actorsOf(text: string, s: Sentence, quoteSpans: Span[], ctx: { persons: EntityMention[]; orgs: EntityMention[] }, history: PersonRef[]): Actor[] {
  const out: Actor[] = [];
  const outside = (a: Span) => !within(a, quoteSpans) && !quoteSpans.some((q) => a.start < q.end && q.start < a.end);
  // A quoted name with an honorific (「ぽんた」さんは) is an actor, though inside quote marks.
  const quotedName = (p: Span) => quoteSpans.some((q) => q.start === p.start && q.end === p.end) && /^」(?:さん|氏|君|くん|ちゃん|様)/.test(text.slice(p.end, p.end + 3));
  for (const p of ctx.persons) {
    const quoted = quotedName(p);
    if (!outside(p) && !quoted) continue;
    const m = AFTER_NAME.exec(text.slice(p.end + (quoted ? 1 : 0), Math.min(s.end, p.end + 16)));
    let at = p.end + (quoted ? 1 : 0) + (m ? m[0].length : 0);
    // ノボルさん自身、…: the person, as the topic of what follows. (Every step runs for every person:
    // a step first met in optimised code throws it away.)
    const self = text.startsWith("自身", at);
    at += self ? 2 : 0;
    const comma = at < text.length && COMMA[text.charCodeAt(at)] === 1;
    const marker = self && comma ? "topic" : markerAt(text, at, s.end);
    out.push({ start: p.start, end: p.end, at, marker, name: p.canonical, kind: "person", span: { start: p.start, end: p.end }, people: false });
  }
  for (const o of ctx.orgs) {
    if (!outside(o)) continue;
    // A government body speaks as a group (ロシア大統領府は), other organisations in their own name.
    const group = /(?:政府|大統領府|当局|省|府|軍)$/.test(o.canonical);
    out.push({ start: o.start, end: o.end, at: o.end, marker: markerAt(text, o.end, s.end), name: group ? null : o.canonical, kind: group ? "group" : "organization", span: { start: o.start, end: o.end }, people: false });
  }
  const slice = text.slice(s.start, s.end);
  const free = (a: number, b: number) => !out.some((x) => a < x.end && x.start < b) && outside({ start: a, end: b });
  if (slice.includes("同")) anaphorActors(text, s, slice, history, out, free);
  let lastEnd = -1;
  for (const m of allMatches(ACTOR_PARTICLE, slice)) {
    const at = m.index ?? 0;
    if (at === lastEnd) continue;
    lastEnd = at;
    const particle = m[0];
    // A bare title (知事は): not inside a longer word, nor a generic noun after の (ライバル国の選手が).
    const title = TITLE_PARTICLES.has(particle) ? wordEndingAt(slice, at, BARE_TITLES, BARE_MAX) : null;
    if (title !== null) {
      const a = bareTitleActor(text, s, slice, at, title, ctx.orgs, history, free);
      if (a !== null) {
        out.push(a);
        continue;
      }
    }
    const group = wordEndingAt(slice, at, GROUP_SET, GROUP_MAX);
    if (group) {
      const start = s.start + at - group.length;
      const end = s.start + at;
      if (!free(start, end)) continue;
      const marker = particle.startsWith("によ") ? "source" : markerAt(text, end, s.end);
      out.push({ start, end, at: end, marker, name: null, kind: "group", span: { start, end }, people: UNNAMED_SET.has(group) });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

// (The two kinds of actor below stand apart from `actorsOf`: their branches are met one by one over a
// corpus, and each first meeting inside actorsOf's optimised code would throw that code away.)

/** 同氏, 同会長 in `slice` (the sentence `s`): the person last named with that title, else an unnamed one. */
function anaphorActors(text: string, s: Sentence, slice: string, history: PersonRef[], out: Actor[], free: (start: number, end: number) => boolean): void {
  for (const m of allMatches(ANAPHOR, slice)) {
    const start = s.start + (m.index ?? 0);
    const end = start + m[0].length;
    if (!free(start, end)) continue;
    out.push(titleActor(text, s, resolveTitle(history, m[1], start, true), start, end));
  }
}

/**
 * A bare title before the particle at `at` of `slice` (知事は): the person last named with it, else an
 * unnamed one; null when the title is part of a longer word, or people in general (選手が).
 */
function bareTitleActor(text: string, s: Sentence, slice: string, at: number, title: string, orgs: EntityMention[], history: PersonRef[], free: (start: number, end: number) => boolean): Actor | null {
  const x = at - title.length;
  // (番組MCが, 番組司会の: the programme's host, unnamed here.)
  const hostOf = /^(?:MC|司会|司会者)$/.test(title) && x >= 2 && slice.startsWith("番組", x - 2);
  // (北斗ジムの会長は: an organisation's holder of that title — the one last named with it, or an
  // unnamed one; never the person spoken of before.)
  const orgHolder = x > 0 && slice.charCodeAt(x - 1) === 0x306e && orgs.some((o) => o.end === s.start + x - 1);
  if (!(hostOf || orgHolder || !(x > 0 && /[一-龥々ァ-ヴー・A-Za-zのな]/.test(slice[x - 1])))) return null;
  const start = s.start + x - (hostOf ? 2 : 0);
  const end = s.start + at;
  if (!free(start, end)) return null;
  const ref = resolveTitle(history, title, s.start + x, false);
  // An unresolved 選手が is people in general; an unresolved 首相は or 司会から is an unnamed one.
  if (!ref && /^(?:選手|投手|コーチ|記者|アナ|キャスター|先生|医師|弁護士|議員|社員|職員)$/.test(title)) return null;
  return titleActor(text, s, ref, start, end);
}

function titleActor(text: string, s: Sentence, ref: PersonRef | null, start: number, end: number): Actor {
  return { start, end, at: end, marker: markerAt(text, end, s.end), name: ref ? ref.name : null, kind: ref ? "person" : "group", span: ref ? ref.span : { start, end }, people: false };
}

/** A person named so far, with the title the text gives them (for 同会長, 知事は). */
interface PersonRef {
  name: string;
  /** The title, worked out only when an anaphor or a bare title asks (most never do). */
  title(): string | null;
  span: Span;
}

function resolveTitle(history: PersonRef[], title: string, before: number, anaphor: boolean): PersonRef | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    if (h.span.start >= before) continue;
    const t = h.title();
    if (t && (t === title || t.endsWith(title))) return h;
  }
  if (anaphor && (title === "氏" || title === "さん")) {
    for (let i = history.length - 1; i >= 0; i--) if (history[i].span.start < before) return history[i];
  }
  return null;
}

export interface QuoteContext {
  /** Person mentions of the text (canonical names), in order. */
  persons: EntityMention[];
  /** Every entity mention of the text (organisations may speak), in order; persons alone when absent. */
  entities?: EntityMention[];
}

/** The speaker a sentence hands on to the next ones (null: no one, on purpose) and where it was named. */
interface Carried {
  speaker: { name: string; span: Span } | null;
  paragraph: number;
  /** One paragraph about no one in particular has passed since (the speaker's turn goes on). */
  bridged?: boolean;
}

interface Pending {
  raw: RawQuote;
  kind: "speech" | "term";
  speaker: { name: string; span: Span } | null;
  /** The speaker was named for this quote itself (not the topic or a carried one). */
  own: boolean;
  question: boolean;
  chained: boolean;
  /** The speaker, if any, was only carried from earlier sentences (no actor of this one named it). */
  carriedOnly: boolean;
}

/** The start of a transcript's line: a name (with a gloss in parentheses) and a colon. */
const LINE_SPEAKER = /^[\s\u3000]*([^\s\u3000：:「」『』。、，,（）()]{1,12}?)(?:[（(][^）)\n]{0,20}[）)])?(?:さん|氏)?[\s\u3000]*[：:]/u;
/** An interviewer's line: a dash or a Q before the question. */
const INTERVIEWER_LINE = /^[\s\u3000]*(?:[—―－‐]{1,3}|[-]{2,3}|[QＱ][\s\u3000]*[：:．.]|[QＱ][\s\u3000]+)/u;
/** A sentence saying whom the writer asked (`Xさんに話を聞いた`, `Xに伺ってみた`, `Xを直撃した`). */
const ASKED = /(?:聞い|聞き|聞く|聞け|伺|うかが|訊|尋ね|インタビュー|取材|直撃|質問)[^。「『、]{0,12}[。．]?[\s\u3000]*$/u;
/** A sentence saying someone was told the words that follow (こんなことを言われた, こう訊かれた). */
const TOLD = /(?:こんな|こう|そんな|次のような|以下のような)[^。「『]{0,10}?(?:言われ|いわれ|訊かれ|聞かれ|尋ねられ|問われ|頼まれ|告げられ|打ち明けられ|誘われ|怒られ|叱られ)/u;
/** A sentence that announces the quotes after it (こう話す, 次のように語った). */
const ANNOUNCE = /(?:こう|次のように|以下のように)[^。「『、]{0,8}?(?:語|話|言|聞|訊|尋ね|分析|説明|明か|述べ|答え|振り返|続け|打ち明け|ぼや|嘆|つぶや|コメント)/u;
/** Subordinate clause endings after which a が-subject no longer holds (…と尋ねると、「…」). */
const CLAUSE_BREAK = /(?:ると|るや|れると|られると|たら|れば|ので|けど|けれど|ところ|るも|たが|だが|ものの|際に|際|うちに)[、,]?|[えけせてねめべげ]ば[、,]/gu;

const PAREN_NOT_NAME = /^(?:笑|爆笑|苦笑|中略|略|談|日本語|英語|原文|写真|拍手|涙|一同|続く|後略|前略|編集部|注|訳|同|全員|会場|場内|\d.*)$/u;

/**
 * Extracts the quotes of `sentences` (spans into `text`), classifies them and finds their speakers.
 * `sentence` indexes the array given.
 */
export function extractQuotes(text: string, sentences: Sentence[], ctx: QuoteContext): QuoteUnit[] {
  const out: QuoteUnit[] = [];
  const allPersons = ctx.persons;
  const allOrgs = (ctx.entities ?? []).filter((e) => e.type === "organization");
  // Speaker state carried from sentence to sentence: the last speaker or topic person and its paragraph.
  let carried: Carried | null = null;
  const history: PersonRef[] = [];
  /** Quotes standing alone whose speaker was only carried over: a next sentence may name theirs. */
  let unclaimed: number[] = [];
  /** The voice of the current paragraph when it is a transcript's line (null speaker: the interviewer's). */
  let line: { speaker: { name: string; span: Span } | null; opens: number } | null = null;
  /** The person the article says it asked (`Xさんに話を聞いた`): the voice of answers that stand alone. */
  let interviewee: { name: string; span: Span } | null = null;
  let p0 = 0;
  let o0 = 0;
  const allRaws = sentences.map((s) => findQuotes(text, s.start, s.end));
  // The last paragraph from which a quote is still to come, per sentence: a sentence's actors matter
  // only to a quote of its own or one in its paragraph or the next (a speaker is carried no further).
  const quoteAhead: boolean[] = new Array(sentences.length).fill(false);
  for (let si = sentences.length - 1, nextQuote = -1; si >= 0; si--) {
    if (allRaws[si].length > 0) nextQuote = sentences[si].paragraph;
    quoteAhead[si] = nextQuote >= 0 && nextQuote - sentences[si].paragraph <= 1;
  }
  for (let si = 0; si < sentences.length; si++) {
    const s = sentences[si];
    while (p0 < allPersons.length && allPersons[p0].end <= s.start) p0++;
    while (o0 < allOrgs.length && allOrgs[o0].end <= s.start) o0++;
    const persons: EntityMention[] = [];
    for (let k = p0; k < allPersons.length && allPersons[k].start < s.end; k++) if (allPersons[k].end <= s.end) persons.push(allPersons[k]);
    const orgs: EntityMention[] = [];
    for (let k = o0; k < allOrgs.length && allOrgs[k].start < s.end; k++) if (allOrgs[k].end <= s.end) orgs.push(allOrgs[k]);
    const raws = allRaws[si];
    const quoteSpans: Span[] = raws.map((r) => ({ start: r.innerStart, end: r.innerEnd }));
    // Titles the text gives each person here (for 同会長 and a bare 知事は later on).
    for (const p of persons) {
      if (within(p, quoteSpans)) continue;
      const sentenceStart = s.start;
      const sentenceEnd = s.end;
      let title: string | null | undefined;
      history.push({
        name: p.canonical,
        span: { start: p.start, end: p.end },
        title: () => {
          if (title !== undefined) return title;
          const after = AFTER_NAME.exec(text.slice(p.end, Math.min(sentenceEnd, p.end + 16)));
          const before = TITLE_BEFORE_NAME.exec(text.slice(Math.max(sentenceStart, p.start - 10), p.start));
          // An office (県知事, 会長) says more than an honorific (氏) for finding 知事は and 同会長 later.
          const office = after?.[1] && !/^(?:氏|さん|様|君|くん|ちゃん)$/.test(after[1]) ? after[1] : null;
          return (title = office ?? before?.[1] ?? after?.[1] ?? null);
        },
      });
    }
    if (carried && s.paragraph - carried.paragraph > 1) {
      const c: Carried = carried;
      carried = c.bridged && s.paragraph - c.paragraph === 2 ? { ...c, paragraph: s.paragraph - 1, bridged: false } : null;
    }
    const lineStart = text.lastIndexOf("\n", s.start - 1) + 1;
    if (lineStart > (sentences[si - 1]?.start ?? -1)) {
      // A transcript's line: `木暮：…` (or `木暮真由美（以下、木暮）：…`) is that person's; `——…？` is the
      // interviewer's, who is no one the article names.
      const head = text.slice(lineStart, Math.min(s.end, lineStart + 40));
      // (Every match ends with a colon: most lines hold none, and the lazy name part is costly to retry.)
      const named = head.includes("：") || head.includes(":") ? LINE_SPEAKER.exec(head) : null;
      const at = named ? lineStart + named[0].length - named[0].trimStart().length : -1;
      let p: EntityMention | undefined;
      for (let k = Math.max(0, p0 - 3); named && !p && k < Math.min(allPersons.length, p0 + 3); k++) {
        if (allPersons[k].start === at && allPersons[k].end <= at + named[1].length + 3) p = allPersons[k];
      }
      line = p ? { speaker: { name: p.canonical, span: { start: p.start, end: p.end } }, opens: lineStart + named![0].length } : INTERVIEWER_LINE.test(head) ? { speaker: null, opens: -1 } : null;
    }
    if (!quoteAhead[si] && unclaimed.length === 0) {
      // Nothing to attribute here or within reach: no speaker is carried past this sentence.
      carried = null;
      continue;
    }
    const actors = actorsOf(text, s, quoteSpans, { persons, orgs }, history);
    const blanked = blank(text, s, raws);
    const breaks: number[] = [];
    if (raws.length > 0 || ANNOUNCE.test(blanked)) {
      for (const m of allMatches(CLAUSE_BREAK, blanked)) breaks.push(s.start + (m.index ?? 0) + m[0].length);
    }
    const standalone = raws.length === 1 && raws[0].open >= 0 && /^[\s\u3000]*$/.test(text.slice(s.start, raws[0].open)) && /^[\s\u3000。]*$/.test(text.slice(raws[0].close + 1, s.end));

    const pending: Pending[] = [];
    for (let qi = 0; qi < raws.length; qi++) {
      const r = raws[qi];
      const inner = text.slice(r.innerStart, r.innerEnd);
      const afterStart = r.close >= 0 ? r.close + 1 : r.innerEnd;
      const after = text.slice(afterStart, Math.min(s.end, afterStart + 40));
      const openAt = r.open >= 0 ? r.open : r.innerStart;
      const beforeText = text.slice(s.start, openAt);
      const chained = qi + 1 < raws.length && raws[qi + 1].open >= 0 && /^[\s\u3000、,・]*$/.test(text.slice(afterStart, raws[qi + 1].open));
      let kind: "speech" | "term" = "term";
      let speaker: Pending["speaker"] = null;
      let own = false;
      let carriedOnly = false;

      const termAfter = TERM_AFTER.test(after);
      const speechAfter = termAfter ? null : SPEECH_AFTER.exec(after);
      const voice = !termAfter && (VOICE_AFTER.test(after) || GENERIC_PEOPLE_AFTER.test(after));
      // Said by people in general or only imagined: speech at most, and no one's.
      const nobody = !termAfter && (SAYING_AFTER.test(after) || IMAGINED_AFTER.test(after));
      const question = !termAfter && QUESTION_AFTER.test(after);
      const entityAfter = (ctx.entities ?? allPersons).some((e) => e.start === afterStart);
      // (Whether the quote ends like a clause is asked up to five times below: worked out once.)
      let innerEnd: boolean | undefined;
      const endsLikeClause = (): boolean => (innerEnd ??= endsWith(CLAUSE_END, inner));
      const clauseLike = inner.length >= 6 && endsLikeClause();
      // 「X」と言われる, “X”と呼ばれる: what something is called, not what someone said.
      const calledAfter = !clauseLike && /^[\s\u3000]*と(?:(?:いわれ|言われ|称され)る[\p{Script=Han}ァ-ヴー]|呼ばれ)/u.test(after);
      const naming = !voice && !question && (calledAfter || (NAMING_AFTER.test(after) && !clauseLike) || (r.open >= 0 && !entityAfter && NAME_AFTER.test(after) && !speechAfter));
      const outletBefore = actors.some((a) => a.kind === "organization" && /^[\s\u3000]*$/.test(text.slice(a.end, openAt)));
      const titleBefore = endsWith(TITLE_BEFORE, beforeText) || outletBefore;
      if (speechAfter || voice) kind = "speech";

      // A name in parentheses right after the quote: 「…」（新井田）.
      const paren = /^[（(]([^）)「」]{1,10})[）)]/.exec(after);
      if (paren && !termAfter && r.mark !== "『") {
        const at = afterStart + 1;
        const p = persons.find((x) => x.start === at);
        // A name the analysis did not tag counts when the quote reads as someone's words and the text
        // names it elsewhere too (山川葵 … 「…」（山川）), not for a product's maker or a gloss.
        const raw = paren[1];
        const plausible =
          /^[\p{Script=Han}々ァ-ヴー・]{1,6}$/u.test(raw) &&
          !PAREN_NOT_NAME.test(raw) &&
          !/(?:製|版|編|社|県|市|町|村|語|訳|作|著|監督|提供|撮影|写真|画像|出典)$/.test(raw) &&
          (endsLikeClause() || /[はがをにでも]/.test(inner)) &&
          text.indexOf(raw) !== text.lastIndexOf(raw);
        // （球界関係者）, （ファン）: someone unnamed said it.
        const unnamedSource = !p && wordEndingAt(raw, raw.length, GROUP_SET, GROUP_MAX) !== null;
        const name = p ? p.canonical : plausible && !unnamedSource ? raw : null;
        if (unnamedSource && (endsLikeClause() || /[はがをにでも]/.test(inner))) {
          kind = "speech";
          own = true;
        }
        if (name) {
          speaker = { name, span: p ? { start: p.start, end: p.end } : { start: at, end: at + paren[1].length } };
          kind = "speech";
          own = true;
        }
      }
      // The actor right after と (「…」とマクレイン氏), or modified by the quote's verb phrase (「…」と語った梶浦。),
      // or whose words they are called (「…」森下由紀の問いに, 「…」とのファンの声).
      if (!speaker && !termAfter && !naming) {
        const at = afterStart + (speechAfter ? speechAfter[0].length : 0);
        // 「…」と話すのは、会社員の奈緒さん（41歳）。: the person the cleft ends on.
        const cleftAt = speechAfter ? /^[^、。「『]{0,12}?(?:のが|のは)[、,]?/.exec(text.slice(at, s.end)) : null;
        if (cleftAt && !raws.some((x) => x.open > at && x.open < s.end)) {
          const last = actors.filter((a) => a.start > at + cleftAt[0].length && a.kind === "person" && a.name && /^[\s\u3000]*(?:だ|です|でした|だった)?[。．]?[\s\u3000]*$/.test(text.slice(a.at, s.end))).pop();
          if (last) {
            speaker = { name: last.name!, span: last.span };
            own = true;
            kind = "speech";
          }
        }
        for (const next of speaker ? [] : actors) {
          if (next.start < afterStart) continue;
          if (next.start > at + 30) break;
          const between = text.slice(at, next.start);
          // 「…」と語るのが、会社員のみどりさん: the one the clause is said of.
          const cleft = speechAfter !== null && /^[^、。「『]{0,12}?(?:のが|のは)[、,]?[^、。「『]{0,12}$/.test(between) && ["end", "topic", "other"].includes(next.marker);
          if (cleft && next.kind === "person" && next.name) {
            speaker = { name: next.name, span: next.span };
            own = true;
            kind = "speech";
            break;
          }
          if (/[、。「『]/.test(between)) break;
          const direct = speechAfter !== null && next.start <= at + 2 && /^[\s\u3000]*$/.test(between);
          // …but not the one a passive verb modifies (「…」と訊かれた平賀は: the one asked).
          const modified = !PASSIVE_AFTER.test(after) && (speechAfter !== null || kind === "speech" || (endsLikeClause() && inner.length >= 6 && SPEECH_VERBS.test(between))) && /(?:[るたすくうぐぶむぬつ]|ている|ていた|てる|てた)$/.test(between) && (["topic", "subject", "end", "and"].includes(next.marker) || (next.kind === "person" && next.name !== null));
          const owner = next.marker === "possessive" && /^(?:の|いう|いった)?[^、。「『]{0,8}$/.test(between) && /^の(?:問い|質問|言葉|呼びかけ|発言|一言|コメント|声|意見|メッセージ)/.test(text.slice(next.at, next.at + 6));
          if ((direct || modified || owner) && next.kind !== "organization") {
            speaker = next.name === null ? null : { name: next.name, span: next.span };
            own = true;
            kind = "speech";
            break;
          }
        }
      }
      // The actor right before the opener: Xは「, Xが「, Xから「…」と訊かれ, X曰く「, X「 (a headline).
      let unnamed = false;
      // 木暮：「…」 — a transcript line that opens with the quote.
      if (!own && line?.speaker && r.open >= 0 && /^[\s\u3000]*$/.test(text.slice(line.opens, r.open)) && HAS_WORDS.test(inner)) {
        speaker = line.speaker;
        own = true;
        kind = "speech";
      }
      if (!own && r.open >= 0) {
        const prev = [...actors].reverse().find((a) => a.at <= r.open && /^[\s\u3000、]*$/.test(text.slice(a.at, r.open).replace(/^(?:は|も|こそ|では|が|から(?:は|も)?|より|曰く|いわく|の|には|にも|に)/, "")));
        if (prev && prev.end <= r.open) {
          const passive = PASSIVE_AFTER.test(after);
          // Xは「…」と訊かれると: X heard the words; whoever said them is not named here.
          const hearer = HEARER_PASSIVE_AFTER.test(after) && (prev.marker === "topic" || prev.marker === "subject");
          const ok =
            hearer ||
            ["topic", "subject", "source", "iwaku", "direct"].includes(prev.marker) ||
            (prev.marker === "dative" && passive) ||
            (prev.marker === "possessive" && (speechAfter !== null || voice));
          if (ok && !(prev.kind === "organization" && prev.marker === "direct")) {
            speaker = prev.name === null || hearer ? null : { name: prev.name, span: prev.span };
            own = true;
            unnamed = prev.name === null || hearer;
            if (prev.marker === "direct" || prev.marker === "iwaku") kind = "speech";
          }
        }
        if (!own && endsWith(ROLE_BEFORE, beforeText) && /[\s\u3000、]/.test(beforeText.slice(-8)) && /^[\s\u3000]*$/.test(after.slice(0, 1) || " ")) {
          kind = "speech";
          own = true;
          unnamed = true;
        }
      }
      // Xは、「…」。 — a person's words closing the sentence with no verb after them (an interview's
      // way of giving an answer).
      if (kind === "term" && own && speaker && r.open >= 0 && !termAfter && /^[\s\u3000]*[。．！？!?]?[\s\u3000]*$/.test(text.slice(afterStart, s.end)) && (clauseLike || (inner.length >= 8 && /[はがをにでも]/.test(inner)))) kind = "speech";
      // A clause-like quote in a sentence with a speech verb after it is speech even without と.
      if (kind === "term" && !termAfter && inner.length >= 6 && endsLikeClause() && SPEECH_VERBS.test(after)) kind = "speech";
      // A quote standing alone as a sentence, worded as one, is someone's words.
      if (kind === "term" && standalone && inner.length >= 5 && (endsLikeClause() || (inner.length >= 8 && /[はがをにでも]/.test(inner)))) kind = "speech";
      // 『…』 names a work and a short “…” stresses a word: speech only when a speech verb or a speaker
      // before it says so (『…』とマーク・ブレナンが is a list).
      // (“…” stresses or names whatever its length — “大事な話”と念を押して — unless a speech verb follows.)
      const workOrStress = (r.mark === "『" || r.mark === "“") && !(speechAfter && SPEECH_VERBS.test(after.slice(0, 16).split(/[、，,]/)[0])) && !(own && r.open >= 0 && kind === "speech" && !speechAfter && r.mark === "『");
      // 「A」と“B” is a pair of names unless A reads as someone's words.
      const pairWith = !clauseLike && inner.length <= 12 && /^[\s\u3000]*と[\s\u3000]*[“"]/.test(after);
      // (A survey's question — 調査によれば、「…？」という問いに — is an item of a form, not an interviewer's words.)
      const surveyQuestion = question && /調査|アンケート|設問/.test(text.slice(s.start, openAt));
      // (An item of a bulleted list of headlines — ・インタビュー：○○「…」 with no 。 — links to another
      // article; the words are that article's headline, not speech reported here.)
      const itemStart = text.lastIndexOf("\n", openAt) + 1;
      const itemEnd = text.indexOf("\n", openAt);
      const headlineItem = /^[\s\u3000]*[・･]/.test(text.slice(itemStart, itemStart + 4)) && !/[。．][\s\u3000]*$/.test(text.slice(itemStart, itemEnd < 0 ? text.length : itemEnd));
      const thoughtOrTally = THOUGHT_AFTER.test(after) || SURVEY_AFTER.test(after) || surveyQuestion || headlineItem;
      if (TEMPLATE.test(inner) || !HAS_WORDS.test(inner) || (titleBefore && !own && !speechAfter) || termAfter || naming || workOrStress || pairWith || thoughtOrTally) {
        kind = "term";
      }
      // Xは「…」と訊かれ, 人に「…」と言われる: the topic heard the words; no one here said them.
      if (!own && (nobody || HEARER_PASSIVE_AFTER.test(after))) {
        own = true;
        unnamed = true;
        speaker = null;
      }
      if (kind === "speech" && !own && !unnamed && !voice && !question) {
        // The nearest actor of the quote's own clause; else the sentence's topic; else a topic after it.
        const clauseStart = Math.max(s.start, maxOf(breaks.filter((b) => b <= openAt)));
        // A topic (は) outranks a subject (が), which may belong to a relative clause
        // (コワレフスキー大統領が提案した案について「…」); a subject right before the opener was taken above.
        const topics = actors.filter((a) => a.end <= openAt && a.marker === "topic");
        const clauseTopic = topics.filter((a) => a.start >= clauseStart);
        const clauseSubject = actors.filter((a) => a.start >= clauseStart && a.end <= openAt && a.marker === "subject");
        // A topic or subject after the quote whose own verb is one of speech (「…」と、ボルコフ氏は述べた;
        // a headline's 「…」…コワレフスキー大統領が表明), not one that opens a quote of its own.
        const later = actors.find((a) => {
          if (a.start < afterStart || (a.marker !== "topic" && a.marker !== "subject")) return false;
          if (raws.some((x) => x.open > afterStart && x.open < a.start)) return false;
          const rest = /^[^、。「『]*/.exec(text.slice(a.at, s.end))![0];
          return SPEECH_VERBS.test(rest);
        });
        const found = clauseTopic[clauseTopic.length - 1] ?? topics[topics.length - 1] ?? clauseSubject[clauseSubject.length - 1] ?? later;
        if (found) speaker = found.name === null ? null : { name: found.name, span: found.span };
        else {
          carriedOnly = true;
          if (line) speaker = line.speaker;
          else if (carried) speaker = carried.speaker;
          else if (interviewee && standalone) speaker = interviewee;
        }
      } else if (kind === "speech" && !own && (voice || question)) {
        // Reported voices and questions belong only to whoever they are said to come from.
        const clauseStart = Math.max(s.start, maxOf(breaks.filter((b) => b <= openAt)));
        const source = actors.find(
          (a) => (a.marker === "source" || a.marker === "possessive") && a.kind === "person" && ((a.start >= clauseStart && a.end <= openAt) || (a.start >= afterStart && a.start <= afterStart + 20)),
        );
        if (source && source.name) {
          speaker = { name: source.name, span: source.span };
          own = true;
        }
      }
      pending.push({ raw: r, kind, speaker, own, question: question || voice, chained, carriedOnly });
    }
    // A run of quotes ending in speech (「…」「…」と回答した) is speech, each with the run's speaker.
    for (let qi = pending.length - 2; qi >= 0; qi--) {
      const q = pending[qi];
      const next = pending[qi + 1];
      if (!q.chained || next.kind !== "speech" || TEMPLATE.test(text.slice(q.raw.innerStart, q.raw.innerEnd))) continue;
      if (q.kind === "term" || !q.own) {
        q.kind = "speech";
        q.speaker = next.speaker;
        q.own = next.own;
        q.question = next.question;
      }
    }
    // 「A」と言いつつも、「B」と話す泰輔だった: quotes whose verbs are coordinated share the subject that
    // the last one names, when nothing in this sentence named one for them.
    for (let qi = pending.length - 2; qi >= 0; qi--) {
      const q = pending[qi];
      const next = pending[qi + 1];
      if (q.kind !== "speech" || q.own || !q.carriedOnly || q.question || !next.own || !next.speaker || next.question || q.raw.close < 0 || next.raw.open < 0) continue;
      const between = text.slice(q.raw.close + 1, next.raw.open);
      if (/[。「『]/.test(between) || !/^[\s\u3000]*と/.test(between) || HEARER_PASSIVE_AFTER.test(between)) continue;
      CLAUSE_BREAK.lastIndex = 0;
      if (CLAUSE_BREAK.test(between) || actors.some((a) => a.start > q.raw.close && a.end <= next.raw.open)) continue;
      q.speaker = next.speaker;
    }
    // そう話すのは、会社員の佐和子さん。 / …残念、と喜代子さん。: the speaker of the quote just before,
    // named after it.
    if (raws.length === 0 && unclaimed.length > 0) {
      const sentence = text.slice(s.start, s.end);
      const named = /^[\s\u3000]*(?:そう|こう)[^。「『]{0,25}?のは[、,]?/.test(sentence)
        ? actors.find((a) => a.kind === "person" && a.name && /^[\s\u3000]*(?:だ|です|。|$)/.test(text.slice(a.at, s.end)))
        : actors.find((a) => a.kind === "person" && a.name && /[、,]と[\s\u3000]*$/.test(text.slice(Math.max(s.start, a.start - 3), a.start)) && /^[\s\u3000]*(?:[はも][^。「『]{0,12})?[。．]?[\s\u3000]*$/.test(text.slice(a.at, s.end)));
      if (named) for (const k of unclaimed) out[k] = { ...out[k], speaker: named.name, speakerSpan: named.span };
    }
    unclaimed = [];
    let spoke: { name: string; span: Span } | null = null;
    for (const q of pending) {
      const inner = text.slice(q.raw.innerStart, q.raw.innerEnd);
      const normalized = normalizeForMatch(inner);
      if (normalized.length === 0) continue;
      const speaker = q.kind === "speech" && q.speaker ? q.speaker : null;
      // (Two literals of fixed shapes, the keys in the same order: no spread of a conditional object.)
      out.push(
        speaker
          ? { start: q.raw.innerStart, end: q.raw.innerEnd, text: inner, normalized, kind: q.kind, speaker: speaker.name, speakerSpan: speaker.span, sentence: si, mark: q.raw.mark }
          : { start: q.raw.innerStart, end: q.raw.innerEnd, text: inner, normalized, kind: q.kind, speaker: null, sentence: si, mark: q.raw.mark },
      );
      if (q.kind === "speech" && speaker && !q.question && !/[？?]$/.test(inner)) spoke = { name: speaker.name, span: speaker.span };
      if (q.kind === "speech" && !q.own && standalone) unclaimed.push(out.length - 1);
    }
    // What the next sentences inherit: this sentence's topic person, else its last speaker, else a
    // person it ends on (…と語った梶浦。); a collective topic with no person leaves no one.
    const personTopic = actors.filter((a) => a.kind === "person" && a.marker === "topic" && a.name);
    // (Not a name that only says what a topic is — 話題は、ずばり新人の鵜川だ — which nobody speaks in;
    // a cleft's name — …したのは、沙耶さん。 — is the one the sentence is about.)
    const endPerson = actors.filter(
      (a) => a.kind === "person" && a.marker === "end" && a.name && /^[\s\u3000]*(?:だ|で|。|$)/.test(text.slice(a.at, s.end)) && !/(?<!の)は[、,\s\u3000]*(?:[ぁ-ん]{2,4}[、,\s\u3000]*)?$/.test(text.slice(s.start, a.start)),
    );
    // (Someone unnamed the narrative turns to — 娘さんは, 男性も — hands on no one only when they speak here.)
    const groupTopic = actors.some((a) => a.kind !== "person" && (a.marker === "topic" || a.marker === "subject") && (!a.people || pending.some((q) => q.kind === "speech")));
    const askers = new Set(pending.filter((q) => q.question && q.speaker).map((q) => q.speaker!.span.start));
    const subjects = actors.filter((a) => a.kind === "person" && a.marker === "subject" && a.name && !askers.has(a.span.start));
    const next = personTopic[personTopic.length - 1] ?? null;
    const hasSpeech = pending.some((q) => q.kind === "speech");
    // A heading (■…, 【…】) names what follows, not who speaks in it.
    const heading = /^[\s\u3000]*[■□●○◆◇▼▽▲△★☆【]/.test(text.slice(lineStart, s.end));
    if (heading && !hasSpeech) continue;
    // 市が作成した手引きによると、: what follows is that source's (a document's: no one's).
    const by = raws.length === 0 ? /によ(?:ると|れば)[、,]?[\s\u3000]*$/.exec(blanked) : null;
    if (by) {
      const at = s.start + (by.index ?? 0);
      const source = actors.find((a) => a.end <= at && a.at === at);
      carried = { speaker: source && source.kind !== "group" && source.name ? { name: source.name, span: source.span } : null, paragraph: s.paragraph };
      continue;
    }
    if (raws.length === 0 && actors.every((a) => a.people)) {
      // A paragraph about no one in particular does not end the last speaker's turn (…逃れたそうだ。).
      if (carried && carried.speaker && carried.paragraph === s.paragraph - 1) carried = { ...carried, bridged: true };
      continue;
    }
    if (carried?.bridged && carried.paragraph < s.paragraph) carried = { ...carried, bridged: false };
    if (next) carried = { speaker: { name: next.name!, span: next.span }, paragraph: s.paragraph };
    else if (spoke) carried = { speaker: spoke, paragraph: s.paragraph };
    else if (endPerson.length > 0) carried = { speaker: { name: endPerson[endPerson.length - 1].name!, span: endPerson[endPerson.length - 1].span }, paragraph: s.paragraph };
    else if (groupTopic && raws.length > 0) carried = { speaker: null, paragraph: s.paragraph };
    else if (subjects.length > 0 && raws.length === 0) carried = { speaker: { name: subjects[subjects.length - 1].name!, span: subjects[subjects.length - 1].span }, paragraph: s.paragraph };
    else if (groupTopic) carried = { speaker: null, paragraph: s.paragraph };
    // 富枝さんの庭でも…: the person a sentence is about, through the noun it is the topic of.
    if (!next && !spoke && raws.length === 0) {
      const about = actors.find((a) => a.kind === "person" && a.name && a.marker === "possessive" && /^の[^、。「『はもが]{1,6}(?:では|でも|には|は|も)/.test(text.slice(a.at, a.at + 12)));
      if (about && endPerson.length === 0 && subjects.length === 0) carried = { speaker: { name: about.name!, span: about.span }, paragraph: s.paragraph };
    }
    // 鵜谷さんによると、…という。: the quotes that follow are likely that source's.
    // (A survey's, a manual's, a report's: no one's.)
    if (!next && !spoke && !hasSpeech && endPerson.length === 0 && subjects.length === 0) {
      const source = actors.find((a) => a.kind === "person" && a.name && /^によ(?:る|れ)/.test(text.slice(a.at, a.at + 3)));
      if (source) carried = { speaker: { name: source.name!, span: source.span }, paragraph: s.paragraph };
    }
    // 西田さんに話を聞いてみた。: the answers that follow are that person's; 最後に、…うかがってみた。: the
    // person asked before answers again.
    if (!hasSpeech) {
      const asked = ASKED.exec(blanked);
      if (asked) {
        const asks = s.start + (asked.index ?? 0);
        const whom = actors.filter((a) => a.kind === "person" && a.name && a.end <= asks && (a.marker === "dative" || (a.marker === "possessive" && /^の(?:話|お話|意見|声|本音|考え)/.test(text.slice(a.at, a.at + 4)))));
        const who = whom[whom.length - 1];
        if (who) interviewee = { name: who.name!, span: who.span };
        if (who || (interviewee && !actors.some((a) => a.marker === "dative" || a.marker === "topic" || a.marker === "subject"))) carried = { speaker: interviewee, paragraph: s.paragraph };
      }
    }
    // The interviewer's question names no one to carry to the answer.
    if (line && !line.speaker) carried = null;
    // …同僚に、ある日こんなことを言われた。: the quotes that follow are the words of whoever said them to
    // the topic, named or not.
    const told = raws.length === 0 ? TOLD.exec(blanked) : null;
    if (told) {
      const at = s.start + (told.index ?? 0);
      const teller = [...actors].reverse().find((a) => a.end <= at && (a.marker === "dative" || a.marker === "source"));
      carried = { speaker: teller && teller.kind === "person" && teller.name ? { name: teller.name, span: teller.span } : null, paragraph: s.paragraph };
    }
    // …こう聞いてくるという。: the quotes that follow are the words of that clause's subject.
    else if (raws.length === 0 && ANNOUNCE.test(blanked)) {
      const lastBreak = Math.max(s.start, maxOf(breaks));
      const subject = actors.filter((a) => a.start >= lastBreak && (a.marker === "topic" || a.marker === "subject"));
      const who = subject[subject.length - 1] ?? personTopic[personTopic.length - 1] ?? null;
      carried = { speaker: who && who.kind === "person" && who.name && (who.start >= lastBreak || subject.length === 0) ? { name: who.name, span: who.span } : null, paragraph: s.paragraph };
      if (who && who.start < lastBreak && lastBreak > s.start) carried = { speaker: null, paragraph: s.paragraph };
    }
  }
  return out;
}

/** The sentence's text with its quotes blanked (same length), so clause endings inside them are not seen. */
function blank(text: string, s: Span, raws: RawQuote[]): string {
  let out = "";
  let pos = s.start;
  for (const r of raws) {
    out += text.slice(pos, r.innerStart);
    out += "　".repeat(r.innerEnd - r.innerStart);
    pos = r.innerEnd;
  }
  return out + text.slice(pos, s.end);
}
