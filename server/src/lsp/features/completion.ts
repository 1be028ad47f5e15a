/**
 * LSP completion: keys (corpus and reference library), quotes, events and entity names (thin over
 * core/features/completion, libraryFeatures). Items go out without their documentation, which the
 * client asks for (`completionItem/resolve`) for the item the writer selects: the entries of the
 * last few lists on the current index are kept to answer it.
 */
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem } from "vscode-languageserver/node";
import { complete, completesKeys, type CompletionEntry } from "../../core/features/completion";
import { catalogIfReady, catalogReady } from "../../core/features/corpusCatalog";
import type { CorpusIndex } from "../../core/index/corpusIndex";
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

export function toCompletionItem(e: CompletionEntry, lines: LineIndex, data?: ResolveData): CompletionItem {
  return {
    label: e.label,
    kind: KINDS[e.kind],
    detail: e.detail,
    ...(data ? { data } : { documentation: { kind: MarkupKind.Markdown, value: e.documentation } }),
    textEdit: { range: toRange(lines, e.span), newText: e.insertText },
    insertTextFormat: e.snippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
    sortText: e.sortText,
    filterText: e.filterText,
  };
}

/** What a completion item carries for `completionItem/resolve`: its list and its place in it. */
interface ResolveData {
  shuttenList: number;
  item: number;
}

/** The last lists sent, by id: a client resolves items of the list it shows, the latest or one before. */
const KEPT_LISTS = 4;

export function registerCompletion(ctx: ServerContext): void {
  // Kept under the index they came from (an ephemeron): their entries read that index and its
  // catalogue when resolved, and must not keep a replaced generation resident after a rebuild.
  const lists = new WeakMap<CorpusIndex, Map<number, CompletionEntry[]>>();
  let nextList = 1;
  ctx.connection.onCompletion(
    cancellable(async (params, token) => {
      const doc = ctx.documents.get(params.textDocument.uri);
      if (!doc) return null;
      const [loaded, library] = await untilCancelled(Promise.all([ctx.projectFor(doc.uri).host.load(), ctx.libraries.viewFor(doc)]), token);
      const text = doc.getText();
      const offset = doc.offsetAt(params.position);
      // Keys come from the index: they never wait for the catalogue (seconds on a big corpus, right
      // after a start or a rebuild); the other completions do.
      const catalog = catalogIfReady(loaded.index) ?? (completesKeys(text, offset) ? null : await catalogReady(loaded.index, loaded.tokenizer, isCancelledBy(token)));
      const result = complete(text, offset, loaded.index, catalog, ctx.locale);
      // The draft's reference library: keys beside the corpus's, ranked after them at equal rank.
      const references = completeLibraryKeys(text, offset, library.context);
      if (!result && !references) return null;
      const lines = new LineIndex(text);
      const items = [...(result?.items ?? []), ...(references?.items ?? [])];
      const list = nextList++;
      let kept = lists.get(loaded.index);
      if (!kept) lists.set(loaded.index, (kept = new Map()));
      kept.set(list, items);
      for (const old of kept.keys()) if (kept.size > KEPT_LISTS) kept.delete(old);
      return { isIncomplete: !!result?.incomplete || !!references?.incomplete, items: items.map((e, i) => toCompletionItem(e, lines, { shuttenList: list, item: i })) };
    }),
  );
  ctx.connection.onCompletionResolve((item) => {
    const data = item.data as Partial<ResolveData> | undefined;
    let entry: CompletionEntry | undefined;
    if (data?.shuttenList !== undefined && data.item !== undefined) {
      for (const p of ctx.projects()) {
        const index = p.host.current?.index;
        const kept = index && lists.get(index)?.get(data.shuttenList);
        if (kept) entry = kept[data.item];
      }
    }
    // An item of a list long replaced, or made before the corpus changed (or another server's), is returned as it came.
    if (!entry || entry.label !== item.label) return item;
    return { ...item, documentation: { kind: MarkupKind.Markdown, value: entry.documentation } };
  });
}
