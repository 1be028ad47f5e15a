/** LSP hover: source card, quote in context, events of a date, aligned passage (thin over core/features/hover). */
import { MarkupKind } from "vscode-languageserver/node";
import { parseDraft } from "../../core/draft/parseDraft";
import { catalogFor } from "../../core/features/corpusCatalog";
import { hoverAt } from "../../core/features/hover";
import { LineIndex } from "../../core/lineIndex";
import { toRange } from "../convert";
import type { ServerContext } from "../server";

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(async (params) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const loaded = await ctx.projectFor(doc.uri).host.load();
    const text = doc.getText();
    const result = hoverAt(parseDraft(text), doc.offsetAt(params.position), {
      index: loaded.index,
      // Only a date hover needs the catalogue (right after a corpus change it may still be building).
      catalog: () => catalogFor(loaded.index, loaded.tokenizer),
      locale: ctx.locale,
    });
    if (!result) return null;
    return { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: toRange(new LineIndex(text), result.span) };
  });
}
