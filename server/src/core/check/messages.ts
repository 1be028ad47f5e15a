/**
 * Every message a rule produces, in English and Japanese. Rules call `msg(locale).x(...)`; nothing
 * else in the core builds user-facing text.
 */
import { citeOf } from "../draft/citations";

export type Locale = "en" | "ja";

/** A key as the writer would cite it (`@key`, or `@{key}` when Pandoc needs the braces). */
const at = (key: string) => citeOf(key);

/**
 * The first few keys of a list, and how many more: a quote a wire service sent out can be in
 * hundreds of sources, and a message naming them all is unreadable (the related information and
 * quick fixes name the first ones).
 */
const FEW_KEYS = 3;
const someKeys = (keys: string[], sep: string, more: (n: number) => string) =>
  keys.slice(0, FEW_KEYS).map((k) => at(k)).join(sep) + (keys.length > FEW_KEYS ? more(keys.length - FEW_KEYS) : "");
const andMore = (n: number) => ` and ${n.toLocaleString("en")} more`;
const hokaKen = (n: number) => ` ほか${n.toLocaleString("ja")}件`;

const clip = (s: string, n = 60) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

const en = {
  unknownSource: (key: string, near: string[]) =>
    `Unknown source '${at(key)}': no corpus source or bibliography entry has this key.` + (near.length ? ` Did you mean ${near.map((k) => at(k)).join(", ")}?` : ""),
  quoteMismatch: (key: string, source: string, diff: string) =>
    `Misquote: ${at(key)} does not have these exact words; it says 「${clip(source, 120)}」 (difference: ${diff}).`,
  quoteWrongSource: (cited: string[], found: string[]) =>
    `Quote not in ${cited.map((k) => at(k)).join(", ")}; it is in ${someKeys(found, ", ", andMore)}.`,
  quoteNotFound: () => `Quote not found in the corpus: no source has these words.`,
  speakerMismatch: (draft: string, source: string, key: string) =>
    `Speaker mismatch: the draft attributes this quote to ${draft}, but ${at(key)} attributes it to ${source}.`,
  dateMismatch: (draft: string, source: string, key: string) => `Date mismatch: the draft says ${draft}, ${at(key)} says ${source}.`,
  numberMismatch: (draft: string, source: string, key: string) => `Number mismatch: the draft says ${draft}, ${at(key)} says ${source}.`,
  entityMismatch: (draft: string, source: string, key: string) => `Entity mismatch: the draft names ${draft}, ${at(key)} names ${source}.`,
  uncitedQuote: (keys: string[]) => `Uncited quote: the corpus has these words in ${someKeys(keys, ", ", andMore)}; add a citation.`,
  sourcesDisagree: (fact: string, a: string, b: string, other: string) =>
    `Sources disagree on ${fact}: ${a}, but ${b} (${at(other)}).`,
  secondarySource: (key: string, original: string) =>
    `Secondary source: this passage of ${at(key)} quotes ${original}; consider citing the original.`,
  evidence: (key: string) => `Source passage in ${at(key)}`,
  draftProblem: (code: string, fallback: string) =>
    ({
      "citation-without-key": "This citation has no key: write [@key] with a source key after @.",
      "citation-after-text": "@key straight after Japanese text is not a citation (Pandoc reads it as text): write [@key] or put a space before @.",
      "citation-fullwidth": "A full-width ＠ or ［］ is not citation syntax (Pandoc reads it as text): write [@key] with ASCII @ and brackets.",
      "citation-example-list":
        "Pandoc reads @key. at the start of a paragraph as an example-list item, and then prints every @key of the draft as that item's number: write [@key].",
      "unbalanced-quote": fallback,
      "front-matter-invalid": fallback,
    })[code] ?? fallback,
  fixBracket: (key: string) => `Write [${at(key)}]`,
  fixReplaceQuote: (text: string) => `Replace with the source's words 「${clip(text, 40)}」`,
  fixCite: (key: string) => `Cite ${at(key)} instead`,
  fixAddCitation: (key: string) => `Add citation [${at(key)}]`,
  fixReplace: (text: string) => `Change to ${text} (as the source says)`,
  fixKey: (key: string) => `Change to ${at(key)}`,
  keyCutShort: (typed: string, read: string) =>
    `Pandoc reads '@${typed}' as the key '${read}' followed by text; the source's key is '${typed}': write ${at(typed)}.`,
  fixAscii: (text: string) => `Write ${text}`,
  fixExampleList: (key: string) => `Write [${at(key)}]`,
};

type Messages = typeof en;

const ja: Messages = {
  unknownSource: (key, near) =>
    `不明な出典「${at(key)}」: このキーの出典はコーパスにも文献ファイルにもありません。` + (near.length ? `候補: ${near.map((k) => at(k)).join("、")}` : ""),
  quoteMismatch: (key, source, diff) => `引用の不一致: ${at(key)} にこの文言はありません。出典では「${clip(source, 120)}」（差分: ${diff}）。`,
  quoteWrongSource: (cited, found) => `引用は ${cited.map((k) => at(k)).join("、")} になく、${someKeys(found, "、", hokaKen)} にあります。`,
  quoteNotFound: () => `引用がコーパスに見つかりません。`,
  speakerMismatch: (draft, source, key) => `発言者の不一致: 原稿では${draft}の発言ですが、${at(key)} では${source}の発言です。`,
  dateMismatch: (draft, source, key) => `日付の不一致: 原稿は${draft}、${at(key)} は${source}。`,
  numberMismatch: (draft, source, key) => `数値の不一致: 原稿は${draft}、${at(key)} は${source}。`,
  entityMismatch: (draft, source, key) => `固有名詞の不一致: 原稿は${draft}、${at(key)} は${source}。`,
  uncitedQuote: (keys) => `出典のない引用: この文言は ${someKeys(keys, "、", hokaKen)} にあります。出典を示してください。`,
  sourcesDisagree: (fact, a, b, other) => `出典間の食い違い（${fact}）: ${a}、ただし ${at(other)} では${b}。`,
  secondarySource: (key, original) => `二次出典: ${at(key)} のこの箇所は ${original} からの引用です。元の報道の引用を検討してください。`,
  evidence: (key) => `${at(key)} の該当箇所`,
  draftProblem: (code, fallback) =>
    ({
      "citation-without-key": "キーのない引用です。@ の後に出典キーを書いてください（[@key]）。",
      "citation-after-text": "日本語の直後の @key は引用として扱われません（Pandoc は本文と解釈します）。[@key] と書くか、@ の前に空白を入れてください。",
      "citation-fullwidth": "全角の＠や［］は引用の記法ではありません（Pandoc は本文として読みます）。半角で [@key] と書いてください。",
      "citation-example-list": "段落の先頭の「@key.」を Pandoc は例示リストの項目と読み、原稿中のすべての @key をその番号として出力します。[@key] と書いてください。",
      "unbalanced-quote": "括弧が閉じられていません（この段落に対応する閉じ括弧がありません）。",
      "front-matter-invalid": `フロントマターが正しいYAMLではありません: ${fallback}`,
    })[code] ?? fallback,
  fixBracket: (key) => `[${at(key)}] と書く`,
  fixReplaceQuote: (text) => `出典の文言「${clip(text, 40)}」に置き換える`,
  fixCite: (key) => `出典を ${at(key)} に変更`,
  fixAddCitation: (key) => `出典 [${at(key)}] を追加`,
  fixReplace: (text) => `出典どおり ${text} に修正`,
  fixKey: (key) => `${at(key)} に変更`,
  keyCutShort: (typed, read) => `Pandoc は「@${typed}」をキー「${read}」とそれに続く文字列として読みます。出典のキーは「${typed}」なので ${at(typed)} と書いてください。`,
  fixAscii: (text) => `${text} と書く`,
  fixExampleList: (key) => `[${at(key)}] と書く`,
};

export function msg(locale: Locale): Messages {
  return locale === "ja" ? ja : en;
}

/** The locale for CLI output: `--lang`, else the environment (LANG/LC_ALL starting with `ja`). */
export function localeFromEnv(env: NodeJS.ProcessEnv = process.env): Locale {
  const v = env.SHUTTEN_LANG || env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return v.toLowerCase().startsWith("ja") ? "ja" : "en";
}
