/** Go to definition on a key (opens the corpus file at its title) and find references (every open or workspace draft citing it). */
import { pathToFileURL } from "node:url";
import type { Location } from "vscode-languageserver/node";
import { parseDraft } from "../../core/draft/parseDraft";
import { citationItemAt } from "../../core/features/citationAtCursor";
import { LineIndex } from "../../core/lineIndex";
import { linesOfSource, toRange } from "../convert";
import type { ServerContext } from "../server";

export function registerNavigation(ctx: ServerContext): void {
  ctx.connection.onDefinition(async (params) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const loaded = await ctx.projectFor(doc.uri).host.load();
    const hit = citationItemAt(parseDraft(doc.getText()), doc.offsetAt(params.position));
    if (!hit) return null;
    const source = loaded.index.get(hit.item.key);
    const lines = source && linesOfSource(loaded.index, source.meta.key);
    if (!source || !lines) return null;
    const first = source.body[0] ?? { start: 0, end: 0 };
    return { uri: pathToFileURL(source.meta.path).toString(), range: toRange(lines, { start: first.start, end: first.start }) };
  });

  ctx.connection.onReferences((params) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const hit = citationItemAt(parseDraft(doc.getText()), doc.offsetAt(params.position));
    if (!hit) return null;
    const out: Location[] = [];
    for (const other of ctx.documents.all()) {
      const text = other.getText();
      const draft = parseDraft(text);
      const lines = new LineIndex(text);
      for (const c of draft.citations)
        for (const item of c.items) if (item.key === hit.item.key) out.push({ uri: other.uri, range: toRange(lines, item.span) });
    }
    return out;
  });
}
