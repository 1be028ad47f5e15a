/**
 * Source metadata: key, title, outlet, published, url and originals, resolved field by field with the
 * precedence front matter > catalogue (`sources.yaml`) > inference from the text > file name.
 *
 * Inference is deliberately conservative about outlets and dates: an aggregator (a curation blog)
 * quotes many outlets and shows their dates, none of which are its own. So the outlet is read only
 * from the page's own chrome (a site-name header, its UI and subscription prompts, credit and
 * copyright lines), never from article prose or from "出典/さらに読む" lines; the date only from a
 * standalone dateline in the header, before the first paragraph of prose.
 */
import { isCitableKey } from "../draft/citations";
import type { SourceMetadata, Span } from "../model";
import { readYamlText } from "./frontMatter";
import type { ClassifiedLine } from "./boilerplate";

/** One entry of `sources.yaml`. */
export interface CatalogueEntry {
  key?: string;
  title?: string;
  outlet?: string;
  published?: string;
  url?: string;
  originals?: string[];
}

export interface Catalogue {
  /** Entries by file path relative to the corpus directory, `/`-separated. */
  entries: Map<string, CatalogueEntry>;
  problems: Array<{ message: string }>;
}

/** What the text (or the HTML page's metadata) tells. */
export interface InferredMetadata {
  title: string | null;
  outlet: string | null;
  published: string | null;
  url: string | null;
  originals: string[];
}

export interface OutletInfo {
  /** Display name. */
  name: string;
  /** Romanised slug for keys. */
  slug: string;
  /** Spellings that name it, longest first where one contains another. */
  aliases: string[];
}

/** Japanese and international news outlets, for outlet inference and key slugs. */
export const OUTLETS: OutletInfo[] = [
  { name: "日本経済新聞", slug: "nikkei", aliases: ["日本経済新聞", "日経電子版", "日経新聞", "日経ID", "NIKKEI", "日経"] },
  { name: "ニューズウィーク日本版", slug: "newsweekjapan", aliases: ["ニューズウィーク日本版", "Newsweek Japan", "ニューズウィーク"] },
  { name: "ロイター", slug: "reuters", aliases: ["トムソンロイター", "トムソン・ロイター", "ロイター", "Reuters"] },
  { name: "時事通信", slug: "jiji", aliases: ["時事通信社", "時事通信", "時事ドットコム", "JIJI.COM"] },
  { name: "共同通信", slug: "kyodo", aliases: ["共同通信社", "共同通信", "Kyodo News"] },
  { name: "朝日新聞", slug: "asahi", aliases: ["朝日新聞デジタル", "朝日新聞"] },
  { name: "読売新聞", slug: "yomiuri", aliases: ["読売新聞オンライン", "読売新聞"] },
  { name: "毎日新聞", slug: "mainichi", aliases: ["毎日新聞"] },
  { name: "産経新聞", slug: "sankei", aliases: ["産経新聞", "産経ニュース"] },
  { name: "東京新聞", slug: "tokyonp", aliases: ["東京新聞デジタル", "東京新聞", "TOKYO Web"] },
  { name: "中日新聞", slug: "chunichi", aliases: ["中日新聞"] },
  { name: "北海道新聞", slug: "hokkaido-np", aliases: ["北海道新聞"] },
  { name: "西日本新聞", slug: "nishinippon", aliases: ["西日本新聞"] },
  { name: "NHK", slug: "nhk", aliases: ["NHKニュース", "NHK NEWS WEB", "NHK"] },
  { name: "TBS", slug: "tbs", aliases: ["TBS NEWS DIG", "TBSテレビ", "TBS"] },
  { name: "テレビ朝日", slug: "tvasahi", aliases: ["テレ朝news", "テレビ朝日", "ANN"] },
  { name: "日本テレビ", slug: "ntv", aliases: ["日テレNEWS", "日本テレビ", "NNN"] },
  { name: "フジテレビ", slug: "fnn", aliases: ["FNNプライムオンライン", "フジテレビ", "FNN"] },
  { name: "テレビ東京", slug: "tvtokyo", aliases: ["テレ東BIZ", "テレビ東京"] },
  { name: "AFP", slug: "afp", aliases: ["AFPBB News", "AFP時事", "AFP"] },
  { name: "AP通信", slug: "ap", aliases: ["AP通信", "Associated Press"] },
  { name: "ブルームバーグ", slug: "bloomberg", aliases: ["ブルームバーグ", "Bloomberg"] },
  { name: "CNN", slug: "cnn", aliases: ["CNN.co.jp", "CNN"] },
  { name: "BBC", slug: "bbc", aliases: ["BBCニュース", "BBC"] },
  { name: "ウォール・ストリート・ジャーナル", slug: "wsj", aliases: ["ウォール・ストリート・ジャーナル", "WSJ"] },
  { name: "東洋経済", slug: "toyokeizai", aliases: ["東洋経済オンライン", "東洋経済"] },
  { name: "ダイヤモンド・オンライン", slug: "diamond", aliases: ["ダイヤモンド・オンライン"] },
  { name: "文春オンライン", slug: "bunshun", aliases: ["文春オンライン", "週刊文春"] },
  { name: "ハフポスト日本版", slug: "huffpost", aliases: ["ハフポスト", "HuffPost"] },
  { name: "Yahoo!ニュース", slug: "yahoo", aliases: ["Yahoo!ニュース", "ヤフーニュース"] },
  { name: "Forbes JAPAN", slug: "forbesjapan", aliases: ["Forbes JAPAN"] },
  { name: "インタファクス通信", slug: "interfax", aliases: ["インタファクス通信", "インタファクス", "Interfax"] },
  { name: "タス通信", slug: "tass", aliases: ["タス通信", "TASS"] },
  { name: "新華社", slug: "xinhua", aliases: ["新華社"] },
  { name: "聯合ニュース", slug: "yonhap", aliases: ["聯合ニュース"] },
  { name: "Arab News Japan", slug: "arabnews", aliases: ["Arab News", "アラブニュース"] },
  { name: "スプートニク", slug: "sputnik", aliases: ["スプートニク", "Sputnik"] },
];

const ALIAS_INDEX: Array<{ alias: string; outlet: OutletInfo }> = OUTLETS.flatMap((o) => o.aliases.map((alias) => ({ alias, outlet: o }))).sort(
  (a, b) => b.alias.length - a.alias.length,
);

/** Outlets named in `text`, longest spelling first so `日本経済新聞` is not also counted as `日経`. */
let compiledAliases: Array<{ alias: string; outlet: OutletInfo; re: RegExp }> | null = null;

/** ALIAS_INDEX with each alias' pattern compiled once. */
function aliasPatterns(): Array<{ alias: string; outlet: OutletInfo; re: RegExp }> {
  // Short Latin acronyms must stand alone (`AP` is not inside `APPLE`).
  return (compiledAliases ??= ALIAS_INDEX.map(({ alias, outlet }) => ({
    alias,
    outlet,
    re: new RegExp(/^[A-Za-z]{1,4}$/.test(alias) ? `(?<![A-Za-z])${escapeRe(alias)}(?![A-Za-z])` : escapeRe(alias), "g"),
  })));
}

export function outletsIn(text: string): OutletInfo[] {
  const found: Array<{ at: number; outlet: OutletInfo }> = [];
  let rest = text;
  for (const { alias, outlet, re } of aliasPatterns()) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(rest))) {
      found.push({ at: m.index, outlet });
      rest = rest.slice(0, m.index) + "\u0000".repeat(alias.length) + rest.slice(m.index + alias.length);
      re.lastIndex = m.index + alias.length;
    }
  }
  // (A loop: an optimised `map` makes HOLEY arrays where the interpreter's are PACKED.)
  const outlets: OutletInfo[] = [];
  for (const f of found.sort((a, b) => a.at - b.at)) outlets.push(f.outlet);
  return outlets;
}

export function outletByName(name: string): OutletInfo | null {
  return outletsIn(name)[0] ?? null;
}

/**
 * Pandoc citation-key rule: begins with a letter, digit or `_`, then letters, digits, `_` and
 * internal punctuation `:.#$%&-+?<>~/` (punctuation may not end the key).
 */
export function isValidCitationKey(key: string): boolean {
  return /^[\p{L}\p{N}_](?:[\p{L}\p{N}_]|[:.#$%&\-+?<>~/](?=[\p{L}\p{N}_:.#$%&\-+?<>~/]*[\p{L}\p{N}_]))*$/u.test(key);
}

/** `<outlet-slug>-<YYYY-MM-DD>` when both are known, else a slug of the file name. */
export function inferKey(outlet: string | null, published: string | null, fileName: string): string {
  const date = published ? /^(\d{4}-\d{2}-\d{2})/.exec(published)?.[1] : undefined;
  const slug = outlet ? outletSlug(outlet) : null;
  if (slug && date) return `${slug}-${date}`;
  return fileNameKey(fileName);
}

export function outletSlug(outlet: string): string | null {
  const known = outletByName(outlet);
  if (known) return known.slug;
  const ascii = outlet.normalize("NFKC").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  // Only a name written in Latin letters slugs honestly; a Japanese name would lose everything.
  return ascii.length >= 2 && ascii.replace(/-/g, "").length >= outlet.replace(/\s/g, "").length * 0.6 ? ascii : null;
}

/** A valid key from a file name: extension dropped, anything outside the key alphabet turned into `-`. */
export function fileNameKey(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, "").replace(/\.[^.]+$/, "");
  let key = base
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N}_:.#$%&\-+?<>~/]+/gu, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^\p{L}\p{N}_]+|[^\p{L}\p{N}_]+$/gu, "");
  if (!key) key = "source";
  return key;
}

/**
 * Parses `sources.yaml`: a list of entries with `path`, or a map from path to entry. Never throws.
 * Values are read as the text written (`key: 001` stays `001`). A file listed twice keeps its
 * first entry; a YAML error loses only the entries from the error on — both are reported.
 */
export function parseCatalogue(text: string): Catalogue {
  const entries = new Map<string, CatalogueEntry>();
  const problems: Array<{ message: string }> = [];
  const read = readYamlText(text);
  const line = (pos: number) => text.slice(0, pos).split(/\r\n|\n|\r/).length;
  const broken = read.errors.find((e) => e.code !== "DUPLICATE_KEY");
  // Entries that end before the first YAML error are intact.
  const intactBefore = broken ? broken.pos[0] : Infinity;
  if (broken) {
    problems.push({ message: `sources.yaml is not valid YAML (line ${line(broken.pos[0])}): ${broken.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}; entries from there on are ignored` });
  }
  for (const d of read.duplicates) {
    problems.push({ message: `sources.yaml (line ${line(d.pos)}): '${d.name}' is given twice; the first is used` });
  }
  const add = (path: unknown, raw: unknown, where: string) => {
    if (typeof path !== "string" || !raw || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push({ message: `sources.yaml: ${where} needs a file path and a mapping of fields; ignored` });
      return;
    }
    const rel = normalizeRelPath(path);
    if (entries.has(rel)) {
      problems.push({ message: `sources.yaml: '${rel}' is listed twice; the first entry is used` });
      return;
    }
    const { entry, errors } = readFields(raw as Record<string, unknown>);
    for (const e of errors) problems.push({ message: `sources.yaml: ${path}: ${e}` });
    entries.set(rel, entry);
  };
  const data = read.value;
  if (data === null || data === undefined) return { entries, problems };
  const pathOf = (item: unknown) => (item && typeof item === "object" ? ((item as any).path ?? (item as any).file) : undefined);
  if (Array.isArray(data)) {
    data.forEach((item, i) => add(pathOf(item), item, `entry ${i + 1}`));
  } else if (typeof data === "object") {
    const obj = data as Record<string, unknown>;
    const list = Array.isArray(obj.sources) ? obj.sources : null;
    if (list) list.forEach((item, i) => add(pathOf(item), item, `entry ${i + 1}`));
    else {
      const ends = new Map(read.entries.map((e) => [e.name, e.end]));
      for (const [path, raw] of Object.entries(obj)) {
        if ((ends.get(path) ?? 0) > intactBefore) continue;
        add(path, raw, `entry '${path}'`);
      }
    }
  } else {
    problems.push({ message: "sources.yaml must be a list of entries or a map from file path to entry" });
  }
  return { entries, problems };
}

/** Reads the metadata fields of a front matter or catalogue mapping, validating each. */
export function readFields(raw: Record<string, unknown>): { entry: CatalogueEntry; errors: string[] } {
  const entry: CatalogueEntry = {};
  const errors: string[] = [];
  const str = (v: unknown): string | undefined =>
    typeof v === "string" && v.trim() !== "" ? v.trim() : typeof v === "number" ? String(v) : undefined;
  const key = str(raw.key ?? raw.id ?? raw.citekey);
  if (key !== undefined) {
    if (isCitableKey(key)) entry.key = key;
    else errors.push(`key '${key}' cannot be cited: Pandoc reads a key up to a space, and in braces (@{…}) only with balanced braces and no backslash; ignored`);
  }
  const title = str(raw.title);
  if (title) entry.title = title;
  const outlet = str(raw.outlet ?? raw.publisher ?? raw["container-title"]);
  if (outlet) entry.outlet = outlet;
  const date = raw.published ?? raw.date;
  if (date !== undefined && date !== null) {
    const iso = date instanceof Date ? date.toISOString().slice(0, 10) : normalizeIsoDate(String(date));
    if (iso) entry.published = iso;
    else errors.push(`published '${String(date)}' is not an ISO 8601 date or date-time; ignored`);
  }
  const url = str(raw.url ?? raw.URL);
  if (url) entry.url = url;
  const originals = raw.originals;
  if (Array.isArray(originals)) entry.originals = originals.filter((o): o is string => typeof o === "string");
  else if (typeof originals === "string") entry.originals = [originals];
  return { entry, errors };
}

/** `2025-06-20`, `2025/6/20`, `2025-06-09T10:15:00+09:00` → ISO 8601; `null` when not a date. */
export function normalizeIsoDate(s: string): string | null {
  const t = s.trim();
  const m = /^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (!m) return /^\d{4}$/.test(t) ? t : null;
  const [, y, mo, d, time] = m;
  if (+mo < 1 || +mo > 12 || (d && (+d < 1 || +d > 31))) return null;
  const date = `${y}-${mo.padStart(2, "0")}${d ? `-${d.padStart(2, "0")}` : ""}`;
  return time && d ? date + time : date;
}

const JA_DATETIME =
  /(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*[(（][月火水木金土日](?:曜日?)?[)）])?(?:\s*(\d{1,2})\s*(?:時|:)\s*(\d{2})\s*分?(?:\s*(\d{2})\s*秒)?)?/;
/** `2012/08/02 11:00`, and ISO 8601 `2012-08-02T11:00:00+0900` with seconds, fraction and zone. */
const NUM_DATETIME =
  /(?<!\d)(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?!\d)(?:(?:[Tt]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?)?/;

/**
 * Parses a dateline (`2025年6月9日(月)10時15分`, `公開日:2025/06/20`, `2012-08-02T11:00:00+0900`) into
 * ISO 8601. A stated zone is kept (normalised to `+09:00`); times without one are taken as JST.
 */
export function parseDateline(line: string): string | null {
  const s = line.normalize("NFKC");
  const m = JA_DATETIME.exec(s) ?? NUM_DATETIME.exec(s);
  if (!m) return null;
  const [, y, mo, d, hh, mm, ss, zone] = m;
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31) return null;
  const date = `${y}-${mo.padStart(2, "0")}-${d.padStart(2, "0")}`;
  if (hh === undefined || +hh > 23 || +mm > 59) return date;
  const z = !zone ? "+09:00" : zone === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return `${date}T${hh.padStart(2, "0")}:${mm}:${ss ?? "00"}${z}`;
}

/** True when `line` is only a date(-time), perhaps labelled (`公開日:`, `更新`, `Posted on`): never a title. */
export function isDateOnlyLine(line: string): boolean {
  const s = line.normalize("NFKC");
  const m = JA_DATETIME.exec(s) ?? NUM_DATETIME.exec(s);
  if (!m) return false;
  const rest = (s.slice(0, m.index) + s.slice(m.index + m[0].length)).replace(DATE_WORDS, "").replace(/[\s:：|｜()（）[\]【】,、.・-]/g, "");
  return rest.length === 0;
}
const DATE_WORDS =
  /公開日時?|更新日時?|配信日時?|投稿日時?|掲載日時?|作成日時?|最終更新日?時?|公開|更新|配信|投稿|掲載|日付|日時|published|posted|updated|last|date|time|on|at|jst|[月火水木金土日]曜日?|[月火水木金土日祝]/gi;

/** The page's own address: a URL line of the header, bare or labelled `URL:`/`Source:`/`元記事:`. */
const OWN_URL_LINE =
  /^(?:(?:url|source|link|permalink|canonical|original|元記事|元記事url|記事url|掲載url|ソースurl|元url)\s*[:：]\s*)?(?:<?(https?:\/\/[^\s<>]+?)>?|\[[^\]]*\]\((https?:\/\/[^)\s]+)\))$/i;

/** Labels that name the page's own address wherever they stand (`Source:` may be an original's). */
const OWN_LABELLED_URL = /^(?:url|permalink|canonical|元記事|元記事url|記事url|掲載url|元url)\s*[:：]/i;

function urlLineKey(line: string): string {
  return line.normalize("NFKC").replace(/\*\*|__/g, "").trim();
}

function isOwnUrlLine(line: string): boolean {
  return OWN_URL_LINE.test(urlLineKey(line));
}

/** Verdicts whose lines are not the page's own chrome: its text, metadata and other articles' headlines. */
const NOT_OWN_CHROME = new Set<string>(["body", "aggregator", "dateline", "section", "related", "unrelated", "ranking"]);
const OTHER_ARTICLES = new Set<string>(["section", "related", "unrelated", "ranking"]);

/** What the cleaner may have made of a headline: anything but site UI, lists, metadata and footers. */
const HEADLINE_VERDICTS = new Set<string>(["body", "prompt", "stranded", "block", "navigation", "tail"]);

/** A title line as written in exported text: `# 見出し`, `タイトル：見出し`, `Title: …`, `**見出し**`. */
function titleText(line: string): string {
  return line
    .replace(/^#{1,6}\s+/, "")
    .replace(/\s+#+$/, "")
    .replace(/^(?:タイトル|見出し|題名|title)\s*[:：]\s*/i, "")
    .replace(/^\*\*(.+)\*\*$/, "$1")
    .replace(/^__(.+)__$/, "$1")
    .trim();
}

const ORIGINAL_LINE = /(?:出典|画像元|引用元|ソース|source)\s*[:：]\s*(https?:\/\/[^\s「」『』<>"')）]+)/gi;
const CREDIT_LINE = /^[[［(（【〔]\s*([^\]］)）】〕]{1,20}?)\s*[\]］)）】〕]$/;
/** The brackets a `CREDIT_LINE` opens with. */
const CREDIT_OPENERS = new Set(["[", "［", "(", "（", "【", "〔"]);
/** Per BMP code unit: 1 when NFKC of it starts with a credit opener, 2 when not (0: not worked out yet). */
const OPENS_BRACKET = new Uint8Array(0x10000);
/**
 * Whether NFKC of `s` may start with a credit line's opening bracket: its first character's NFKC
 * does (no bracket is a composition, so what follows cannot change that).
 */
function mayOpenBracket(s: string): boolean {
  const c = s.charCodeAt(0);
  if (Number.isNaN(c) || (c >= 0xd800 && c <= 0xdfff)) return true;
  if (OPENS_BRACKET[c] === 0) OPENS_BRACKET[c] = CREDIT_OPENERS.has(String.fromCharCode(c).normalize("NFKC")[0]) ? 1 : 2;
  return OPENS_BRACKET[c] === 1;
}
const COPYRIGHT_LINE = /(?:copyright|©|\(c\)\s*\d{4}|all rights reserved|無断転載|無断転用|無断複製)/i;
const SITE_HEADER = /^(.{2,60}?)\s+logo\b/i;

/**
 * Infers metadata from a cleaned text: `lines` are the cleaner's verdicts over the whole text, `body`
 * its kept spans. `pageMeta` (an HTML page's own metadata) wins over heuristics.
 */
export function inferMetadata(text: string, lines: ClassifiedLine[], body: Span[], pageMeta?: Partial<InferredMetadata> & { siteName?: string | null }): InferredMetadata {
  const nonBlank = lines.filter((l) => l.verdict !== "blank");
  const firstProse = nonBlank.findIndex((l) => l.verdict === "body" && l.text.length >= 60 && /[。！？]/.test(l.text));
  const header = firstProse < 0 ? nonBlank : nonBlank.slice(0, firstProse);

  // Title: in a scraped article's header (`URL / date-time / headline`), the line after the address and
  // date lines, whatever the cleaner made of it (a headline announcing a campaign reads like a prompt);
  // else the first line of the body that is not a date or an address.
  let title: string | null = null;
  let top = 0;
  while (top < nonBlank.length && (nonBlank[top].verdict === "dateline" || isOwnUrlLine(nonBlank[top].text) || isDateOnlyLine(nonBlank[top].text))) top++;
  if (top > 0 && top < nonBlank.length && HEADLINE_VERDICTS.has(nonBlank[top].verdict)) {
    const line = titleText(nonBlank[top].text);
    if (line.length > 0 && line.length <= 200 && !/[。]$/.test(line)) title = line;
  }
  // (Loops: an optimised `map` makes HOLEY arrays where the interpreter's are PACKED.)
  for (let k = 0; !title && k < body.length; k++) {
    for (const raw of text.slice(body[k].start, body[k].end).split(/\r\n|\n|\r/)) {
      const first = titleText(raw.trim());
      if (first !== "" && !isDateOnlyLine(first) && !isOwnUrlLine(first)) {
        title = first.length > 300 ? first.slice(0, 300) + "…" : first;
        break;
      }
    }
  }

  // URL: the first address line of the header (an aggregator's `出典:` lines are its originals), else
  // a line anywhere that labels the page's own address (`元記事: …`, `URL: …` under a clipped article).
  let url: string | null = null;
  for (const l of header) {
    const m = OWN_URL_LINE.exec(urlLineKey(l.text));
    if (m) {
      url = m[1] ?? m[2];
      break;
    }
  }
  if (!url) {
    for (const l of nonBlank) {
      const key = urlLineKey(l.text);
      const m = OWN_LABELLED_URL.test(key) ? OWN_URL_LINE.exec(key) : null;
      if (m) {
        url = m[1] ?? m[2];
        break;
      }
    }
  }

  // Published: a standalone dateline in the header only.
  let published: string | null = null;
  for (const l of header) {
    if (l.verdict === "dateline" || (l.text.length <= 40 && JA_DATETIME.test(l.text) && l.text.replace(JA_DATETIME, "").trim().length <= 6)) {
      published = parseDateline(l.text);
      if (published) break;
    }
  }

  // Outlet: site header > the page's own chrome > credit lines > copyright lines.
  let outlet: string | null = null;
  const siteHeader = nonBlank.length > 0 ? SITE_HEADER.exec(nonBlank[0].text.normalize("NFKC")) : null;
  if (siteHeader) outlet = outletByName(siteHeader[1])?.name ?? siteHeader[1].trim();
  if (!outlet) {
    // Lists of other articles' headlines (related, ranked, summarised) name other outlets.
    const chrome = nonBlank.filter((l) => !NOT_OWN_CHROME.has(l.verdict) && !COPYRIGHT_LINE.test(l.text));
    outlet = mostFrequent(chrome.flatMap((l) => outletsIn(l.text)))?.name ?? null;
  }
  if (!outlet) {
    const named: OutletInfo[] = [];
    for (const l of nonBlank) {
      if (OTHER_ARTICLES.has(l.verdict) || !mayOpenBracket(l.text)) continue;
      const credit = CREDIT_LINE.exec(l.text.normalize("NFKC"))?.[1];
      if (credit) for (const o of outletsIn(credit)) named.push(o);
    }
    outlet = mostFrequent(named)?.name ?? null;
  }
  if (!outlet) {
    outlet = mostFrequent(nonBlank.filter((l) => COPYRIGHT_LINE.test(l.text)).flatMap((l) => outletsIn(l.text)))?.name ?? null;
  }

  const originals: string[] = [];
  for (const m of text.matchAll(ORIGINAL_LINE)) if (!originals.includes(m[1]) && m[1] !== url) originals.push(m[1]);

  return {
    title: pageMeta?.title ? pageTitle(pageMeta.title, title, pageMeta.siteName ?? null) : title,
    outlet: (pageMeta?.siteName ? (outletByName(pageMeta.siteName)?.name ?? pageMeta.siteName) : null) ?? pageMeta?.outlet ?? outlet,
    published: (pageMeta?.published ? normalizeIsoDate(pageMeta.published) ?? parseDateline(pageMeta.published) : null) ?? published,
    url: pageMeta?.url ?? url,
    originals: [...(pageMeta?.originals ?? []), ...originals.filter((o) => !pageMeta?.originals?.includes(o))],
  };
}

/**
 * A page's `<title>` without the site name it usually carries (`見出し | サイト名`): the headline the
 * text gives when the title starts with it, else the title without a trailing `| site name`.
 */
function pageTitle(title: string, textTitle: string | null, siteName: string | null): string {
  const SEPARATOR = /^[\s\u3000]*[|｜\-–—:：«»/][\s\u3000]*\S/u;
  if (textTitle && title !== textTitle && title.startsWith(textTitle) && SEPARATOR.test(title.slice(textTitle.length))) return textTitle;
  if (siteName) {
    const m = /^(.+?)[\s\u3000]*[|｜\-–—:：«»/][\s\u3000]*([^|｜]+)$/u.exec(title);
    if (m && m[2].trim() === siteName.trim()) return m[1].trim();
  }
  return title;
}

/** Applies the precedence front matter > catalogue > inferred > file name, recording provenance. */
export function resolveMetadata(args: {
  path: string;
  relPath: string;
  frontMatter: CatalogueEntry | null;
  catalogue: CatalogueEntry | null;
  inferred: InferredMetadata;
}): SourceMetadata {
  const { frontMatter: fm, catalogue: cat, inferred } = args;
  const provenance: NonNullable<SourceMetadata["provenance"]> = {};
  const pick = <K extends "title" | "outlet" | "published" | "url">(field: K): string | null => {
    if (fm?.[field]) return (provenance[field] = "front-matter"), fm[field]!;
    if (cat?.[field]) return (provenance[field] = "catalogue"), cat[field]!;
    if (inferred[field]) return (provenance[field] = "text"), inferred[field]!;
    return null;
  };
  const title = pick("title");
  const outlet = pick("outlet");
  const published = pick("published");
  const url = pick("url");
  let key: string;
  if (fm?.key) (key = fm.key), (provenance.key = "front-matter");
  else if (cat?.key) (key = cat.key), (provenance.key = "catalogue");
  else {
    key = inferKey(outlet, published, args.relPath);
    provenance.key = key === fileNameKey(args.relPath) ? "file-name" : "text";
  }
  const meta: SourceMetadata = {
    key,
    title: title ?? fileNameKey(args.relPath),
    outlet,
    published,
    url,
    originals: dedupe([...(fm?.originals ?? []), ...(cat?.originals ?? []), ...inferred.originals]),
    path: args.path,
    provenance,
  };
  if (!title) provenance.title = "file-name";
  return meta;
}

export function normalizeRelPath(p: string): string {
  return p.replace(/\\/g, "/").replace(/^\.\//, "");
}

function mostFrequent(outlets: OutletInfo[]): OutletInfo | null {
  const counts = new Map<OutletInfo, number>();
  for (const o of outlets) counts.set(o, (counts.get(o) ?? 0) + 1);
  let best: OutletInfo | null = null;
  for (const [o, c] of counts) if (!best || c > counts.get(best)!) best = o;
  return best;
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
