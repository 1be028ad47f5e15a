/**
 * Named entities (people, places, organisations) and their alias clusters.
 *
 * kuromoji's IPADIC lacks most foreign names, so a person is mainly found as a katakana run followed
 * by a title (ボルコフ大統領, ラトコフ特使, ザルキン駐米大使), plus kuromoji's 人名 tags;
 * once a name is known as a person, its bare occurrences count too. Clusters join spellings that
 * differ only by titles, honorifics, ッ/ー/small kana (ラトコフ = ラットコフ), or a given name
 * (マイク・ラトコフ = ラトコフ), and whatever a user alias file says.
 */
import { parse as parseYaml } from "yaml";
import type { EntityMention, EntityType, Span } from "../model";
import { allMatches, charSet, charSetBits, matchesAt, matchesWhere, stickyOf } from "./matches";
import type { Token } from "./tokenizer";

/** Titles and honorifics that may follow a person's name (longest first when matched). */
export const PERSON_TITLES = [
  "大統領報道官", "副大統領", "大統領", "報道官", "首相", "副首相", "総理大臣", "総理", "特使", "特別代表", "総裁", "副総裁",
  "長官", "副長官", "大使", "副次官補", "次官補", "次官", "外相", "国防相", "蔵相", "財務相", "経済相", "法相", "外務大臣",
  "大臣", "議長", "書記長", "委員長", "代表", "会長", "社長", "司令官", "補佐官", "顧問", "議員", "知事", "市長", "国王",
  "皇太子", "首長", "元首", "首席", "報道局長", "局長", "教授", "博士", "監督", "選手", "被告", "容疑者", "氏", "さん", "様", "君",
  // Japanese news: offices, ranks, jobs and honorifics that follow a name (石破首相, 鈴木市長, 梶浦選手, 梅谷会長).
  "官房長官", "幹事長", "政調会長", "党首", "県知事", "府知事", "都知事", "道知事", "町長", "村長", "区長", "副会長", "副社長",
  "理事長", "専務", "常務", "取締役", "部長", "課長", "店長", "院長", "校長", "園長", "学長", "総長", "所長", "署長", "本部長",
  "館長", "座長", "団長", "隊長", "編集長", "准教授", "講師", "医師", "弁護士", "記者", "キャスター", "アナウンサー", "アナ",
  "投手", "捕手", "内野手", "外野手", "主将", "コーチ", "騎手", "調教師", "棋士", "親方", "横綱", "大関", "師匠", "先生",
  "被告人", "容疑者", "くん", "ちゃん", "夫人", "女史", "プロデューサー", "ディレクター", "CEO",
].filter((t, i, all) => all.indexOf(t) === i).sort((a, b) => b.length - a.length);
const TITLE_SET = new Set(PERSON_TITLES);
/** Honorific suffixes kuromoji tags 名詞,接尾,人名 or that never follow anything but a person. */
const HONORIFICS = new Set(["氏", "さん", "様", "君", "くん", "ちゃん", "殿", "嬢", "夫人", "女史"]);

/**
 * Roles that introduce a person by apposition (番組司会の岩根昭吾, 女優の小鞠, 日本代表・梶浦): the
 * name that follows them is a person even when the dictionary has no 人名 tag for it.
 */
const PERSON_ROLES = [
  "司会", "MC", "キャスター", "アナウンサー", "アナ", "女優", "俳優", "歌手", "タレント", "芸人", "モデル", "声優", "漫画家",
  "作家", "小説家", "脚本家", "解説者", "評論家", "記者", "主演", "監督", "社長", "会長", "代表", "選手", "主将", "キャプテン",
  "エース", "歌い手", "踊り手", "ジャーナリスト", "アイドル", "コメンテーター", "ゲスト", "講師", "教授", "弁護士", "医師",
];
const ROLE_BEFORE_NAME = new RegExp(`(?:${[...PERSON_ROLES].sort((a, b) => b.length - a.length).join("|")})(?:の|・|[\\s\u3000]|である)?$`, "u");

/** Words between a name and its title: tenure and country or office qualifiers (前米大統領, 駐米大使). */
const TITLE_QUALIFIER = "(?:前|元|現|次期|新)?(?:[米露ロ中英仏独日韓印伊加豪朝]|駐[一-龥]{1,2})?(?:[一-龥]{0,5}?)";
const KATAKANA_NAME = "[ァ-ヴヵヶ][ァ-ヴヵヶー]*(?:[・＝=][ァ-ヴヵヶ][ァ-ヴヵヶー]*)*";
/** Titles that may follow a katakana name directly: not katakana words themselves (サンタアナ is no アナ). */
const KANJI_TITLES = PERSON_TITLES.filter((t) => !/^[ァ-ヴー]/.test(t));
/** Maximal katakana names, and the qualified title that may follow one (tested in place). */
const KATAKANA_RUN = new RegExp(`(?<![ァ-ヴヵヶー・＝=])${KATAKANA_NAME}`, "uy");
const KATAKANA_FIRST = charSet([], [["ァ", "ヶ"]]);
const QUALIFIED_TITLE_AT = new RegExp(`${TITLE_QUALIFIER}(?:${KANJI_TITLES.join("|")})`, "uy");

/** Countries and major cities (general knowledge) for names kuromoji does not tag as 地域. */
const PLACE_GAZETTEER = [
  "アメリカ", "米国", "ロシア", "ウクライナ", "中国", "英国", "イギリス", "フランス", "ドイツ", "イタリア", "日本", "韓国", "北朝鮮",
  "トルコ", "サウジアラビア", "サウジ", "イスラエル", "イラン", "インド", "カナダ", "ベラルーシ", "ポーランド", "カタール",
  "アラブ首長国連邦", "エジプト", "スイス", "オーストリア", "フィンランド", "スウェーデン", "ノルウェー", "ハンガリー",
  "ワシントン", "ニューヨーク", "モスクワ", "サンクトペテルブルク", "キーウ", "キエフ", "イスタンブール", "アンカラ",
  "リヤド", "ジッダ", "ジェッダ", "ドーハ", "ジュネーブ", "ロンドン", "パリ", "ベルリン", "ブリュッセル", "ワルシャワ",
  "北京", "東京", "ソウル", "ミンスク", "クリミア", "ドネツク", "ルハンスク", "ザポリージャ", "ヘルソン", "クルスク",
  "黒海", "中東", "欧州", "ヨーロッパ", "アジア", "アフリカ",
];
const PLACE_WORDS = new Set(PLACE_GAZETTEER);
/** One alternation per gazetteer (longest first), matched once per region instead of one search per word. */
const alternation = (words: string[]): RegExp =>
  new RegExp([...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "gu");
const PLACE_GAZETTEER_RE = stickyOf(alternation(PLACE_GAZETTEER));
const PLACE_GAZETTEER_FIRST = charSet(PLACE_GAZETTEER);
/** Organisations known by name (general knowledge). */
const ORG_GAZETTEER = [
  "ホワイトハウス", "クレムリン", "国連", "国際連合", "北大西洋条約機構", "NATO", "EU", "欧州連合", "国務省", "国防総省",
  "ペンタゴン", "国際原子力機関", "IAEA", "ロイター", "AP通信", "AFP通信", "共同通信", "時事通信", "インタファクス通信",
  "タス通信", "ブルームバーグ", "CNN", "BBC", "FOXニュース", "日本経済新聞", "朝日新聞", "読売新聞", "毎日新聞", "東京新聞",
  "NHK", "国際通貨基金", "IMF", "世界銀行", "G7", "G20",
  // Japanese broadcasters and papers (general knowledge): their names carry no organisation suffix.
  "日本テレビ", "日テレ", "テレビ朝日", "テレ朝", "TBS", "テレビ東京", "テレ東", "フジテレビ", "WOWOW", "産経新聞", "中日新聞",
  "北海道新聞", "西日本新聞", "スポーツニッポン", "スポニチ", "日刊スポーツ", "スポーツ報知", "サンケイスポーツ", "デイリースポーツ",
  "東京スポーツ", "夕刊フジ", "日刊ゲンダイ",
];
const ORG_GAZETTEER_RE = stickyOf(alternation(ORG_GAZETTEER));
const ORG_GAZETTEER_FIRST = charSet(ORG_GAZETTEER);
const ORG_PATTERN = /(?:[ァ-ヴー]{2,}|[米露ロ中英仏独日韓])(?:大統領府|政府|外務省|国防省|国務省|議会|軍|通信|新聞)|[ァ-ヴー]{2,}(?:大統領府|通信社?|新聞|放送)/uy;
const ORG_COUNTRY = charSet("米露ロ中英仏独日韓");
const KATAKANA_OR_LONG = charSet("ー", [["ァ", "ヴ"]]);
/**
 * Where an `ORG_PATTERN` match can start: a country's letter, or the first character of a katakana
 * run — every suffix starts with a kanji, so the katakana part always runs to the run's end, and
 * where it fails from the run's start it fails from inside the run too.
 */
const ORG_PATTERN_FIRST = charSet("米露ロ中英仏独日韓ー", [["ァ", "ヴ"]]);
const orgPatternStart = (s: string, p: number): boolean => {
  const c = s.charCodeAt(p);
  return ORG_COUNTRY[c] === 1 || (KATAKANA_OR_LONG[c] === 1 && (p === 0 || KATAKANA_OR_LONG[s.charCodeAt(p - 1)] === 0));
};
/** The words an `ORG_PATTERN` match ends with: a sentence without one needs no search (which retries every katakana position). */
const ORG_PATTERN_SUFFIX = /大統領府|政府|外務省|国防省|国務省|議会|軍|通信|新聞|放送/u;

/** Spelling aliases of places (general knowledge). */
const PLACE_ALIASES: Record<string, string> = {
  アメリカ: "米国", 米: "米国", 合衆国: "米国", 露: "ロシア", ロ: "ロシア", イギリス: "英国", 英: "英国", サウジ: "サウジアラビア",
  キエフ: "キーウ", ジッダ: "ジェッダ", ヨーロッパ: "欧州",
};

const SMALL_TO_LARGE: Record<string, string> = { ァ: "ア", ィ: "イ", ゥ: "ウ", ェ: "エ", ォ: "オ", ャ: "ヤ", ュ: "ユ", ョ: "ヨ", ヮ: "ワ", ヵ: "カ", ヶ: "ケ" };

function toKatakana(s: string): string {
  return s.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

const TITLED_NAME_WHOLE = new RegExp(`^(${KATAKANA_NAME})${TITLE_QUALIFIER}(?:${PERSON_TITLES.join("|")})$`, "u");

/**
 * A bounded memo of a pure string function: a corpus names the same few thousand people and places
 * over and over, and each name costs an NFKC pass and several regular expressions. Dropped
 * wholesale when full.
 */
function memoized(fn: (s: string) => string, limit = 50_000): (s: string) => string {
  const memo = new Map<string, string>();
  return (s: string) => {
    let v = memo.get(s);
    if (v === undefined) {
      v = fn(s);
      if (memo.size >= limit) memo.clear();
      memo.set(s, v);
    }
    return v;
  };
}

/** Strips titles, qualifiers and honorifics: `ボルコフ大統領` → `ボルコフ`, `マクレイン前米大統領` → `マクレイン`. */
export const canonicalName: (text: string) => string = memoized(canonicalNameOf);

function canonicalNameOf(text: string): string {
  const s = text.normalize("NFKC").replace(/[\s()（）]/g, "");
  // (Every step runs for every name, a title or none: a step first met in optimised code throws it away.)
  const whole = s.replace(TITLED_NAME_WHOLE, "$1");
  if (whole !== s) return whole;
  let title = "";
  for (let i = 0; i < PERSON_TITLES.length && title === ""; i++) {
    const t = PERSON_TITLES[i];
    if (s.length > t.length && s.endsWith(t)) title = t;
  }
  return s.slice(0, s.length - title.length);
}

/** The comparison key of a name: titles stripped, ッ and ー dropped, small kana enlarged, ヴ → ブ. */
export const aliasKey: (text: string) => string = memoized(aliasKeyOf);

function aliasKeyOf(text: string): string {
  const name = toKatakana(canonicalName(text));
  return name
    .replace(/[ッー・＝=]/g, "")
    .replace(/ヴ/g, "ブ")
    .replace(/[ァィゥェォャュョヮヵヶ]/g, (c) => SMALL_TO_LARGE[c] ?? c);
}

/**
 * The first code unit of `aliasKey(run)` for a katakana run (`KATAKANA_RUN`), or -1 when the key is
 * empty: the run's first character that the key keeps (not ッ, ー, ・, ＝, =), as the key spells it.
 * (The key is that of a prefix of the run, titles stripped, and NFKC leaves katakana as it is.)
 */
function firstKeyCode(run: string): number {
  // (One path for every run: a path first taken in optimised code throws it away.)
  let code = 0;
  for (let k = 0; code === 0 && k < run.length; k++) code = KEY_CODE[run.charCodeAt(k)];
  return code === 0 ? -1 : code;
}
/** A katakana run's code unit as `aliasKey` spells it, 0 for one it drops (ッ, ー, ・, ＝, =). */
const KEY_CODE = new Uint16Array(0x10000);
for (let c = 1; c < 0x10000; c++) KEY_CODE[c] = c;
for (const c of "ッー・＝=") KEY_CODE[c.charCodeAt(0)] = 0;
KEY_CODE[0x30f4] = 0x30d6; // ヴ → ブ
for (const [small, large] of Object.entries(SMALL_TO_LARGE)) KEY_CODE[small.charCodeAt(0)] = large.charCodeAt(0);

/** Key of a multi-part name's family name (last part): `マイク・ラトコフ` → key of `ラトコフ`. */
function familyKey(text: string): string | null {
  const name = canonicalName(text);
  const parts = name.split(/[・＝=]/).filter((p) => p.length > 0);
  return parts.length > 1 ? aliasKey(parts[parts.length - 1]) : null;
}

/** True for a name written with a kanji first (Japanese order: family name, then given name). */
function kanjiLed(s: string): boolean {
  return /^[\p{Script=Han}々]/u.test(s);
}

/**
 * Alias clusters across a corpus. Observe every mention (`observe`), then ask `canonical(name)` for
 * the cluster's display name: the user's canonical name when the alias file names the cluster, else
 * its most frequent spelling (ties: the lexicographically smaller, so the result is deterministic);
 * a Japanese full name is preferred to its family name alone (三栖隆文 over 三栖), a Western family
 * name to the full name (ボルコフ over ウラジーミル・ボルコフ).
 *
 * Clusters are computed from everything observed, whatever the order: spellings with the same key;
 * a Western full name (given・family) with its family name; a Japanese family name (三栖, 井坂) with
 * the one full name observed that starts with it (三栖隆文) — when two full names share it (鈴木咲子,
 * 鈴木一郎) the family name alone stays its own, ambiguous, cluster.
 */
export class AliasTable {
  /** Spelling counts per raw key (`aliasKey`, or the user's canonical key). */
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly userCanonical = new Map<string, string>();
  private readonly types = new Map<string, EntityType>();
  /** Raw key → cluster key, computed lazily from `counts`; reset when a new key is observed. */
  private roots: Map<string, string> | null = null;
  /** Cluster key → the raw keys in it, for clusters of more than one key (with `roots`). */
  private members = new Map<string, string[]>();
  /** Keys of Western full names (given・family), with a spelling. */
  private readonly multiPart = new Map<string, string>();
  /** Keys of person names that start with a kanji (Japanese order). */
  private readonly kanjiPersons = new Set<string>();

  /** Reads a user alias file: YAML mapping `canonical: [alias, …]`. Throws on malformed YAML. */
  static fromYaml(yamlText: string): AliasTable {
    const table = new AliasTable();
    table.addUserAliases(yamlText);
    return table;
  }

  addUserAliases(yamlText: string): void {
    const doc: unknown = parseYaml(yamlText);
    if (doc === null || doc === undefined) return;
    if (typeof doc !== "object" || Array.isArray(doc)) throw new Error("alias file: expected a mapping `canonical: [alias, …]`");
    for (const [canonical, aliases] of Object.entries(doc as Record<string, unknown>)) {
      const list = Array.isArray(aliases) ? aliases : aliases === null || aliases === undefined ? [] : [aliases];
      for (const a of [canonical, ...list]) {
        if (typeof a !== "string" && typeof a !== "number") continue;
        this.userCanonical.set(aliasKey(String(a)), canonical);
      }
    }
    this.roots = null;
  }

  /** The key a spelling is counted under: the user's cluster when the alias file names it. */
  private rawKey(name: string): string {
    const k = aliasKey(name);
    const user = this.userCanonical.get(k);
    return user !== undefined ? aliasKey(user) : k;
  }

  private resolve(): Map<string, string> {
    if (this.roots) return this.roots;
    // Only two kinds of key can join another: Western full names and kanji person names. Every
    // other key is its own cluster, so this costs in proportion to those names alone.
    const parent = new Map<string, string>();
    const find = (k: string): string => {
      let r = k;
      for (let p = parent.get(r); p !== undefined && p !== r; p = parent.get(r)) r = p;
      return r;
    };
    const userKeys = new Set([...this.userCanonical.values()].map((c) => aliasKey(c)));
    const known = (k: string): boolean => this.counts.has(k) || userKeys.has(k);
    // Western full names join their family name (マイク・ラトコフ → ラトコフ).
    for (const [k, spelling] of [...this.multiPart].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))) {
      const fk = familyKey(spelling);
      if (fk === null || fk === k || !known(fk)) continue;
      const target = find(this.rawKey(canonicalName(spelling).split(/[・＝=]/).pop() ?? spelling));
      if (find(k) !== target) parent.set(find(k), target);
    }
    // Japanese family names join the one full name that starts with them (三栖 → 三栖隆文).
    const persons = [...this.kanjiPersons].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
    const fullsByPrefix = new Map<string, string[]>();
    for (const f of persons) {
      for (let n = Math.max(1, f.length - 4); n <= Math.min(4, f.length - 1); n++) {
        const prefix = f.slice(0, n);
        const list = fullsByPrefix.get(prefix);
        if (list) list.push(f);
        else fullsByPrefix.set(prefix, [f]);
      }
    }
    for (const family of persons) {
      const fulls = fullsByPrefix.get(family);
      if (!fulls) continue;
      // Full names that are one cluster already (a longer spelling joined to a shorter) count once.
      const clusters = new Set(fulls.map((f) => find(f)));
      if (clusters.size !== 1) continue;
      const target = [...clusters][0];
      if (find(family) !== target) parent.set(find(family), target);
    }
    // …and given names of two or more characters the one full name that ends with them (泰輔 →
    // 中川泰輔), unless they name a family too.
    const fullsBySuffix = new Map<string, string[]>();
    for (const f of persons) {
      for (let n = Math.max(2, f.length - 3); n <= Math.min(4, f.length - 1); n++) {
        const suffix = f.slice(f.length - n);
        const list = fullsBySuffix.get(suffix);
        if (list) list.push(f);
        else fullsBySuffix.set(suffix, [f]);
      }
    }
    for (const given of persons) {
      const fulls = fullsBySuffix.get(given);
      if (!fulls || fullsByPrefix.has(given)) continue;
      const clusters = new Set(fulls.map((f) => find(f)));
      if (clusters.size !== 1) continue;
      const target = [...clusters][0];
      if (find(given) !== target) parent.set(find(given), target);
    }
    const roots = new Map<string, string>();
    const members = new Map<string, string[]>();
    for (const k of parent.keys()) {
      const r = find(k);
      roots.set(k, r);
      if (!members.has(r)) members.set(r, [r]);
      if (k !== r) members.get(r)!.push(k);
    }
    this.roots = roots;
    this.members = members;
    return roots;
  }

  /** The cluster key a name belongs to (user aliases first, then family-name joins). */
  key(name: string): string {
    const k = this.rawKey(name);
    return this.resolve().get(k) ?? k;
  }

  /**
   * After counts and first types were restored from a saved state (snapshot.ts): what `observe`
   * derives from them — the keys of Western full names (a key's first spelling with a name
   * separator, in the order spellings were first seen) and of kanji-led person names.
   */
  deriveRestored(): void {
    for (const [k, m] of this.counts) {
      if (this.types.get(k) === "person" && kanjiLed(k)) this.kanjiPersons.add(k);
      for (const spelling of m.keys()) {
        if (/[・＝=]/.test(spelling) && familyKey(spelling) !== null) {
          this.multiPart.set(k, spelling);
          break;
        }
      }
    }
    this.roots = null;
  }

  /**
   * An independent copy, in steps (yields every 1,024 names): a table that then observes more
   * mentions is the one a replay of this table's mentions and those would make. (Analysing a draft
   * observes its spellings in a copy: they must not leak into the corpus-wide clusters, or display
   * names would drift with every keystroke.)
   */
  *copySteps(): Generator<void, AliasTable> {
    const t = new AliasTable();
    let n = 0;
    for (const [k, m] of this.counts) {
      t.counts.set(k, new Map(m));
      if ((++n & 1023) === 0) yield;
    }
    for (const [k, v] of this.userCanonical) t.userCanonical.set(k, v);
    for (const [k, v] of this.types) {
      t.types.set(k, v);
      if ((++n & 1023) === 0) yield;
    }
    for (const [k, v] of this.multiPart) t.multiPart.set(k, v);
    for (const k of this.kanjiPersons) t.kanjiPersons.add(k);
    return t;
  }

  /**
   * Records one mention's spelling (titles stripped); `times` mentions of it at once — the same
   * table as `times` observations in a row, and as a replay of distinct names in the order each was
   * first met, with their counts (only first observations decide types, clusters and order).
   */
  observe(name: string, type?: EntityType, times = 1): void {
    const spelling = canonicalName(name);
    if (spelling.length === 0) return;
    const k = this.rawKey(spelling);
    let m = this.counts.get(k);
    if (!m) {
      this.counts.set(k, (m = new Map()));
      this.roots = null;
    }
    m.set(spelling, (m.get(spelling) ?? 0) + times);
    if (type && !this.types.has(k)) {
      this.types.set(k, type);
      if (type === "person" && kanjiLed(k)) {
        this.kanjiPersons.add(k);
        this.roots = null;
      }
    }
    if (/[・＝=]/.test(spelling) && !this.multiPart.has(k) && familyKey(spelling) !== null) {
      this.multiPart.set(k, spelling);
      this.roots = null;
    }
  }

  /** The type first observed for a name's spelling, if any. */
  typeOf(name: string): EntityType | undefined {
    return this.types.get(this.rawKey(name)) ?? this.types.get(this.key(name));
  }

  /** The cluster's display name. */
  canonical(name: string): string {
    const spelling = canonicalName(name);
    const user = this.userCanonical.size === 0 ? undefined : this.userCanonical.get(aliasKey(spelling));
    if (user !== undefined) return user;
    const k = this.key(spelling);
    for (const c of this.userCanonical.values()) if (aliasKey(c) === k) return c;
    this.resolve();
    let best = "";
    let bestCount = -1;
    const raws = this.members.get(k) ?? (this.counts.has(k) ? [k] : []);
    for (const raw of raws) {
      for (const [s, c] of this.counts.get(raw)!) {
        if (best === "" || displayBetter(s, c, best, bestCount)) {
          best = s;
          bestCount = c;
        }
      }
    }
    return raws.length === 0 ? spelling : best;
  }

  /**
   * True when two names are in the same cluster, or when one is a Japanese family name and the other
   * a full name that starts with it (加藤 and 加藤康平 may be one person even where the corpus has two
   * 加藤: a bare family name never contradicts a full name).
   */
  same(a: string, b: string): boolean {
    const ka = this.key(a);
    const kb = this.key(b);
    if (ka === kb) return true;
    const x = aliasKey(a);
    const y = aliasKey(b);
    const [short, long] = x.length <= y.length ? [x, y] : [y, x];
    if (!kanjiLed(short) || short.length > 4 || long.length - short.length > 4 || long.length <= short.length || this.types.get(short) !== "person") return false;
    // …or a given name alone (泰輔) and a full name that ends with it.
    return long.startsWith(short) || (short.length >= 2 && long.length - short.length <= 3 && long.endsWith(short));
  }

  /** True once any person has been observed. */
  hasPersons(): boolean {
    for (const t of this.types.values()) if (t === "person") return true;
    return false;
  }

  /** Person spelling keys seen so far (used to find bare mentions such as マクレイン政権). */
  personKeys(): Set<string> {
    const out = new Set<string>();
    for (const [k, t] of this.types) if (t === "person") out.add(k);
    return out;
  }
}

/**
 * Which spelling names a cluster: a single name over a Western given・family name; a longer Japanese
 * name over a shorter one it extends (the full name over the family name); then the more frequent,
 * then the lexicographically smaller.
 */
function displayBetter(s: string, c: number, best: string, bestCount: number): boolean {
  const single = !/[・＝=]/.test(s);
  const bestSingle = !/[・＝=]/.test(best);
  if (single !== bestSingle) return single;
  if (kanjiLed(s) && kanjiLed(best) && s.length !== best.length && (s.startsWith(best) || best.startsWith(s) || s.endsWith(best) || best.endsWith(s))) return s.length > best.length;
  return c > bestCount || (c === bestCount && s < best);
}

/** Canonical form of a place name (`アメリカ` → `米国`). */
export function canonicalPlace(text: string): string {
  const s = text.normalize("NFKC");
  return PLACE_ALIASES[s] ?? s;
}

const HAN = /^[\p{Script=Han}々〆ヶ]+$/u;
const KATAKANA_WORD = /^[ァ-ヴヵヶー]+$/u;
const LATIN_WORD = /^[A-Za-z][A-Za-z0-9&'.\-]*$/u;
/** `LATIN_WORD.test(w)`, the first letter read before the expression is run (most words are not Latin). */
function latinWord(w: string): boolean {
  const c = w.charCodeAt(0);
  return ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) && LATIN_WORD.test(w);
}
/** One-character prefixes and words that never start a name (同会長 is an anaphor, 新社長 a new one). */
const NOT_NAME_START = new Set(["同", "各", "両", "全", "本", "当", "自", "他", "新", "旧", "前", "元", "現", "副", "総", "故", "某", "諸", "次", "我", "計", "約", "第", "同社", "同局", "同校", "同店", "同党", "同氏"]);
/** Words that end an organisation's name (北浜観光協会, 東京都教育委員会, 大阪府警, みずほ銀行, 〜ジム). */
const ORG_SUFFIXES = [
      "新聞社", "新聞", "通信社", "通信", "放送", "テレビ", "県警", "府警", "道警", "警視庁", "警察署", "警察", "実行委員会", "委員会",
      "連盟", "協会", "銀行", "信用金庫", "株式会社", "大学", "高校", "高等学校", "中学校", "小学校", "学園", "財団", "機構", "研究所",
      "研究会", "商工会議所", "商工会", "組合", "連合会", "連合", "球団", "ホールディングス", "グループ", "会議所", "事務所", "協議会",
      "審議会", "裁判所", "地裁", "高裁", "病院", "学会", "基金", "公社", "事業団", "製作所", "工業", "製薬", "電機", "電力",
      "証券", "生命", "保険", "商事", "物産", "自動車", "航空", "鉄道", "出版", "書店", "劇団", "楽団", "興業", "プロダクション",
      "事務局", "市役所", "役場", "省", "庁", "党", "政府", "議会", "ジム", "クラブ",
].sort((a, b) => b.length - a.length);
/** Last characters of the suffixes: a chunk whose text ends otherwise needs no closer look. */
const ORG_SUFFIX_LAST = new Set(ORG_SUFFIXES.map((x) => x[x.length - 1]));
/** The suffixes by their last character, longest first as in `ORG_SUFFIXES`. */
const ORG_SUFFIXES_BY_LAST = new Map<string, string[]>();
for (const x of ORG_SUFFIXES) {
  const last = x[x.length - 1];
  ORG_SUFFIXES_BY_LAST.set(last, [...(ORG_SUFFIXES_BY_LAST.get(last) ?? []), x]);
}
function orgSuffixOf(text: string): string | null {
  const suffixes = ORG_SUFFIXES_BY_LAST.get(text[text.length - 1]);
  if (suffixes === undefined) return null;
  for (const x of suffixes) if (text.endsWith(x)) return x;
  return null;
}
/** Latin words kuromoji tags 組織 that are common abbreviations, not organisations. */
const LATIN_NOT_ORG = new Set([
  "URL", "CEO", "COO", "CFO", "CTO", "BGM", "DVD", "PC", "TV", "SNS", "GPS", "LED", "USB", "PDF", "FAQ", "MVP", "CM", "MC", "CG",
  "OB", "OG", "PR", "IT", "AI", "VR", "AR", "HP", "NG", "OK", "SP", "HD", "LTE", "OS", "UI", "API", "ID", "KO", "PK", "FW", "DF",
  "MF", "GK", "ERA", "RPG", "FPS", "CPU", "GPU", "RAM", "ROM", "SSD", "HDD", "LCD", "NEWS", "THE", "AND", "FOR", "TOP", "NEW",
  "APP", "WEB", "SIM", "NFC", "QR", "DJ", "MV", "PV", "CD", "BD", "GB", "MB", "KB", "TB", "MHZ", "GHZ", "WIFI", "ISO", "USA",
]);

/** One-character suffixes that never end a name (宛, 家, 側, 町…); 都, 介 may (梶浦佑都). */
const NOT_NAME_SUFFIX = new Set(["宛", "宛て", "家", "側", "派", "組", "陣", "達", "等", "的", "化", "性", "製", "産", "系", "流", "風", "式", "型", "用", "中", "内", "外", "前", "後", "間", "頃", "兼", "率", "戦", "杯", "賞", "代", "歳", "才", "年", "月", "日", "時", "分", "回", "位", "人", "名", "枚", "本", "個", "点", "号", "目", "度", "円", "件", "部", "課", "局", "社", "店", "校", "駅", "港", "線", "町", "市", "村", "県", "区", "郡", "州", "府", "省", "庁", "署", "館", "院", "園", "会", "団", "軍", "隊", "党", "国", "語", "版", "作", "著", "役", "君", "氏", "様", "殿", "嬢", "ら", "たち"]);
/** Relatives and people by role that take an honorific without being names (娘さん, 奥さん, 客さま). */
const KIN_WORD = new Set(["娘", "息子", "母", "父", "妻", "夫", "姉", "兄", "妹", "弟", "嫁", "婿", "奥", "客", "皆", "孫", "叔母", "叔父", "伯母", "伯父", "祖母", "祖父", "親", "子", "主人", "旦那", "彼", "彼女", "先輩", "後輩", "店員", "友達"]);
/** Suffixes that make the word before them a place (山里町, 北浜市). */
const PLACE_SUFFIX = new Set(["町", "市", "村", "県", "区", "郡", "州"]);

/** A synthesized token: one name part, an organisation, from several of kuromoji's pieces. */
function synth(surface: string, start: number, pos2: string, pos3: string): Token {
  return { surface, start, pos: "名詞", pos1: "固有名詞", pos2, pos3, basic: surface, reading: "" };
}

const isProper = (t: Token): boolean => t.pos === "名詞" && t.pos1 === "固有名詞";
/**
 * (A set, not `===`: kuromoji's short feature strings are internalised and its longer ones not, and a
 * comparison that met only the first kind deoptimises at the second.)
 */
const NUMERAL = new Set(["数"]);
const SUFFIX_POS = new Set(["接尾"]);
const PREFIX_POS = new Set(["接頭詞"]);
const PARTICLE_POS = new Set(["助詞"]);
const isNumeral = (t: Token): boolean => NUMERAL.has(t.pos1);
const isPersonTag = (t: Token): boolean => isProper(t) && t.pos2 === "人名";
const isUnknown = (t: Token): boolean => t.reading === "";
const isTitleToken = (t: Token): boolean => TITLE_SET.has(t.surface) || HONORIFICS.has(t.surface) || (t.pos1 === "接尾" && t.pos2 === "人名");
/** A token that can only be part of a name or other proper noun, not a word of its own. */
const isDistinctive = (t: Token): boolean => isProper(t) || (isUnknown(t) && t.pos === "名詞") || latinWord(t.surface);

/**
 * Whether a chunk token can take part in a name or organisation (`chunkEntities`): a proper noun,
 * a title or honorific, an unknown word, a Latin word. The cheap tests first: `LATIN_WORD` and
 * `HONORIFICS` need a Latin first letter and a short surface.
 */
function nameLike(t: Token): boolean {
  if (t.reading === "" || (t.pos === "名詞" && t.pos1 === "固有名詞") || (t.pos1 === "接尾" && t.pos2 === "人名") || TITLE_SET.has(t.surface)) return true;
  if (latinWord(t.surface)) return true;
  return t.surface.length <= 3 && HONORIFICS.has(t.surface);
}

function nominal(t: Token): boolean {
  if (t.pos === "接頭詞") return true;
  if (t.pos !== "名詞") return false;
  return t.pos1 !== "非自立" && t.pos1 !== "代名詞" && t.pos1 !== "副詞可能" && t.pos1 !== "特殊";
}

/**
 * The tokens entity extraction reads, from kuromoji's tokens of a text: its proper nouns (名詞,固有名詞),
 * with names that the dictionary cuts into pieces joined again as 人名 parts (十/倉/雅和 → 十倉 + 雅和,
 * 岩/根/昭吾 → 岩根 + 昭吾, 堀/正義 before 氏 or 社長), and organisations written as a name and a
 * suffix (北浜/観光/協会, 日本/野球/機構) joined as one 組織 token.
 *
 * Pure and local: it never looks across 、 or 。, so applying it to each clause alone (as the corpus
 * workers do, keeping only its answer) or to a whole sentence gives the same tokens, and applying
 * it again to its own answer changes nothing.
 */
export function selectEntityTokens(tokens: Token[]): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i];
    if (!nominal(t)) {
      i++;
      continue;
    }
    // A chunk: adjacent nominal tokens; a ・ joins katakana or Latin words (ロイター・ジャパン).
    let j = i + 1;
    while (j < tokens.length) {
      const prev = tokens[j - 1];
      const u = tokens[j];
      if (u.start !== prev.start + prev.surface.length) break;
      // (One step for both ways on: a step first taken in optimised code throws it away.)
      const width = nominal(u) ? 1 : u.surface === "・" && j + 1 < tokens.length && dotJoins(prev, u, tokens[j + 1]) ? 2 : 0;
      if (width === 0) break;
      j += width;
    }
    // Most chunks are common nouns, and then `chunkEntities` finds nothing (see there).
    let named = i > 0 && tokens[i - 1].surface === "の";
    for (let k = i; k < j && !named; k++) if (nameLike(tokens[k])) named = true;
    if (named) chunkEntities(tokens.slice(i, j), tokens.slice(Math.max(0, i - 2), i), tokens.slice(j, j + 2), out);
    i = j;
  }
  // (An empty list made before `out`'s literal learnt that it holds objects has another map than a
  // full one; kept in a clause memo, it met code optimised for the other later on.)
  return out.length === 0 ? (NO_TOKENS as Token[]) : out;
}
const NO_TOKENS: readonly Token[] = Object.freeze([]);

/**
 * Whether `u`, a ・, joins the words around it into one chunk. (Apart from `selectEntityTokens`: its
 * steps, first met one by one, each threw away the optimised code of that function's callers.)
 */
function dotJoins(prev: Token, u: Token, next: Token): boolean {
  return next.start === u.start + 1 && nominal(next) && (KATAKANA_WORD.test(prev.surface) || latinWord(prev.surface)) && (KATAKANA_WORD.test(next.surface) || latinWord(next.surface));
}

/** A katakana word (with ・ or ＝ inside) or a Latin word. */
function foreign(t: Token): boolean {
  const w = t.surface;
  let katakana = w.length > 0;
  for (let k = 0; k < w.length && katakana; k++) {
    const c = w.charCodeAt(k);
    katakana = (c >= 0x30a1 && c <= 0x30f6) || c === 0x30fb || c === 0x30fc || c === 0xff1d;
  }
  return katakana || latinWord(w);
}

function chunkEntities(c: Token[], before: Token[], after: Token[], out: Token[]): void {
  // Most chunks are common nouns, and then nothing below finds anything: an organisation needs a
  // proper noun, an unknown noun or a Latin word in the chunk, and so does `personsOf` (or a title,
  // or の before the chunk).
  if (before[before.length - 1]?.surface !== "の" && !c.some(nameLike)) return;
  // Organisations: the longest run ending in an organisation suffix, or a katakana compound holding
  // an organisation (トムソンロイター・ジャパン).
  let orgFrom = -1;
  let orgTo = -1;
  for (let a = 0; a < c.length && orgTo < 0; a++) {
    if (!foreign(c[a])) continue;
    let b = a;
    while (b < c.length && foreign(c[b])) b++;
    if (b - a >= 2 && c.slice(a, b).some((t) => isProper(t) && t.pos2 === "組織")) {
      orgFrom = a;
      orgTo = b;
    }
    a = b;
  }
  if (orgTo < 0 && c.some((t) => ORG_SUFFIX_LAST.has(t.surface[t.surface.length - 1]))) {
    let text = "";
    const ends: number[] = [];
    for (const t of c) ends.push((text += t.surface).length);
    for (let e = c.length; e >= 1 && orgTo < 0; e--) {
      if (!ORG_SUFFIX_LAST.has(text[ends[e - 1] - 1])) continue;
      const upto = text.slice(0, ends[e - 1]);
      const suffix = orgSuffixOf(upto);
      if (suffix === null) continue;
      let s = 0;
      // Nothing before a number or a date (2012年6月9日放送) belongs to the name.
      let afterNumeral = false;
      for (let k = 0; k < e - 1; k++) {
        const numeral = isNumeral(c[k]);
        if (numeral || (afterNumeral && SUFFIX_POS.has(c[k].pos1))) s = k + 1;
        afterNumeral = numeral;
      }
      while (s < e - 1 && (PREFIX_POS.has(c[s].pos) || isNumeral(c[s]) || NOT_NAME_START.has(c[s].surface) || isTitleToken(c[s]))) s++;
      const startChar = s === 0 ? 0 : ends[s - 1];
      if (upto.length - startChar <= suffix.length) continue;
      // The part before the suffix must name something: a proper noun, an unknown word, a Latin word
      // (the last token not when it is the suffix alone, a common noun).
      const last = c[e - 1];
      const bareSuffix = last.surface === suffix && !isProper(last);
      let distinctive = false;
      for (let k = s; k < e; k++) if (isDistinctive(c[k]) && !(k === e - 1 && bareSuffix)) distinctive = true;
      if (!distinctive) continue;
      orgFrom = s;
      orgTo = e;
    }
  }
  if (orgTo > 0) {
    personsOf(c.slice(0, orgFrom), before, [c[orgFrom]], out);
    if (orgTo - orgFrom === 1 && isProper(c[orgFrom]) && c[orgFrom].pos2 === "組織") out.push(c[orgFrom]);
    else out.push(synth(surfaces(c, orgFrom, orgTo), c[orgFrom].start, "組織", "*"));
    personsOf(c.slice(orgTo), [], after, out);
    return;
  }
  personsOf(c, before, after, out);
}

/**
 * The surfaces of `c[from..to)` joined. A loop, not `slice().map().join()`: an empty slice's array has
 * another map than a full one, and meeting it deoptimised (and recompiled) the callers.
 */
function surfaces(c: Token[], from = 0, to = c.length): string {
  let s = "";
  for (let k = from; k < to; k++) s += c[k].surface;
  return s;
}

/** The person names of a chunk with no organisation in it; other proper nouns pass through. */
function personsOf(c: Token[], before: Token[], after: Token[], out: Token[]): void {
  if (c.length === 0) return;
  // Most chunks are common nouns: nothing in them can be or mark a name.
  if (before[before.length - 1]?.surface !== "の" && !c.some(nameLike)) return;
  // A Latin word may be an organisation (DeNA, NHK) whatever kuromoji tagged it: extractEntities
  // decides from the text around it.
  const latin = c.findIndex((t) => latinWord(t.surface) && !isProper(t));
  if (latin >= 0) {
    personsOf(c.slice(0, latin), before, [c[latin]], out);
    out.push(synth(c[latin].surface, c[latin].start, "組織", "*"));
    personsOf(c.slice(latin + 1), [], after, out);
    return;
  }
  // (Rare shapes are tested behind one boolean each, in helpers of their own: each path first taken
  // after the optimiser compiled this function would throw its code away.)
  // A name standing right before は「 (山川/葵 は「…」): a surname-like proper noun and one or two
  // kanji the dictionary does not know as a given name.
  const beforeQuote = after.length === 2 && SPEAKER_PARTICLES.has(after[0].surface) && QUOTE_OPENERS.has(after[1].surface);
  if (beforeQuote && speakerNameBeforeQuote(c, out)) return;
  // Trailing titles and honorifics (会長, 選手, 氏, さん).
  let m = c.length;
  while (m > 0 && isTitleToken(c[m - 1])) m--;
  const titled = m < c.length;
  // A name may also follow a title or role in the same chunk (ミドリ社長杉森): scan back from the end.
  const nextSurface = (k: number): string => (k + 1 < c.length ? c[k + 1].surface : (after[0]?.surface ?? ""));
  // A surname the dictionary knows as a place, with an honorific after it (鵜谷さん, 千葉氏).
  const honorificAfter = titled && m === c.length - 1 && HONORIFICS.has(c[m].surface);
  const nameish = (k: number): boolean => {
    const t = c[k];
    // A name followed by 町 or 市 is a place (山里町).
    if (PLACE_SUFFIX.has(nextSurface(k))) return false;
    if (isPersonTag(t)) return true;
    if (isProper(t) && t.pos2 === "地域" && t.pos3 === "一般" && placeInName(c, k, m, honorificAfter)) return true;
    if (NOT_NAME_START.has(t.surface) || isTitleToken(t) || NOT_NAME_SUFFIX.has(t.surface)) return false;
    if (isNumeral(t)) return numeralInName(c, k, m);
    // 娘さん, 母さん: a relative, not a name.
    if (honorificAfter && k === m - 1 && KIN_WORD.has(t.surface)) return false;
    if (t.surface.length === 1 && HAN.test(t.surface)) return true;
    return isUnknown(t) && t.pos === "名詞" && HAN.test(t.surface);
  };
  let k = m;
  let length = 0;
  while (k > 0 && nameish(k - 1) && length + c[k - 1].surface.length <= 7) {
    k--;
    length += c[k].surface.length;
  }
  // The tokens before the name, up to the one that stopped the scan, are a chunk of their own (a
  // place before 県知事, a company before 社長, 鈴木 before 山里町); that one stays only as a place
  // or an organisation.
  if (k > 0) {
    personsOf(c.slice(0, k - 1), before, c.slice(k - 1, k + 1), out);
    if (isProper(c[k - 1]) && !isPersonTag(c[k - 1])) out.push(c[k - 1]);
  }
  const span = c.slice(k, m);
  if (span.length > 0) {
    const hasTag = span.some(isPersonTag);
    // A surname the dictionary knows as a place, with an honorific after it (鵜谷さん).
    const placeSurname = honorificAfter && !hasTag && placeAlone(span);
    // Untagged pieces are a name when a title follows at the start of a chunk (堀社長, 桐会長,
    // 堀正義氏) or a role precedes them (番組MCの田中), or right before は「 (山川/葵 は「…」).
    const named = hasTag || placeSurname || untaggedName(c, k, m, span, length, before, after, titled, beforeQuote);
    if (named && !placeSurname && span.length === 1 && isPersonTag(span[0])) out.push(span[0]);
    else if (!(named && pushName(span, placeSurname, out))) pushProper(out, span, 0);
  }
  pushProper(out, c, m);
}

/** A speaker's particle and the quote mark after it (は「, が『). */
const SPEAKER_PARTICLES = new Set(["は", "が", "も"]);
const QUOTE_OPENERS = new Set(["「", "『"]);

/** The proper nouns of `list` from `from` on, to `out`. */
function pushProper(out: Token[], list: Token[], from: number): void {
  for (let x = from; x < list.length; x++) if (isProper(list[x])) out.push(list[x]);
}

/** 山川/葵 before は「: a surname-like proper noun and one or two kanji unknown as a given name, as a name (to `out`). */
function speakerNameBeforeQuote(c: Token[], out: Token[]): boolean {
  if (
    c.length >= 2 &&
    c.length <= 3 &&
    isProper(c[0]) &&
    (c[0].pos2 === "人名" || (c[0].pos2 === "地域" && c[0].pos3 === "一般")) &&
    c.slice(1).every((t) => t.surface.length === 1 && HAN.test(t.surface) && !isTitleToken(t) && !NOT_NAME_SUFFIX.has(t.surface) && !isProper(t))
  ) {
    out.push(synth(c[0].surface, c[0].start, "人名", "姓"));
    out.push(synth(surfaces(c, 1), c[1].start, "人名", "名"));
    return true;
  }
  return false;
}

/** A lone place-tagged token. */
function placeAlone(span: Token[]): boolean {
  return span.length === 1 && isProper(span[0]) && span[0].pos2 === "地域";
}

/** A place-tagged token `c[k]` as part of a name: before a given name, or a surname before an honorific. */
function placeInName(c: Token[], k: number, m: number, honorificAfter: boolean): boolean {
  return (k + 1 < m && isPersonTag(c[k + 1]) && c[k + 1].pos3 === "名") || (k === m - 1 && honorificAfter && HAN.test(c[k].surface));
}

/**
 * Kanji numerals open and close given names (万由美, 晋一, 洋二): before a name part, or right after one
 * at the end of the name.
 */
function numeralInName(c: Token[], k: number, m: number): boolean {
  const t = c[k];
  if (!/^[一二三四五六七八九十百千万]$/.test(t.surface)) return false;
  if (k + 1 < m && isPersonTag(c[k + 1])) return c[k + 1].pos3 === "姓" || c[k + 1].pos3 === "名";
  return /^[一二三五六七八九十]$/.test(t.surface) && k === m - 1 && k > 0 && isPersonTag(c[k - 1]);
}

/** Whether the untagged pieces `span` = `c[k..m)` (`length` characters) are a name (see `personsOf`). */
function untaggedName(c: Token[], k: number, m: number, span: Token[], length: number, before: Token[], after: Token[], titled: boolean, beforeQuote: boolean): boolean {
  if (!(length <= 4 && span.every((t) => HAN.test(t.surface)))) return false;
  // …at the start of the chunk, or after a team or place (巨人森田浩監督) or a title.
  if (!(k === 0 || (isProper(c[k - 1]) && (c[k - 1].pos2 === "組織" || c[k - 1].pos2 === "地域")) || isTitleToken(c[k - 1]))) return false;
  const pieces = span.length >= 2 || (span.length === 1 && span[0].surface.length === 1);
  if (titled && pieces) return true;
  const roleBefore = before.length === 2 && before[1].surface === "の" && PERSON_ROLES.includes(before[0].surface);
  if (roleBefore && span.length >= 2 && (after.length === 0 || PARTICLE_POS.has(after[0].pos))) return true;
  // A name standing right before は「 (山川/葵 は「…」): a surname-like place and one or two kanji.
  return m === c.length && beforeQuote && span.length >= 2 && span.length <= 3 && isProper(span[0]) && span.slice(1).every((t) => t.surface.length === 1);
}

/**
 * The family and given name of the pieces `span` (a place-tagged surname alone when `placeSurname`,
 * whatever its length), to `out`; false, with nothing written, when they are too long for a name.
 */
function pushName(span: Token[], placeSurname: boolean, out: Token[]): boolean {
  let split = 1;
  if (!placeSurname) {
    // Family name, then given name.
    let lastFamily = -1;
    for (let x = 0; x < span.length; x++) if (isPersonTag(span[x]) && span[x].pos3 === "姓") lastFamily = x;
    if (lastFamily >= 0) split = lastFamily + 1;
    else {
      let lastGiven = -1;
      for (let x = 0; x < span.length; x++) if (isPersonTag(span[x]) && span[x].pos3 === "名") lastGiven = x;
      split = lastGiven > 0 ? lastGiven : lastGiven === 0 ? 0 : 1;
      // 万/由美: a numeral that opens a given name is part of it.
      if (lastGiven === 1 && isNumeral(span[0])) split = 0;
    }
  }
  const family = surfaces(span, 0, split);
  const given = surfaces(span, split);
  if (!placeSurname && (family.length > 5 || given.length > 4)) return false;
  // Pieces joined into a name with no given part (ジョー/山本, 石/井坂) name a person in full.
  if (family) out.push(synth(family, span[0].start, "人名", !given && split >= 2 ? "一般" : "姓"));
  if (given) out.push(synth(given, span[split].start, "人名", "名"));
  return true;
}

interface RawMention extends Span {
  text: string;
  type: EntityType;
  name: string;
}

/** A person name found in the text, with its family and given parts when known. */
interface PersonCandidate extends Span {
  name: string;
  family: string;
  given: string;
}

/** Katakana words for kinds of people, not names, before さん or a title (ユーザーさん, スタッフさん). */
const GENERIC_KATAKANA =
  /^(?:ユーザー?|スタッフ|ファン|ゲスト|メンバー|キャスト|プロデューサー|ディレクター|マネージャー|ママ|パパ|オーナー|ドライバー|パートナー|ヒロイン|ヒーロー|アイドル|モデル|タレント|アーティスト|シェフ|コーチ|キャプテン|リーダー|チーム|クラブ)$/u;
const AGE_AFTER = /^[（(]\d{1,3}(?:歳)?[）)]/u;
/** A 3–5 kanji item of a 、-separated list (…した村瀬健太、石動誠…): the shape of a full name. */
const LIST_ITEM = /(^|[、，・\s\u3000]|[ぁ-ん])([\p{Script=Han}々]{3,5})(?=、|と|の|ら|、|そして)/uy;
/** The lead characters of a `LIST_ITEM` (`\s` holds no character above U+3000 but U+FEFF). */
const LIST_ITEM_LEAD = charSet("、，・\u3000\ufeff", [["ぁ", "ん"]]);
for (let c = 0; c <= 0x3000; c++) if (/\s/u.test(String.fromCharCode(c))) LIST_ITEM_LEAD[c] = 1;
/** Han or 々 (in the BMP: U+2E80–U+FAFF), or a high surrogate (a Han character beyond the BMP may start there). */
const HAN_OR_HIGH = charSet([], [["\ud800", "\udbff"]]);
for (let c = 0x2e80; c <= 0xfaff; c++) if (/[\p{Script=Han}々]/u.test(String.fromCharCode(c))) HAN_OR_HIGH[c] = 1;
/** Where a `LIST_ITEM` match can start: the text's start, or a lead character (`LIST_ITEM_LEAD`) before a kanji. */
/** (Not read past the end: `charCodeAt` there is NaN, and a table read at NaN deoptimises.) */
const kanjiNext = (s: string, p: number): boolean => p + 1 < s.length && HAN_OR_HIGH[s.charCodeAt(p + 1)] === 1;
/** An appositive role and the name after it (女優の小鞠が). */
const APPOSITIVE_ROLES = [
  ...PERSON_ROLES, "レスラー", "プロレスラー", "ボクサー", "力士", "騎手", "棋士", "ライター", "グラビアアイドル", "女子アナ", "芸妓",
  "ダンサー", "ミュージシャン", "ボーカル", "ギタリスト", "ドラマー", "DJ", "写真家", "カメラマン", "デザイナー", "俳人", "詩人", "画家",
  "投手", "捕手", "内野手", "外野手", "コーチ", "監督", "GM", "オーナー", "ストライカー", "ゴールキーパー", "番長",
].filter((r, i, all) => all.indexOf(r) === i).sort((a, b) => b.length - a.length);
/** An appositive role and the name after it (女優の小鞠が, レスラー・瑠名と); checked against a later quote. */
const ROLE_THEN_NAME = new RegExp(`(?:${APPOSITIVE_ROLES.join("|")})(?:の|・)([\\p{Script=Han}々ァ-ヴー]{2,5}?)(?=が|は|も|、|と|の|に|[（(])`, "uy");
const APPOSITIVE_FIRST = charSet(APPOSITIVE_ROLES);
/** What follows a name that the text goes on to quote: 小鞠は「…」 (tested in place after the name). */
const QUOTE_AFTER_NAME = /(?:は|が|も)[^。「]{0,30}「/uy;
/** True when `name` stands somewhere in `text` with a quote opening after it (`QUOTE_AFTER_NAME`). */
function quotedLater(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    QUOTE_AFTER_NAME.lastIndex = at + name.length;
    if (QUOTE_AFTER_NAME.test(text)) return true;
  }
  return false;
}
/** A player's position and the name after it (ブラジル代表FWペレイリーニョ). */
const POSITION_THEN_NAME = /(?:FW|MF|DF|GK|ＦＷ|ＭＦ|ＤＦ|ＧＫ)[\s\u3000・]?([ァ-ヴー]{2,}(?:[・＝][ァ-ヴー]{2,})*)(?![ァ-ヴー・＝])/gu;
/** A nickname and the name it stands for: “キングタク”こと山村拓也. */
const NICKNAME = /[“"「『]?([^\s“”"「」『』、。（）()]{2,10}?)[”"」』]?(?:こと|ことは)(?=[\p{Script=Han}々ァ-ヴー])/gu;
/**
 * A Western full name in katakana and what only a person does in a film or on a stage after it
 * (ピーター・ハロルドが演じた, ジム・ブレナン演じる, …の主演により).
 */
const FOREIGN_THEN_ROLE = /(?<![ァ-ヴー・＝])([ァ-ヴー]{2,}(?:[・＝][ァ-ヴー]{2,}){1,2})(?:が|の|も|は)?(?=演じ|主演|扮し|扮す|出演)/gu;
/** A role and a Western full name after it (エースのアリ・ハッサニ, 監督・ジョン・スミス). */
const ROLE_THEN_FOREIGN = new RegExp(`(?:${PERSON_ROLES.join("|")})(?:の|・)([ァ-ヴー]{2,}(?:[・＝][ァ-ヴー]{2,})+)(?![ァ-ヴー・＝])`, "gu");
/** A kanji name the alias table may know (村瀬健太, in a draft that gives no other clue). */
const KANJI_RUN = /(?<![\p{Script=Han}々])[\p{Script=Han}々]{2,5}(?![\p{Script=Han}々])/gu;
/** A name with an honorific and an age or 仮名 in parentheses: 会社員のさくらさん(仮名・38歳). */
/** What every `NAME_WITH_AGE` match holds: a sentence without it needs no search. */
const HONORIFIC_PAREN = /(?:さん|氏|くん|ちゃん)[（(]/u;
const NAME_WITH_AGE = /(?<=の|、|^|\s|は|が)([\p{Script=Han}\p{Script=Hiragana}ァ-ヴー々]{1,6}?)(?:さん|氏|くん|ちゃん)[（(](?:仮名|[^（）()]{0,8}?\d{1,3}(?:歳|才))/gmu;
/** A Western full name (ルイス・カブレラ) standing as the actor of its clause. */
const WESTERN_NAME = /(?<![ァ-ヴー・＝])([ァ-ヴー]{2,}(?:[・＝][ァ-ヴー]{2,})+)(?=は|が|も|と(?!し)|、|氏|さん|監督|選手|容疑者|被告|[（(]\d)/gu;
/** A quoted name with an honorific: 「ぽんた」さん. */
const QUOTED_NAME = /「([^「」\s]{1,12})」(?:さん|氏|君|くん|ちゃん|様)/uy;
const QUOTED_NAME_FIRST = charSet("「");
const HAN_CHAR = /[\p{Script=Han}々〆ヶ]/u;
const KANA_OR_HAN = /[\p{Script=Han}々〆ヶァ-ヴー]/u;
/** A title starting at a given offset (sticky: tested in place, no slicing). */
const TITLE_AT = new RegExp(`(?:${PERSON_TITLES.join("|")})`, "uy");
/** A title right before a name (社長杉森, 監督・三栖). */
const TITLE_BEFORE = new RegExp(`(?:${KANJI_TITLES.join("|")})・?$`, "u");

/** The first characters of the expressions searched in each sentence, found in one pass (`positionsBySet`). */
/** …and the characters whose presence gates a search (a position code, a name separator). */
const ENTITY_FIRSTS = [KATAKANA_FIRST, ORG_PATTERN_FIRST, ORG_GAZETTEER_FIRST, APPOSITIVE_FIRST, QUOTED_NAME_FIRST, PLACE_GAZETTEER_FIRST, charSet("FMDGＦＭＤＧ"), charSet("・＝")];
const ENTITY_FIRST_BITS = charSetBits(ENTITY_FIRSTS);
const [AT_KATAKANA, AT_ORG_PATTERN, AT_ORG_GAZETTEER, AT_APPOSITIVE, AT_QUOTED_NAME, AT_PLACE_GAZETTEER, AT_POSITION_CODE, AT_SEPARATOR] = [0, 1, 2, 3, 4, 5, 6, 7];

/** What a katakana run goes on with (`KATAKANA_RUN`'s lookbehind): no run starts right after one. */
const RUN_CONTINUES = charSet("ヵヶー・＝=", [["ァ", "ヴ"]]);
const KATAKANA_BIT = 1 << AT_KATAKANA;
const ORG_PATTERN_BIT = 1 << AT_ORG_PATTERN;

/**
 * `positionsBySet` of the entity expressions' first characters, keeping for two of them only the
 * positions where a match can start: a katakana run's first character (`KATAKANA_RUN`'s lookbehind
 * fails inside a run) and where `orgPatternStart` accepts.
 */
const NO_POSITIONS: readonly number[] = Object.freeze([]);
function entityFirsts(s: string): number[][] {
  // (Most sets stand nowhere in a sentence: they share one empty list, never written to.)
  const out: number[][] = [];
  for (let k = 0; k < ENTITY_FIRSTS.length; k++) out.push(NO_POSITIONS as number[]);
  for (let p = 0; p < s.length; p++) {
    let b = ENTITY_FIRST_BITS[s.charCodeAt(p)];
    if (b === 0) continue;
    if ((b & KATAKANA_BIT) !== 0 && p > 0 && RUN_CONTINUES[s.charCodeAt(p - 1)] === 1) b &= ~KATAKANA_BIT;
    if ((b & ORG_PATTERN_BIT) !== 0 && !orgPatternStart(s, p)) b &= ~ORG_PATTERN_BIT;
    for (let k = 0; b !== 0; k++, b >>= 1) {
      if ((b & 1) === 0) continue;
      if (out[k] === NO_POSITIONS) out[k] = [p];
      else out[k].push(p);
    }
  }
  return out;
}

/**
 * Finds entity mentions in `text` over `regions`, given kuromoji tokens of those regions (offsets
 * into `text`; `selectEntityTokens` of them is all that is read, and `selected` says they are that
 * already). Names are observed into `aliases`;
 * `canonical` is the cluster's display name at the time of the call (re-resolve later with
 * `aliases.canonical` when the corpus grows).
 */
export function extractEntities(text: string, regions: Span[], allTokens: Token[], aliases: AliasTable, selected = false): EntityMention[] {
  const tokens = selected ? allTokens : selectEntityTokens(allTokens);
  const katakanaRuns: { start: number; name: string }[] = [];
  const raw: RawMention[] = [];
  const placeTokenAt = new Map<number, Token>();
  const personTokenAt = new Set<number>();
  for (const t of tokens) {
    if (t.pos2 === "地域") placeTokenAt.set(t.start, t);
    if (t.pos2 === "人名") personTokenAt.add(t.start);
  }
  const isPlaceWord = (s: string): boolean => PLACE_WORDS.has(s) || PLACE_ALIASES[s] !== undefined;
  const titleAt = (end: number): boolean => {
    TITLE_AT.lastIndex = end;
    return TITLE_AT.test(text);
  };

  // Where each expression's first characters stand, per region (one pass over each).
  const firsts: number[][][] = [];
  // (Each region's text, sliced once for the three passes below.)
  const slices: string[] = [];
  for (const region of regions) {
    const slice = text.slice(region.start, region.end);
    slices.push(slice);
    const at = entityFirsts(slice);
    firsts.push(at);
    // 1. katakana + title; a katakana word + 社長 + a name is the name's company (ミドリ社長杉森).
    // Each maximal katakana run once, its title tested in place (a regex over the whole sentence
    // would retry every position inside every run).
    for (const run of matchesAt(KATAKANA_RUN, slice, at[AT_KATAKANA])) {
      const start = region.start + (run.index ?? 0);
      const name = run[0];
      katakanaRuns.push({ start, name });
      QUALIFIED_TITLE_AT.lastIndex = start + name.length;
      if (!QUALIFIED_TITLE_AT.test(text)) continue;
      const m = [text.slice(start, QUALIFIED_TITLE_AT.lastIndex)];
      const tok = placeTokenAt.get(start);
      if (isPlaceWord(name) || (tok && tok.surface === name)) continue;
      if (name.length < 2 || /^ー/.test(name) || GENERIC_KATAKANA.test(name)) continue;
      if (start > 0 && /[ァ-ヴー・]/.test(text[start - 1])) continue;
      const end = start + m[0].length;
      if (personTokenAt.has(end)) {
        raw.push({ start, end: start + name.length, text: name, type: "organization", name });
        continue;
      }
      raw.push({ start, end, text: m[0], type: "person", name });
    }
    // 2. organisations by pattern and gazetteer
    if (ORG_PATTERN_SUFFIX.test(slice)) for (const m of matchesAt(ORG_PATTERN, slice, at[AT_ORG_PATTERN])) {
      const start = region.start + (m.index ?? 0);
      raw.push({ start, end: start + m[0].length, text: m[0], type: "organization", name: m[0] });
    }
    for (const m of matchesAt(ORG_GAZETTEER_RE, slice, at[AT_ORG_GAZETTEER])) {
      const org = m[0];
      const start = region.start + (m.index ?? 0);
      if (wordAt(text, start, start + org.length)) raw.push({ start, end: start + org.length, text: org, type: "organization", name: org });
    }
  }

  // 3. kuromoji's tags (as joined by selectEntityTokens): 人名 (family + given), 地域, 組織.
  const candidates: PersonCandidate[] = [];
  const accepted = new Set<PersonCandidate>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.pos !== "名詞" || t.pos1 !== "固有名詞") continue;
    if (t.pos2 === "人名") {
      let end = t.start + t.surface.length;
      let j = i + 1;
      while (j < tokens.length && tokens[j].pos2 === "人名" && tokens[j].pos1 === "固有名詞" && tokens[j].start === end) {
        end += tokens[j].surface.length;
        j++;
      }
      let family = "";
      let k = i;
      while (k < j && tokens[k].pos3 === "姓") family += tokens[k++].surface;
      const name = text.slice(t.start, end);
      const given = name.slice(family.length);
      const c: PersonCandidate = { start: t.start, end, name, family, given };
      candidates.push(c);
      const katakana = /^[ァ-ヴー・]+$/.test(name);
      const before = text.slice(Math.max(0, t.start - 12), t.start);
      const after = text.slice(end, end + 6);
      const evidence = titleAt(end) || AGE_AFTER.test(after) || ROLE_BEFORE_NAME.test(before) || TITLE_BEFORE.test(before);
      // A family and a given name together are a person; a lone name needs a title, an age, a
      // role before it, or (for a Western name) katakana — a lone kanji family name is too
      // ambiguous (石, 林…), unless the text names the person in full elsewhere (step 4).
      const whole = j - i === 1 && t.pos3 === "一般";
      // A lone katakana name must stand as a word: ニコニコ動画 is no person.
      const standsAlone = !/^[\p{Script=Han}ァ-ヴー]/u.test(after) || titleAt(end);
      if (name.length >= 2 || evidence) {
        if ((family && given) || whole || evidence || (katakana && name.length >= 2 && standsAlone)) accepted.add(c);
      }
      i = j - 1;
    } else if (t.pos2 === "地域" && t.surface.length >= 2) {
      // A place inside a longer katakana name (ワシントン・エグザミナー) is not the place.
      if (!wordAt(text, t.start, t.start + t.surface.length)) continue;
      raw.push({ start: t.start, end: t.start + t.surface.length, text: t.surface, type: "place", name: t.surface });
    } else if (t.pos2 === "組織" && t.surface.length >= 2) {
      const end = t.start + t.surface.length;
      // A katakana piece of a longer word (ドットコム) is no name.
      if (/^[ァ-ヴー]/.test(t.surface) && /[ァ-ヴー]$/.test(text.slice(Math.max(0, t.start - 1), t.start))) continue;
      // kuromoji tags any unknown Latin word 組織: only some are organisations.
      if (/^[\x00-\x7f]+$/.test(t.surface) && !latinOrganisation(text, t.start, end)) continue;
      raw.push({ start: t.start, end, text: t.surface, type: "organization", name: t.surface });
    }
  }
  // 4. A name the text gives in full (or with a title) makes its family name a person wherever it
  // stands alone (梶浦佑都 … 梶浦は); both spellings are one cluster in the alias table.
  const families = new Map<string, Set<string>>();
  const knownNames = new Set<string>();
  /** Given names of two or more characters and the full names that end with them (泰輔 → 中川泰輔). */
  const givens = new Map<string, Set<string>>();
  const rememberName = (c: PersonCandidate): void => {
    knownNames.add(c.name);
    if (!(c.family && c.given && HAN_CHAR.test(c.family[0]))) return;
    let set = families.get(c.family);
    if (!set) families.set(c.family, (set = new Set()));
    set.add(c.name);
    if (c.given.length >= 2 && c.name.length - c.given.length <= 3) {
      let g = givens.get(c.given);
      if (!g) givens.set(c.given, (g = new Set()));
      g.add(c.name);
    }
  };
  for (const c of accepted) rememberName(c);
  // …and a name the alias table already knows as a person (a draft names 平賀 alone, the corpus
  // 平賀拓真 and 平賀).
  for (const c of candidates) if (!accepted.has(c) && (knownNames.has(c.name) || families.has(c.name) || aliases.typeOf(c.name) === "person")) accepted.add(c);
  // Names the dictionary does not know at all, from what stands around them: an item of a list of
  // people (村瀬健太、石動誠、新井田大輔), a name after an appositive role that the text goes on to quote
  // (女優の小鞠が … 小鞠は「…」), a quoted name with an honorific (「ぽんた」さん).
  let listed = false;
  for (const c of accepted) if (c.family && c.given) listed = true;
  const knowsPersons = aliases.hasPersons();
  for (let ri = 0; ri < regions.length; ri++) {
    const region = regions[ri];
    const slice = slices[ri];
    const at = firsts[ri];
    const separated = at[AT_SEPARATOR].length > 0;
    if (listed && slice.includes("、")) for (const m of matchesWhere(LIST_ITEM, slice, LIST_ITEM_LEAD, kanjiNext, true)) {
      const start = region.start + (m.index ?? 0) + m[1].length;
      const name = m[2];
      const end = start + name.length;
      if (candidates.some((c) => c.start < end && start < c.end)) continue;
      const isPerson = (from: number, to: number) => {
        for (const c of accepted) if (c.start >= from && c.end <= to && c.family && c.given) return true;
        return false;
      };
      const prevItem = /([^、]{2,8})、$/.exec(text.slice(Math.max(0, start - 9), start));
      const nextItem = /^、([^、。]{2,8})/.exec(text.slice(end, end + 9));
      const prevOk = prevItem !== null && isPerson(start - 1 - prevItem[1].length, start - 1);
      const nextOk = nextItem !== null && isPerson(end + 1, end + 1 + nextItem[1].length);
      if (!(prevOk || nextOk)) continue;
      const c: PersonCandidate = { start, end, name, family: name.slice(0, 2), given: name.slice(2) };
      candidates.push(c);
      accepted.add(c);
    }
    if (slice.includes("の") || slice.includes("・")) for (const m of matchesAt(ROLE_THEN_NAME, slice, at[AT_APPOSITIVE])) {
      const name = m[1];
      const start = region.start + (m.index ?? 0) + m[0].length - name.length;
      const end = start + name.length;
      if (candidates.some((c) => c.start < end && start < c.end) || isPlaceWord(name) || placeTokenAt.has(start)) continue;
      if (!quotedLater(text, name)) continue;
      const c: PersonCandidate = { start, end, name, family: "", given: "" };
      candidates.push(c);
      accepted.add(c);
    }
    if (at[AT_POSITION_CODE].length > 0) for (const m of allMatches(POSITION_THEN_NAME, slice)) {
      const name = m[1];
      const start = region.start + (m.index ?? 0) + m[0].length - name.length;
      const c: PersonCandidate = { start, end: start + name.length, name, family: "", given: "" };
      if (candidates.some((x) => x.start < c.end && c.start < x.end) || isPlaceWord(name)) continue;
      candidates.push(c);
      accepted.add(c);
    }
    if (separated) for (const m of allMatches(ROLE_THEN_FOREIGN, slice)) {
      const name = m[1];
      const start = region.start + (m.index ?? 0) + m[0].length - name.length;
      const c: PersonCandidate = { start, end: start + name.length, name, family: "", given: "" };
      if (candidates.some((x) => x.start < c.end && c.start < x.end)) continue;
      candidates.push(c);
      accepted.add(c);
    }
    if (separated && /演じ|主演|扮|出演/.test(slice)) for (const m of allMatches(FOREIGN_THEN_ROLE, slice)) {
      const name = m[1];
      const start = region.start + (m.index ?? 0);
      const c: PersonCandidate = { start, end: start + name.length, name, family: "", given: "" };
      const overlapping = candidates.filter((x) => x.start < c.end && c.start < x.end);
      // (A part of the name taken alone — ピーター — gives way to the whole name.)
      if (overlapping.some((x) => x.start < c.start || x.end > c.end) || isPlaceWord(name)) continue;
      for (const x of overlapping) {
        candidates.splice(candidates.indexOf(x), 1);
        accepted.delete(x);
      }
      candidates.push(c);
      accepted.add(c);
    }
    // A name the alias table knows as a person (from the corpus, when a draft is analysed).
    if (knowsPersons) {
      for (const m of allMatches(KANJI_RUN, slice)) {
        let name = m[0];
        const start = region.start + (m.index ?? 0);
        for (const t of PERSON_TITLES) if (name.length > t.length + 1 && name.endsWith(t)) name = name.slice(0, -t.length);
        if (name.length < 3 || aliases.typeOf(name) !== "person") continue;
        const c: PersonCandidate = { start, end: start + name.length, name, family: "", given: "" };
        if (candidates.some((x) => x.start < c.end && c.start < x.end)) continue;
        candidates.push(c);
        accepted.add(c);
      }
    }
    if (separated) for (const m of allMatches(WESTERN_NAME, slice)) {
      const name = m[1];
      const start = region.start + (m.index ?? 0);
      const end = start + name.length;
      if (name.split(/[・＝]/).some((part) => isPlaceWord(part)) || tokens.some((t) => t.start < end && start < t.start + t.surface.length && (t.pos2 === "組織" || t.pos2 === "地域"))) continue;
      const c: PersonCandidate = { start, end, name, family: "", given: "" };
      if (candidates.some((x) => x.start < c.end && c.start < x.end)) continue;
      candidates.push(c);
      accepted.add(c);
    }
    if (HONORIFIC_PAREN.test(slice)) for (const m of allMatches(NAME_WITH_AGE, slice)) {
      const start = region.start + (m.index ?? 0);
      const c: PersonCandidate = { start, end: start + m[1].length, name: m[1], family: "", given: "" };
      if (candidates.some((x) => x.start < c.end && c.start < x.end)) continue;
      candidates.push(c);
      accepted.add(c);
    }
    if (slice.includes("」")) for (const m of matchesAt(QUOTED_NAME, slice, at[AT_QUOTED_NAME])) {
      const start = region.start + (m.index ?? 0) + 1;
      const c: PersonCandidate = { start, end: start + m[1].length, name: m[1], family: "", given: "" };
      candidates.push(c);
      accepted.add(c);
    }
  }
  // Every accepted name's other mentions (小鞠 again, 村瀬 alone, 泰輔 for 中川泰輔); names accepted
  // since step 4 are remembered too.
  for (const c of accepted) rememberName(c);
  for (const c of accepted) raw.push({ start: c.start, end: c.end, text: c.name, type: "person", name: c.name });
  const spelled = [
    ...new Set(
      [...knownNames]
        .filter((n) => HAN_CHAR.test(n[0]) && n.length >= 2)
        .concat([...families.keys()].filter((f) => f.length >= 2))
        .concat([...givens].filter(([g, fulls]) => fulls.size === 1 && !families.has(g)).map(([g]) => g)),
    ),
  ];
  const spelledAt = (n: string, start: number): void => {
    const end = start + n.length;
    const prevOk = start === 0 || !KANA_OR_HAN.test(text[start - 1]) || TITLE_BEFORE.test(text.slice(Math.max(0, start - 6), start));
    const nextOk = end >= text.length || !HAN_CHAR.test(text[end]) || titleAt(end);
    if (prevOk && nextOk) raw.push({ start, end, text: n, type: "person", name: n });
  };
  let ordered = true;
  for (let ri = 1; ri < regions.length; ri++) if (regions[ri].start < regions[ri - 1].end) ordered = false;
  if (spelled.length > 0 && ordered) {
    // Each name searched once in the whole text, its occurrences dealt to the regions that hold
    // them: per region, each name's occurrences that do not overlap, from the region's start (what a
    // search of each region for each name finds), in the same order (region, name, offset).
    const hits: number[][] = [];
    for (let ni = 0; ni < spelled.length; ni++) {
      const n = spelled[ni];
      let ri = 0;
      let inRegion = -1;
      let nextFree = 0;
      for (let at = text.indexOf(n); at >= 0; at = text.indexOf(n, at + 1)) {
        while (ri < regions.length && regions[ri].end < at + n.length) ri++;
        if (ri >= regions.length) break;
        if (at < regions[ri].start) continue;
        if (ri !== inRegion) {
          inRegion = ri;
          nextFree = regions[ri].start;
        }
        if (at < nextFree) continue;
        (hits[ri] ??= []).push(ni, at);
        nextFree = at + n.length;
      }
    }
    for (let ri = 0; ri < regions.length; ri++) {
      const h = hits[ri];
      if (h !== undefined) for (let k = 0; k < h.length; k += 2) spelledAt(spelled[h[k]], h[k + 1]);
    }
  } else if (spelled.length > 0) {
    for (const region of regions) {
      const slice = text.slice(region.start, region.end);
      for (const n of spelled) for (let at = slice.indexOf(n); at >= 0; at = slice.indexOf(n, at + n.length)) spelledAt(n, region.start + at);
    }
  }
  // 5. gazetteer places kuromoji missed.
  for (let ri = 0; ri < regions.length; ri++) {
    const region = regions[ri];
    const slice = slices[ri];
    for (const m of matchesAt(PLACE_GAZETTEER_RE, slice, firsts[ri][AT_PLACE_GAZETTEER])) {
      const p = m[0];
      const start = region.start + (m.index ?? 0);
      if (wordAt(text, start, start + p.length)) raw.push({ start, end: start + p.length, text: p, type: "place", name: p });
    }
  }

  // A given name alone stands for the one full name the text gives with it (泰輔 → 中川泰輔); a
  // nickname for the name it introduces (“キングタク”こと山村拓也: キングタク, タク → 山村拓也).
  const nicknames = nicknamesOf(text, regions, raw);
  for (const r of raw) {
    if (r.type !== "person") continue;
    const full = givens.get(r.name);
    if (full && full.size === 1 && !families.has(r.name)) r.name = [...full][0];
    const nick = nicknames.find((n) => n.nick === r.name || (r.name.length >= 2 && n.nick.includes(r.name) && n.full !== r.name && !n.full.includes(r.name)));
    if (nick) r.name = nick.full;
  }
  for (const n of nicknames) {
    for (const region of regions) {
      for (let at = text.indexOf(n.nick, region.start); at >= 0 && at + n.nick.length <= region.end; at = text.indexOf(n.nick, at + n.nick.length)) {
        if (!raw.some((r) => r.start < at + n.nick.length && at < r.end)) raw.push({ start: at, end: at + n.nick.length, text: n.nick, type: "person", name: n.full });
      }
    }
  }
  for (const r of raw) if (r.type === "person") aliases.observe(r.name, "person");
  // The family name of a Western full name stands for the person alone later on (カブレラは).
  for (const r of raw) {
    if (r.type !== "person") continue;
    const parts = canonicalName(r.name).split(/[・＝]/);
    if (parts.length > 1 && parts[parts.length - 1].length >= 3 && !isPlaceWord(parts[parts.length - 1])) aliases.observe(parts[parts.length - 1], "person");
  }
  // 6. bare katakana mentions of known persons (マクレイン政権, (ボルコフ)大統領).
  const persons = aliases.personKeys();
  // A run's key starts with its first character that the key keeps: runs whose first kept character
  // starts no person's key need no key of their own.
  const keyFirsts = new Set<number>();
  let emptyKey = false;
  for (const k of persons) {
    if (k.length === 0) emptyKey = true;
    else keyFirsts.add(k.charCodeAt(0));
  }
  for (const { start, name } of katakanaRuns) {
    if (!emptyKey && !keyFirsts.has(firstKeyCode(name))) continue;
    if (!persons.has(aliasKey(name)) || isPlaceWord(name)) continue;
    raw.push({ start, end: start + name.length, text: name, type: "person", name });
  }

  // Keep the longest mention where several overlap (persons win ties over places).
  const rank = (r: RawMention): number => (r.type === "person" ? 2 : r.type === "organization" ? 1 : 0);
  raw.sort((a, b) => b.end - b.start - (a.end - a.start) || rank(b) - rank(a) || a.start - b.start);
  const kept: RawMention[] = [];
  // Kept mentions never overlap, so the characters they hold are marked; a candidate overlaps one
  // when any of its own characters is marked (a name is short: this is linear in the text).
  let low = Infinity;
  let high = 0;
  for (const r of raw) (low = Math.min(low, r.start)), (high = Math.max(high, r.end));
  if (takenMarks.length < high - low) takenMarks = new Uint8Array(Math.max(high - low, 2 * takenMarks.length));
  const taken = takenMarks;
  for (const r of raw) {
    let free = true;
    for (let k = r.start; k < r.end && free; k++) if (taken[k - low]) free = false;
    if (!free) continue;
    for (let k = r.start; k < r.end; k++) taken[k - low] = 1;
    kept.push(r);
  }
  // Left clear for the next call.
  for (const r of kept) taken.fill(0, r.start - low, r.end - low);
  kept.sort((a, b) => a.start - b.start || a.end - b.end);
  for (const r of kept) if (r.type !== "person") aliases.observe(r.name, r.type);
  return kept.map((r) => ({
    start: r.start,
    end: r.end,
    text: r.text,
    type: r.type,
    canonical: r.type === "person" ? aliases.canonical(r.name) : r.type === "place" ? canonicalPlace(r.name) : r.name.normalize("NFKC"),
  }));
}

/** `extractEntities`' marks of the characters kept mentions hold (all clear between calls). */
let takenMarks = new Uint8Array(1 << 12);

/** Nicknames the text introduces (`XことY`, X in quote marks or not) for a person mention Y right after. */
function nicknamesOf(text: string, regions: Span[], raw: RawMention[]): readonly Nickname[] {
  // (Made with its first nickname: a `[]` that stays empty in most texts is another kind of array,
  // and a push into it deoptimised.)
  let out: Nickname[] | null = null;
  for (const region of regions) {
    const slice = text.slice(region.start, region.end);
    if (!slice.includes("こと")) continue;
    // A match holds こと at most 12 characters after its start: the search starts there, not at
    // every position of the sentence (the lazy name part retries each one up to ten times).
    let from = 0;
    for (let koto = slice.indexOf("こと"); koto >= 0; koto = slice.indexOf("こと", from)) {
      // A match ends with a こと at or after this one that a kanji or katakana follows (after は or not).
      if (!nameFollowsKoto(slice, koto)) break;
      NICKNAME.lastIndex = Math.max(from, koto - 12);
      const m = NICKNAME.exec(slice);
      if (m === null) break;
      from = NICKNAME.lastIndex;
      const after = region.start + (m.index ?? 0) + m[0].length;
      const person = raw.find((r) => r.type === "person" && r.start === after && /^[\p{Script=Han}々]/u.test(r.name) && r.name.length >= 3);
      const nick = m[1].replace(/^[^\p{Script=Han}々ァ-ヴーぁ-ん]+/u, "");
      if (!person || nick.length < 2 || nick === person.name || /^(?:その|この|あの|同じ|彼|彼女)/.test(nick)) continue;
      const n: Nickname = { nick, full: person.name };
      if (out === null) out = [n];
      else out.push(n);
    }
  }
  return out ?? NO_NICKNAMES;
}
interface Nickname {
  nick: string;
  full: string;
}
const NO_NICKNAMES: readonly Nickname[] = Object.freeze([]);

/** `NICKNAME`'s lookahead after a こと: Han, 々, katakana or ー (a high surrogate may start a Han character). */
const NAME_AFTER_KOTO = charSet("々ー", [["ァ", "ヴ"], ["\ud800", "\udbff"]]);
for (let c = 0x2e80; c <= 0xfaff; c++) if (/\p{Script=Han}/u.test(String.fromCharCode(c))) NAME_AFTER_KOTO[c] = 1;
/** True when some こと at or after `koto` in `s` is followed, directly or after は, by what `NICKNAME` looks ahead for. */
function nameFollowsKoto(s: string, koto: number): boolean {
  // (Not read past the end: `charCodeAt` there is NaN, and a table read at NaN deoptimises.)
  for (let k = koto; k >= 0 && k + 2 < s.length; k = s.indexOf("こと", k + 1)) {
    const c = s.charCodeAt(k + 2);
    if (NAME_AFTER_KOTO[c] === 1) return true;
    if (c === 0x306f && k + 3 < s.length && NAME_AFTER_KOTO[s.charCodeAt(k + 3)] === 1) return true;
  }
  return false;
}

/** True unless `[start, end)` of a katakana or Latin word is only part of a longer such word. */
function wordAt(text: string, start: number, end: number): boolean {
  const first = text[start];
  const last = text[end - 1];
  if (/[ァ-ヴー]/.test(first) && start > 0 && /[ァ-ヴー・＝]/.test(text[start - 1])) return false;
  if (/[ァ-ヴー]/.test(last) && end < text.length && /[ァ-ヴー・＝]/.test(text[end])) return false;
  if (/[A-Za-z0-9]/.test(first) && start > 0 && /[A-Za-z0-9]/.test(text[start - 1])) return false;
  if (/[A-Za-z0-9]/.test(last) && end < text.length && /[A-Za-z0-9]/.test(text[end])) return false;
  return true;
}

/**
 * A Latin word kuromoji tagged 組織 is an organisation when its shape or place says so: a broadcaster
 * before a programme title (TBS「…」), an abbreviation in parentheses after a name (…（DeNA）), an
 * inner capital (DeNA), three or more capitals that are no common abbreviation (NHK, CSKA), or a
 * company word after it (本社, 社長).
 */
function latinOrganisation(text: string, start: number, end: number): boolean {
  const word = text.slice(start, end);
  if (!wordAt(text, start, end)) return false;
  const after = text.slice(end, end + 4);
  const before = text.slice(Math.max(0, start - 2), start);
  if (/^[「『]/.test(after) && /^[A-Z0-9]+$/.test(word)) return true;
  if (/[（(]$/.test(before) && /^[）)]/.test(after)) return true;
  if (/^(?:本社|社長|会長|社員|傘下|グループ|側)/.test(after)) return true;
  if (/^[A-Za-z][a-z]+[A-Z]/.test(word) && word.length >= 4) return true;
  // A word of a Latin phrase (a title such as MORNING STAGE) is not a name on its own.
  if (/[A-Za-z][\s\u3000]$/.test(before) || /^[\s\u3000][A-Za-z]/.test(after)) return false;
  return /^[A-Z]{3,6}$/.test(word) && !LATIN_NOT_ORG.has(word.toUpperCase());
}
