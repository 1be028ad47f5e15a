/** LSP completion: keys (corpus and reference library), quotes, events and entity names (thin over core/features/completion, libraryFeatures). */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from "vscode-languageserver/node";
import { complete, type CompletionEntry } from "../../core/features/completion";
import { catalogReady } from "../../core/features/corpusCatalog";
import { completeLibraryKeys } from "../../core/features/libraryFeatures";
import { LineIndex } from "../../core/lineIndex";
import { cancellable, isCancelledBy, untilCancelled } from "../cancellation";
import { toRange } from "../convert";
import type { ServerContext } from "../server";

const KINDS: Record<CompletionEntry["kind"], CompletionItemKind> = {
  source: CompletionItemKind.Reference,
  quote: CompletionItemKind.Text,
  event: CompletionItemKind.Event,
  entity: CompletionItemKind.Constant,
};

export function toCompletionItem(e: CompletionEntry, lines: LineIndex): CompletionItem {
  return {
    label: e.label,
    kind: KINDS[e.kind],
    detail: e.detail,
    documentation: { kind: MarkupKind.Markdown, value: e.documentation },
    textEdit: { range: toRange(lines, e.span), newText: e.insertText },
    insertTextFormat: e.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    sortText: e.sortText,
    filterText: e.filterText,
  };
}

export function registerCompletion(ctx: ServerContext): void {
  ctx.connection.onCompletion(
    cancellable(async (params, token) => {
      const doc = ctx.documents.get(params.textDocument.uri);
      if (!doc) return null;
      const [loaded, library] = await untilCancelled(Promise.all([ctx.projectFor(doc.uri).host.load(), ctx.libraries.viewFor(doc)]), token);
      const catalog = await catalogReady(loaded.index, loaded.tokenizer, isCancelledBy(token));
      const text = doc.getText();
      const offset = doc.offsetAt(params.position);
      const result = complete(text, offset, loaded.index, catalog, ctx.locale);
      // The draft's reference library: keys beside the corpus's, ranked after them at equal rank.
      const references = completeLibraryKeys(text, offset, library.context);
      if (!result && !references) return null;
      const lines = new LineIndex(text);
      const items = [...(result?.items ?? []), ...(references?.items ?? [])];
      return { isIncomplete: !!result?.incomplete || !!references?.incomplete, items: items.map((e) => toCompletionItem(e, lines)) };
    }),
  );
}
