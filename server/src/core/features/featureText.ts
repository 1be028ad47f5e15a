/**
 * Every label the editor features show (hover, completion details, inlay hints, symbols), in English
 * and Japanese. The diagnostics' messages live in core/check/messages.ts.
 */
import type { Locale } from "../check/messages";

const en = {
  speaker: "Speaker",
  unknownSpeaker: "speaker not named",
  inSource: (key: string) => `in @${key}`,
  quoteHover: "Quote in the corpus",
  quoteNear: (pct: number) => `Closest words in the cited source (${pct}% similar)`,
  quoteElsewhere: "Not in the cited source; found in",
  quoteNowhere: "These words are not in the corpus.",
  claimHover: (key: string, pct: number) => `Aligned passage of @${key} (${pct}% of the sentence's words)`,
  dateHover: (date: string) => `Events on ${date}`,
  noEvents: (date: string) => `No event on ${date} in the corpus.`,
  reportedBy: "reported by",
  otherDay: "other sources give another day",
  alsoReported: (n: number) => `Also in ${n} other source${n === 1 ? "" : "s"}`,
  occurrences: (n: number) => `${n} times in the source`,
  event: "event",
  quote: "quote",
  term: "term",
  entity: (type: string, n: number) => `${type} · ${n} mentions`,
  types: { person: "person", place: "place", organization: "organisation" } as Record<string, string>,
  citation: "citation",
  unknownKey: "unknown key",
};

type Text = typeof en;

const ja: Text = {
  speaker: "発言者",
  unknownSpeaker: "発言者不明",
  inSource: (key) => `@${key} より`,
  quoteHover: "コーパス中の引用",
  quoteNear: (pct) => `挙げた出典で最も近い文言（類似度 ${pct}%）`,
  quoteElsewhere: "挙げた出典にはなく、次の出典にあります",
  quoteNowhere: "この文言はコーパスにありません。",
  claimHover: (key, pct) => `@${key} の対応箇所（文の語の ${pct}% が一致）`,
  dateHover: (date) => `${date} の出来事`,
  noEvents: (date) => `${date} の出来事はコーパスにありません。`,
  reportedBy: "報じた出典",
  otherDay: "別の日付とする出典",
  alsoReported: (n) => `ほかに ${n} 件の出典にもあります`,
  occurrences: (n) => `出典中に ${n} 回`,
  event: "出来事",
  quote: "引用",
  term: "語句",
  entity: (type, n) => `${type} · ${n} 件`,
  types: { person: "人物", place: "場所", organization: "組織" },
  citation: "出典",
  unknownKey: "不明なキー",
};

export function featureText(locale: Locale): Text {
  return locale === "ja" ? ja : en;
}

/** A date as a writer reads it: `2025年6月18日`, `6月18日`, `2025年6月`. */
export function displayDate(d: { year: number | null; month: number | null; day: number | null }): string {
  return `${d.year !== null ? `${d.year}年` : ""}${d.month !== null ? `${d.month}月` : ""}${d.day !== null ? `${d.day}日` : ""}`;
}
