/**
 * Named entities (people, places, organisations) and their alias clusters.
 *
 * kuromoji's IPADIC lacks most foreign names, so a person is mainly found as a katakana run followed
 * by a title (プーチン大統領, ウィトコフ中東担当特使, ダルチエフ駐米大使), plus kuromoji's 人名 tags;
 * once a name is known as a person, its bare occurrences count too. Clusters join spellings that
 * differ only by titles, honorifics, ッ/ー/small kana (ウィトコフ = ウィットコフ), or a given name
 * (スティーブ・ウィトコフ = ウィトコフ), and whatever a user alias file says.
 */
import { parse as parseYaml } from "yaml";
import type { EntityMention, EntityType, Span } from "../model";
import type { Token } from "./tokenizer";

/** Titles and honorifics that may follow a person's name (longest first when matched). */
export const PERSON_TITLES = [
  "大統領報道官", "副大統領", "大統領", "報道官", "首相", "副首相", "総理大臣", "総理", "特使", "特別代表", "総裁", "副総裁",
  "長官", "副長官", "大使", "副次官補", "次官補", "次官", "外相", "国防相", "蔵相", "財務相", "経済相", "法相", "外務大臣",
  "大臣", "議長", "書記長", "委員長", "代表", "会長", "社長", "司令官", "補佐官", "顧問", "議員", "知事", "市長", "国王",
  "皇太子", "首長", "元首", "首席", "報道局長", "局長", "教授", "博士", "監督", "選手", "被告", "容疑者", "氏", "さん", "様", "君",
].sort((a, b) => b.length - a.length);

/** Words between a name and its title: tenure and country or office qualifiers (前米大統領, 駐米大使). */
const TITLE_QUALIFIER = "(?:前|元|現|次期|新)?(?:[米露ロ中英仏独日韓印伊加豪朝]|駐[一-龥]{1,2})?(?:[一-龥]{0,5}?)";
const KATAKANA_NAME = "[ァ-ヴヵヶ][ァ-ヴヵヶー]*(?:[・＝=][ァ-ヴヵヶ][ァ-ヴヵヶー]*)*";
const TITLED_PERSON = new RegExp(`(${KATAKANA_NAME})(${TITLE_QUALIFIER}(?:${PERSON_TITLES.join("|")}))`, "gu");

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
/** Organisations known by name (general knowledge). */
const ORG_GAZETTEER = [
  "ホワイトハウス", "クレムリン", "国連", "国際連合", "北大西洋条約機構", "NATO", "EU", "欧州連合", "国務省", "国防総省",
  "ペンタゴン", "国際原子力機関", "IAEA", "ロイター", "AP通信", "AFP通信", "共同通信", "時事通信", "インタファクス通信",
  "タス通信", "ブルームバーグ", "CNN", "BBC", "FOXニュース", "日本経済新聞", "朝日新聞", "読売新聞", "毎日新聞", "東京新聞",
  "NHK", "国際通貨基金", "IMF", "世界銀行", "G7", "G20",
];
const ORG_PATTERN = /(?:[ァ-ヴー]{2,}|[米露ロ中英仏独日韓])(?:大統領府|政府|外務省|国防省|国務省|議会|軍|通信|新聞)|[ァ-ヴー]{2,}(?:大統領府|通信社?|新聞|放送)/gu;

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

/** Strips titles, qualifiers and honorifics: `プーチン大統領` → `プーチン`, `トランプ前米大統領` → `トランプ`. */
export const canonicalName: (text: string) => string = memoized(canonicalNameOf);

function canonicalNameOf(text: string): string {
  let s = text.normalize("NFKC").replace(/[\s()（）]/g, "");
  const m = TITLED_NAME_WHOLE.exec(s);
  if (m) return m[1];
  for (const t of PERSON_TITLES) {
    if (s.length > t.length && s.endsWith(t)) {
      s = s.slice(0, -t.length);
      break;
    }
  }
  return s;
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

/** Key of a multi-part name's family name (last part): `スティーブ・ウィトコフ` → key of `ウィトコフ`. */
function familyKey(text: string): string | null {
  const name = canonicalName(text);
  const parts = name.split(/[・＝=]/).filter((p) => p.length > 0);
  return parts.length > 1 ? aliasKey(parts[parts.length - 1]) : null;
}

/**
 * Alias clusters across a corpus. Observe every mention (`observe`), then ask `canonical(name)` for
 * the cluster's display name: the user's canonical name when the alias file names the cluster, else
 * its most frequent spelling (ties: the lexicographically smaller, so the result is deterministic).
 */
export class AliasTable {
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly userCanonical = new Map<string, string>();
  private readonly types = new Map<string, EntityType>();

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
  }

  /** The cluster key a name belongs to (user aliases first, then family-name joins). */
  key(name: string): string {
    const k = aliasKey(name);
    const user = this.userCanonical.get(k);
    if (user !== undefined) return aliasKey(user);
    if (!this.counts.has(k)) {
      const fk = familyKey(name);
      if (fk !== null && (this.counts.has(fk) || this.userCanonical.has(fk))) return this.key(canonicalName(name).split(/[・＝=]/).pop() ?? name);
    }
    return k;
  }

  /** Records one mention's spelling (titles stripped). */
  observe(name: string, type?: EntityType): void {
    const spelling = canonicalName(name);
    if (spelling.length === 0) return;
    const k = this.key(spelling);
    let m = this.counts.get(k);
    if (!m) this.counts.set(k, (m = new Map()));
    // A full name (given・family) is counted, but never preferred as display over the family name.
    m.set(spelling, (m.get(spelling) ?? 0) + 1);
    if (type && !this.types.has(k)) this.types.set(k, type);
  }

  /** The type first observed for a name's cluster, if any. */
  typeOf(name: string): EntityType | undefined {
    return this.types.get(this.key(name));
  }

  /** The cluster's display name. */
  canonical(name: string): string {
    const spelling = canonicalName(name);
    const user = this.userCanonical.get(aliasKey(spelling));
    if (user !== undefined) return user;
    const k = this.key(spelling);
    const userByKey = [...this.userCanonical.entries()].find(([, c]) => aliasKey(c) === k);
    if (userByKey) return userByKey[1];
    const m = this.counts.get(k);
    if (!m || m.size === 0) return spelling;
    let best = "";
    let bestCount = -1;
    for (const [s, c] of m) {
      const single = !/[・＝=]/.test(s);
      const bestSingle = best !== "" && !/[・＝=]/.test(best);
      if (best === "" || (single && !bestSingle) || (single === bestSingle && (c > bestCount || (c === bestCount && s < best)))) {
        best = s;
        bestCount = c;
      }
    }
    return best;
  }

  /**
   * An independent copy: analysing a draft observes its spellings, which must not leak into the
   * corpus-wide clusters (display names would drift with every keystroke).
   */
  clone(): AliasTable {
    const copy = new AliasTable();
    for (const [k, m] of this.counts) copy.counts.set(k, new Map(m));
    for (const [k, v] of this.userCanonical) copy.userCanonical.set(k, v);
    for (const [k, v] of this.types) copy.types.set(k, v);
    return copy;
  }

  /** True when two names are in the same cluster. */
  same(a: string, b: string): boolean {
    return this.key(a) === this.key(b);
  }

  /** Person cluster keys seen so far (used to find bare mentions such as トランプ政権). */
  personKeys(): Set<string> {
    const out = new Set<string>();
    for (const [k, t] of this.types) if (t === "person") out.add(k);
    return out;
  }
}

/** Canonical form of a place name (`アメリカ` → `米国`). */
export function canonicalPlace(text: string): string {
  const s = text.normalize("NFKC");
  return PLACE_ALIASES[s] ?? s;
}

interface RawMention extends Span {
  text: string;
  type: EntityType;
  name: string;
}

/**
 * Finds entity mentions in `text` over `regions`, given kuromoji tokens of those regions (offsets
 * into `text`). Names are observed into `aliases`; `canonical` is the cluster's display name at the
 * time of the call (re-resolve later with `aliases.canonical` when the corpus grows).
 */
export function extractEntities(text: string, regions: Span[], tokens: Token[], aliases: AliasTable): EntityMention[] {
  const raw: RawMention[] = [];
  const placeTokenAt = new Map<number, Token>();
  for (const t of tokens) if (t.pos === "名詞" && t.pos1 === "固有名詞" && t.pos2 === "地域") placeTokenAt.set(t.start, t);
  const isPlaceWord = (s: string): boolean => PLACE_WORDS.has(s) || PLACE_ALIASES[s] !== undefined;

  for (const region of regions) {
    const slice = text.slice(region.start, region.end);
    // 1. katakana + title
    for (const m of slice.matchAll(TITLED_PERSON)) {
      const start = region.start + (m.index ?? 0);
      const name = m[1];
      const tok = placeTokenAt.get(start);
      if (isPlaceWord(name) || (tok && tok.surface === name)) continue;
      if (name.length < 2 || /^ー/.test(name)) continue;
      raw.push({ start, end: start + m[0].length, text: m[0], type: "person", name });
    }
    // 2. organisations by pattern and gazetteer
    for (const m of slice.matchAll(ORG_PATTERN)) {
      const start = region.start + (m.index ?? 0);
      raw.push({ start, end: start + m[0].length, text: m[0], type: "organization", name: m[0] });
    }
    for (const org of ORG_GAZETTEER) {
      let at = slice.indexOf(org);
      while (at >= 0) {
        const start = region.start + at;
        raw.push({ start, end: start + org.length, text: org, type: "organization", name: org });
        at = slice.indexOf(org, at + org.length);
      }
    }
  }

  // 3. kuromoji tags: 人名 (family + given joined), 地域, 組織.
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
      const name = text.slice(t.start, end);
      // A lone kanji family name is too ambiguous (石, 林…) unless a title follows.
      const after = text.slice(end, end + 6);
      const titled = PERSON_TITLES.some((tt) => after.startsWith(tt));
      if (name.length >= 2 && (j - i >= 2 || titled || /^[ァ-ヴー]+$/.test(name))) {
        raw.push({ start: t.start, end, text: name, type: "person", name });
      }
      i = j - 1;
    } else if (t.pos2 === "地域" && t.surface.length >= 2) {
      raw.push({ start: t.start, end: t.start + t.surface.length, text: t.surface, type: "place", name: t.surface });
    } else if (
      t.pos2 === "組織" &&
      t.surface.length >= 2 &&
      // kuromoji tags any unknown Latin word 組織; a katakana piece of a longer word (ドットコム) is no name.
      !/^[\x00-\x7f]+$/.test(t.surface) &&
      !(/^[ァ-ヴー]/.test(t.surface) && /[ァ-ヴー]$/.test(text.slice(Math.max(0, t.start - 1), t.start)))
    ) {
      raw.push({ start: t.start, end: t.start + t.surface.length, text: t.surface, type: "organization", name: t.surface });
    }
  }
  // 4. gazetteer places kuromoji missed.
  for (const region of regions) {
    const slice = text.slice(region.start, region.end);
    for (const p of PLACE_GAZETTEER) {
      let at = slice.indexOf(p);
      while (at >= 0) {
        const start = region.start + at;
        raw.push({ start, end: start + p.length, text: p, type: "place", name: p });
        at = slice.indexOf(p, at + p.length);
      }
    }
  }

  for (const r of raw) if (r.type === "person") aliases.observe(r.name, "person");
  // 5. bare mentions of known persons (トランプ政権, (プーチン)大統領).
  const persons = aliases.personKeys();
  for (const region of regions) {
    const slice = text.slice(region.start, region.end);
    for (const m of slice.matchAll(new RegExp(KATAKANA_NAME, "gu"))) {
      const name = m[0];
      if (!persons.has(aliasKey(name)) || isPlaceWord(name)) continue;
      const start = region.start + (m.index ?? 0);
      raw.push({ start, end: start + name.length, text: name, type: "person", name });
    }
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
  const taken = new Uint8Array(Math.max(0, high - low));
  for (const r of raw) {
    let free = true;
    for (let k = r.start; k < r.end && free; k++) if (taken[k - low]) free = false;
    if (!free) continue;
    for (let k = r.start; k < r.end; k++) taken[k - low] = 1;
    kept.push(r);
  }
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
