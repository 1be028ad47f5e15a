/**
 * LSP hover: a reference-library entry (formatted by citeproc), a quote cited only to references
 * without full text, else the corpus hover — source card, quote in context, events of a date,
 * aligned passage (thin over core/features/hover and libraryFeatures).
 */
import { MarkupKind } from "vscode-languageserver/node";
import { catalogFor } from "../../core/features/corpusCatalog";
import { hoverAt } from "../../core/features/hover";
import { hoverLibrary } from "../../core/features/libraryFeatures";
import { LineIndex } from "../../core/lineIndex";
import { cancellable, untilCancelled } from "../cancellation";
import { toRange } from "../convert";
import type { ServerContext } from "../server";
import { parsedDraftOf } from "./drafts";

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(
    cancellable(async (params, token) => {
      const doc = ctx.documents.get(params.textDocument.uri);
      if (!doc) return null;
      const [loaded, library] = await untilCancelled(Promise.all([ctx.projectFor(doc.uri).host.load(), ctx.libraries.viewFor(doc)]), token);
      const text = doc.getText();
      const draft = parsedDraftOf(doc);
      const offset = doc.offsetAt(params.position);
      const result =
        hoverLibrary(draft, offset, loaded.index, library.context) ??
        hoverAt(draft, offset, {
          index: loaded.index,
          // Only a date hover needs the catalogue (right after a corpus change it may still be building).
          catalog: () => catalogFor(loaded.index, loaded.tokenizer),
          locale: ctx.locale,
        });
      if (!result) return null;
      return { contents: { kind: MarkupKind.Markdown, value: result.markdown }, range: toRange(new LineIndex(text), result.span) };
    }),
  );
}
