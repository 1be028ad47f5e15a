/** LSP hover: source card, quote in context, events of a date, aligned passage (thin over core/features/hover). */
import { MarkupKind } from "vscode-languageserver/node";
import { catalogReady } from "../../core/features/corpusCatalog";
import { hoverAt } from "../../core/features/hover";
import { LineIndex } from "../../core/lineIndex";
import { cancellable, isCancelledBy, untilCancelled } from "../cancellation";
import { toRange } from "../convert";
import type { ServerContext } from "../server";
import { parsedDraftOf } from "./drafts";

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(
    cancellable(async (params, token) => {
      const doc = ctx.documents.get(params.textDocument.uri);
      if (!doc) return null;
      const loaded = await untilCancelled(ctx.projectFor(doc.uri).host.load(), token);
      const catalog = await catalogReady(loaded.index, loaded.tokenizer, isCancelledBy(token));
      const text = doc.getText();
      const result = hoverAt(parsedDraftOf(doc), doc.offsetAt(params.position), { index: loaded.index, catalog, locale: ctx.locale });
      if (!result) return null;
      return { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: toRange(new LineIndex(text), result.span) };
    }),
  );
}
