/** The source card shown on hover over a key and in completion details: title, outlet, date, URL, lead, counts. */
import type { IndexedSource } from "../model";
import type { Locale } from "../check/messages";

const LABELS = {
  en: { outlet: "Outlet", published: "Published", url: "URL", quotes: "quotes", events: "events", sentences: "sentences", file: "File", originals: "Quotes from" },
  ja: { outlet: "媒体", published: "公開日", url: "URL", quotes: "引用", events: "出来事", sentences: "文", file: "ファイル", originals: "引用元" },
};

/** First body sentence that is not the title: the article's lead. */
export function leadOf(source: IndexedSource): string | null {
  const title = source.meta.title?.trim();
  const s = source.sentences.find((x) => x.text.trim().length > 20 && x.text.trim() !== title);
  return s ? s.text.trim() : null;
}

export function sourceCardMarkdown(source: IndexedSource, locale: Locale = "en", relPath?: string): string {
  const l = LABELS[locale];
  const m = source.meta;
  const lines = [`**${escapeMd(m.title ?? m.key)}**`, ""];
  const facts: string[] = [];
  if (m.outlet) facts.push(`${l.outlet}: ${escapeMd(m.outlet)}`);
  if (m.published) facts.push(`${l.published}: ${m.published}`);
  if (facts.length) lines.push(facts.join(" · "), "");
  if (m.url) lines.push(`${l.url}: ${m.url}`, "");
  const lead = leadOf(source);
  if (lead) lines.push(`> ${escapeMd(lead.length > 160 ? lead.slice(0, 159) + "…" : lead)}`, "");
  const speech = source.quotes.filter((q) => q.kind === "speech").length;
  lines.push(`\`@${m.key}\` · ${source.sentences.length} ${l.sentences} · ${speech} ${l.quotes} · ${source.events.length} ${l.events}`);
  if (m.originals.length) lines.push("", `${l.originals}: ${m.originals.join(", ")}`);
  if (relPath) lines.push("", `${l.file}: ${relPath}`);
  return lines.join("\n");
}

export function escapeMd(s: string): string {
  return s.replace(/([\\`*_{}\[\]<>#|])/g, "\\$1");
}
