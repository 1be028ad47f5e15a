/**
 * `shutten inspect [--corpus DIR] --json [KEY…]`: what the index understood, per source — quotes with
 * kind and speaker, events, entities — with LSP-style ranges (0-based lines, UTF-16 characters).
 */
import { buildCorpus } from "../core/ingest/buildCorpus";
import { LineIndex } from "../core/lineIndex";
import type { CorpusProblem, IndexedSource, PartialDate } from "../core/model";
import { formatPartialDate } from "../core/text/dates";
import { parseArgs, UsageError, type CliIo } from "./cliIo";
import { openCorpus } from "./corpusHostCli";
import { cliLocale } from "./cliText";
import { corpusArg, reportProblems, shownPath } from "./sourcesCommand";
import * as path from "node:path";

export async function runInspect(args: string[], io: CliIo): Promise<number> {
  const { options, positional: keys } = parseArgs(args, ["corpus", "cache-dir", "lang"], ["json", "no-cache"]);
  const corpus = corpusArg(options, io);
  // Without a cache, everything is analysed now; else the corpus host starts warm from the snapshot.
  let sources: readonly IndexedSource[];
  let problems: readonly CorpusProblem[];
  if (options["no-cache"]) {
    const built = await buildCorpus({ dir: corpus.abs, cache: null });
    sources = built.sources;
    problems = built.problems;
  } else {
    const cacheDir = typeof options["cache-dir"] === "string" ? path.resolve(io.cwd, options["cache-dir"]) : undefined;
    const { host, loaded } = await openCorpus(corpus.abs, io, { cacheDir, quiet: true });
    host.dispose();
    sources = loaded.index.sources;
    problems = loaded.index.problems;
  }
  reportProblems([...problems], io, cliLocale(options));
  const known = new Set(sources.map((s) => s.meta.key));
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length > 0) throw new UsageError(`unknown source key${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")} (see 'shutten sources')`);
  const selected = keys.length > 0 ? sources.filter((s) => keys.includes(s.meta.key)) : sources;
  const rows = selected.map((s) => inspectSource(s, shownPath(corpus.given, path.relative(corpus.abs, s.meta.path))));
  if (options.json) io.stdout(JSON.stringify(rows, null, 2) + "\n");
  else {
    for (const r of rows) {
      io.stdout(`${r.key}  ${r.path}\n  ${r.title ?? "-"} | ${r.outlet ?? "-"} | ${r.published ?? "-"}\n`);
      io.stdout(`  ${r.quotes.length} quotes (${r.quotes.filter((q) => q.kind === "speech").length} speech), ${r.events.length} events, ${r.entities.length} entities\n`);
      for (const q of r.quotes) io.stdout(`    ${q.range.start.line + 1}:${q.range.start.character + 1} ${q.kind} ${q.speaker ?? "?"} 「${q.text}」\n`);
      for (const e of r.events) io.stdout(`    ${e.range.start.line + 1}:${e.range.start.character + 1} ${e.date} ${e.predicate} ${e.participants.join("・")}${e.place ? ` @${e.place}` : ""}\n`);
    }
  }
  return 0;
}

/** The SPEC §6 shape of one source. */
export function inspectSource(s: IndexedSource, shown: string) {
  const lines = new LineIndex(s.text);
  const seen = new Set<string>();
  const entities: Array<{ text: string; type: string; canonical: string }> = [];
  for (const e of s.entities) {
    const k = `${e.text}\u0000${e.type}\u0000${e.canonical}`;
    if (seen.has(k)) continue;
    seen.add(k);
    entities.push({ text: e.text, type: e.type, canonical: e.canonical });
  }
  return {
    key: s.meta.key,
    path: shown,
    title: s.meta.title,
    outlet: s.meta.outlet,
    published: s.meta.published,
    quotes: s.quotes.map((q) => ({ text: q.text, kind: q.kind, speaker: q.speaker, range: lines.rangeOf(q) })),
    events: s.events.map((e) => ({ date: formatDate(e.date), predicate: e.predicate, participants: e.participants, place: e.place, range: lines.rangeOf(e) })),
    entities,
  };
}

function formatDate(d: PartialDate): string {
  return formatPartialDate(d);
}
