/**
 * Shutten's own requests (names and shapes in ../protocol.ts): the sources list for the Sources view,
 * the items of *Insert citation*, the timeline, the bibliography export and the source at a key.
 */
import { citeOf } from "../../core/draft/citations";
import { catalogReady } from "../../core/features/corpusCatalog";
import { definitionAt, sourceStart } from "../../core/features/navigation";
import { timeline } from "../../core/features/timeline";
import { exportBibliography } from "../../core/export/bibliography";
import { authorsShort, issuedYear, titleOf } from "../../core/bibliography/library";
import { enrichmentOf } from "../../core/features/libraryFeatures";
import { LineIndex } from "../../core/lineIndex";
import type { IndexedSource } from "../../core/model";
import type { CorpusIndex } from "../../core/index/corpusIndex";
import { cancellable, isCancelledBy, untilCancelled } from "../cancellation";
import { linesOfSource, toRange } from "../convert";
import {
  ExportBibliographyRequest,
  PickItemsRequest,
  SourceAtRequest,
  SourcesRequest,
  TimelineRequest,
  type ExportBibliographyParams,
  type ExportBibliographyResult,
  type PickItem,
  type ProjectParams,
  type ProtocolLocation,
  type SourceAtParams,
  type SourceAtResult,
  type SourceSummary,
  type TimelineResult,
} from "../protocol";
import type { Project, ServerContext } from "../server";
import { parsedDraftOf, pathToUri } from "./drafts";

function locationIn(index: CorpusIndex, source: IndexedSource, span: { start: number; end: number }): ProtocolLocation {
  const lines = linesOfSource(index, source.meta.key) ?? new LineIndex(source.text);
  return { uri: pathToUri(source.meta.path), range: toRange(lines, span) };
}

export function registerCustomRequests(ctx: ServerContext): void {
  const { connection } = ctx;
  const projectOf = (params: ProjectParams | undefined): Project | undefined => (params?.uri ? ctx.projectFor(params.uri) : ctx.projects()[0]);

  connection.onRequest(SourcesRequest, cancellable(async (params: ProjectParams, token): Promise<SourceSummary[]> => {
    const project = projectOf(params);
    if (!project) return [];
    const { index } = await untilCancelled(project.host.load(), token);
    return index.sources.map((s) => ({
      key: s.meta.key,
      title: s.meta.title,
      outlet: s.meta.outlet,
      published: s.meta.published,
      url: s.meta.url,
      uri: pathToUri(s.meta.path),
      range: locationIn(index, s, sourceStart(s)).range,
      quotes: s.quotes.filter((q) => q.kind === "speech").length,
      events: s.events.length,
    }));
  }));

  connection.onRequest(PickItemsRequest, cancellable(async (params: ProjectParams, token): Promise<PickItem[]> => {
    const project = projectOf(params);
    if (!project) return [];
    const { index, tokenizer } = await untilCancelled(project.host.load(), token);
    const catalog = await catalogReady(index, tokenizer, isCancelledBy(token));
    const doc = params.uri ? ctx.documents.get(params.uri) : undefined;
    const library = doc ? await untilCancelled(ctx.libraries.viewFor(doc), token) : null;
    const items: PickItem[] = index.sources.map((s) => ({
      kind: "source",
      label: `@${s.meta.key}`,
      description: [s.meta.outlet, s.meta.published?.slice(0, 10)].filter(Boolean).join(" · "),
      detail: s.meta.title ?? "",
      key: s.meta.key,
      insertText: `[${citeOf(s.meta.key)}]`,
    }));
    // The draft's reference library: books, papers and reports, cited like sources.
    for (const entry of library?.library.entries() ?? []) {
      if (index.has(entry.key)) continue;
      items.push({
        kind: "source",
        label: `@${entry.key}`,
        description: [authorsShort(entry.csl), issuedYear(entry.csl)].filter(Boolean).join(" "),
        detail: titleOf(entry.csl),
        key: entry.key,
        insertText: `[${citeOf(entry.key)}]`,
      });
    }
    for (const q of catalog.quotes) {
      if (q.unit.kind !== "speech") continue;
      const words = q.unit.text.replace(/\s*\n\s*/g, "");
      items.push({ kind: "quote", label: `「${words}」`, description: [q.unit.speaker, `@${q.source.meta.key}`].filter(Boolean).join(" · "), detail: q.reading, key: q.source.meta.key, insertText: `「${words}」[${citeOf(q.source.meta.key)}]` });
    }
    for (const e of catalog.events) {
      const sentence = e.source.sentences[e.event.sentence]?.text.replace(/\s+/g, " ").trim() ?? "";
      items.push({
        kind: "event",
        label: `${e.date} ${e.event.predicate}`,
        description: [e.event.participants.join(", "), `@${e.source.meta.key}`].filter(Boolean).join(" · "),
        detail: sentence.length > 120 ? sentence.slice(0, 119) + "…" : sentence,
        key: e.source.meta.key,
        insertText: `[${citeOf(e.source.meta.key)}]`,
      });
    }
    return items;
  }));

  connection.onRequest(TimelineRequest, cancellable(async (params: ProjectParams, token): Promise<TimelineResult> => {
    const project = projectOf(params);
    if (!project) return { days: [], conflicts: [] };
    const { index, tokenizer } = await untilCancelled(project.host.load(), token);
    const t = timeline(await catalogReady(index, tokenizer, isCancelledBy(token)));
    const side = (x: { date: string; source: IndexedSource; sentence: string }) => ({ date: x.date, key: x.source.meta.key, sentence: x.sentence });
    return {
      days: t.days.map((d) => ({
        date: d.date,
        events: d.events.map((e) => ({ date: e.date, predicate: e.predicate, participants: e.participants, place: e.place, key: e.source.meta.key, sentence: e.sentence, location: locationIn(index, e.source, e.span) })),
      })),
      conflicts: t.conflicts.map((c) => ({ predicate: c.predicate, participants: c.participants, a: side(c.a), b: side(c.b) })),
    };
  }));

  connection.onRequest(ExportBibliographyRequest, cancellable(async (params: ExportBibliographyParams, token): Promise<ExportBibliographyResult> => {
    const project = projectOf(params);
    if (!project) return { text: "", extension: "json", count: 0 };
    const { index } = await untilCancelled(project.host.load(), token);
    const sources = params.keys ? params.keys.map((k) => index.get(k)).filter((s): s is IndexedSource => !!s) : [...index.sources];
    // A source that is also an entry of the writer's library (the active draft's, else the shared one) takes its metadata.
    const doc = params.uri ? ctx.documents.get(params.uri) : undefined;
    const library = await untilCancelled(ctx.libraries.viewForText(params.uri ?? pathToUri(project.root + "/untitled.md"), doc?.getText() ?? ""), token);
    const out = exportBibliography(sources, params.format, (key) => {
      const entry = library.library.get(key);
      return entry ? enrichmentOf(entry) : undefined;
    });
    return { ...out, count: sources.length - out.skipped.length };
  }));

  connection.onRequest(SourceAtRequest, cancellable(async (params: SourceAtParams, token): Promise<SourceAtResult> => {
    const doc = ctx.documents.get(params.uri);
    if (!doc) return null;
    const { index } = await untilCancelled(ctx.projectFor(doc.uri).host.load(), token);
    const target = definitionAt(parsedDraftOf(doc), doc.offsetAt(params.position), index);
    const source = target && index.get(target.key);
    return source ? locationIn(index, source, target.span) : null;
  }));
}
