/** Every user-facing text about reference libraries, in English and Japanese: problems, hover labels. */
import type { Locale } from "../check/messages";
import type { LibraryProblem, LibraryProblemReason } from "./model";

const en = {
  reasons: {
    "missing-comma": "a comma is missing between two fields",
    "missing-comma-fixed": "a comma is missing after this field; the entry was read as if it were there",
    unclosed: 'the entry is not closed: a "}" is missing',
    "unclosed-fixed": 'the entry is not closed (a "}" is missing before the next entry); it was read as if it were',
    "no-equals": 'a field has no "="',
    "no-key": "the entry has no citation key",
    "cjk-name-order": "",
    syntax: "cannot be read",
    "not-item": "not a CSL item (an object with an id)",
    "no-id": "the item has no id (its citation key)",
    "no-items": "no CSL items: expected a list of items, or references: with one",
    duplicate: "duplicate key",
    "unknown-format": "unknown bibliography format: use .bib (BibTeX/BibLaTeX), .json (CSL-JSON) or .yaml/.yml (CSL YAML)",
    binary: "not a text file",
    latin1: "not UTF-8: read as Latin-1",
    "not-found": "file not found",
    unreadable: "cannot read the file",
  } satisfies Record<LibraryProblemReason, string>,
  entry: (key: string | undefined) => (key ? `entry '${key}'` : "entry"),
  nameOrder: (key: string | undefined, name: string, given: string, fix: string) =>
    `Bibliography entry${key ? ` '${key}'` : ""}: the Japanese name "${name}" has no comma, so Pandoc (like BibTeX and biber) reads "${given}" as the family name. Write "${fix}" (family, given).`,
  skipped: "skipped; the other entries still load",
  duplicate: (key: string, first: string) => `Duplicate key '${key}': already defined at ${first}; that definition is used.`,
  notFound: (name: string) => `Bibliography file not found: ${name}`,
  formatted: "Reference",
  inText: "Cited as",
  libraryEntry: "library entry",
  inLibrary: (place: string) => `Defined in ${place}`,
  noFullText: "A reference without full text: Shutten cannot check quotes or claims against it.",
  quoteUnchecked: (keys: string[]) =>
    `Cited to ${keys.map((k) => `\`@${k}\``).join(", ")}, a reference without full text: this quote cannot be checked against its source.`,
  enriched: "From your library",
  styleProblem: (style: string, why: string) => `Citation style ${style} cannot be used (${why}); showing the default style.`,
};

type Text = typeof en;

const ja: Text = {
  reasons: {
    "missing-comma": "フィールドの間にカンマがありません",
    "missing-comma-fixed": "このフィールドの後にカンマがありません（あるものとして読み込みました）",
    unclosed: "エントリが閉じていません（「}」がありません）",
    "unclosed-fixed": "エントリが閉じていません（次のエントリの前に「}」がありません）。閉じているものとして読み込みました",
    "no-equals": "「=」のないフィールドがあります",
    "no-key": "引用キーがありません",
    "cjk-name-order": "",
    syntax: "読み取れません",
    "not-item": "CSL の項目（id を持つオブジェクト）ではありません",
    "no-id": "項目に id（引用キー）がありません",
    "no-items": "CSL の項目がありません（項目のリスト、または references: が必要です）",
    duplicate: "キーの重複",
    "unknown-format": "文献ファイルの形式が不明です（.bib〈BibTeX/BibLaTeX〉、.json〈CSL-JSON〉、.yaml/.yml〈CSL YAML〉が使えます）",
    binary: "テキストファイルではありません",
    latin1: "UTF-8 ではないため Latin-1 として読み込みました",
    "not-found": "ファイルが見つかりません",
    unreadable: "ファイルを読めません",
  },
  entry: (key) => (key ? `エントリ「${key}」` : "エントリ"),
  nameOrder: (key, name, given, fix) =>
    `${key ? `エントリ「${key}」: ` : ""}日本語の名前「${name}」にカンマがないため、Pandoc（BibTeX・biber も）は「${given}」を姓として読みます。「${fix}」（姓, 名）と書いてください。`,
  skipped: "このエントリは読み込まれていません（ほかのエントリは読み込まれています）",
  duplicate: (key, first) => `キー「${key}」が重複しています。${first} の定義が使われます。`,
  notFound: (name) => `文献ファイルが見つかりません: ${name}`,
  formatted: "文献",
  inText: "本文中の表記",
  libraryEntry: "文献エントリ",
  inLibrary: (place) => `定義: ${place}`,
  noFullText: "本文のない文献です。引用や記述をこの文献と照合することはできません。",
  quoteUnchecked: (keys) => `${keys.map((k) => `\`@${k}\``).join("、")} は本文のない文献のため、この引用は出典と照合できません。`,
  enriched: "文献ライブラリの情報",
  styleProblem: (style, why) => `引用スタイル ${style} は使えません（${why}）。既定のスタイルで表示しています。`,
};

export function bibliographyText(locale: Locale): Text {
  return locale === "ja" ? ja : en;
}

/**
 * A problem as one line for people: what is wrong and with which entry (the line number is the
 * caller's: a diagnostic has a range, the CLI prints `file:line:`).
 */
export function problemMessage(p: LibraryProblem, locale: Locale = "en", relative: (path: string) => string = (x) => x): string {
  const t = bibliographyText(locale);
  if (p.reason === "duplicate") {
    const m = /^(.*):(\d+)$/.exec(p.detail);
    return t.duplicate(p.key ?? "", m ? `${relative(m[1])}:${m[2]}` : p.detail);
  }
  if (p.reason === "cjk-name-order") {
    const [family, ...given] = p.detail.split(/\s+/);
    return t.nameOrder(p.key, p.detail, given.join(" "), `${family}, ${given.join(" ")}`);
  }
  const reason = t.reasons[p.reason] ?? p.reason;
  const detail = p.detail ? ` (${p.detail})` : "";
  if (p.kind === "entry-syntax" || p.kind === "entry-invalid" || p.kind === "entry-unclosed") {
    const skipped = p.severity === "error" ? (locale === "ja" ? `。${t.skipped}` : `; ${t.skipped}`) : "";
    return locale === "ja" ? `${t.entry(p.key)}: ${reason}${detail}${skipped}` : `Bibliography ${t.entry(p.key)}: ${reason}${detail}${skipped}.`;
  }
  return locale === "ja" ? `文献ファイル: ${reason}${detail}` : `Bibliography file: ${reason}${detail}.`;
}
