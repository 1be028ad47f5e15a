/**
 * Navigation handlers (thin over core/features/navigation): definition on a key or quote, references
 * and rename across every draft of the workspace, document links, document and workspace symbols,
 * inlay hints and semantic tokens.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import {
  InlayHintKind,
  ResponseError,
  SymbolKind,
  type DocumentSymbol,
  type Location,
  type SemanticTokens,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
  type WorkspaceSymbol,
} from "vscode-languageserver/node";
import { TimeSlicer } from "../../core/cancellation";
import { catalogReady } from "../../core/features/corpusCatalog";
import {
  checkNewKey,
  definitionAt,
  documentLinks,
  documentSymbols,
  inlayHints,
  keyAt,
  metadataRenameEdit,
  referencesIn,
  renameEditsIn,
  semanticTokens,
  SEMANTIC_TOKEN_MODIFIERS,
  SEMANTIC_TOKEN_TYPES,
  workspaceSymbols,
  type FileEdits,
} from "../../core/features/navigation";
import { parseDraft } from "../../core/draft/parseDraft";
import { LineIndex } from "../../core/lineIndex";
import { cancellable, isCancelledBy, untilCancelled } from "../cancellation";
import { linesOfSource, toRange } from "../convert";
import type { ServerContext } from "../server";
import { parsedDraftOf, pathToUri, projectDrafts } from "./drafts";

export const SEMANTIC_TOKENS_LEGEND = { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] };

const RENAME_MESSAGES = {
  en: {
    "invalid-key": (k: string) => `'${k}' cannot be a citation key: Pandoc reads a key up to a space, and braces in it must balance.`,
    "key-taken": (k: string) => `Another source already has the key '${k}'.`,
    "unknown-key": (k: string) => `'${k}' is not a key of the corpus; only a corpus key can be renamed.`,
    noMetadata: (k: string) => `Cannot find where the key '${k}' is defined to rename it there.`,
  },
  ja: {
    "invalid-key": (k: string) => `「${k}」は引用キーとして使えません（Pandoc は空白までをキーと読み、波括弧は対応している必要があります）。`,
    "key-taken": (k: string) => `キー「${k}」はすでに別の出典が使っています。`,
    "unknown-key": (k: string) => `「${k}」はコーパスのキーではないため、名前を変更できません。`,
    noMetadata: (k: string) => `キー「${k}」の定義箇所が見つからず、名前を変更できません。`,
  },
};

export function registerNavigation(ctx: ServerContext): void {
  const { connection } = ctx;

  connection.onDefinition(cancellable(async (params, token) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const loaded = await untilCancelled(ctx.projectFor(doc.uri).host.load(), token);
    const target = definitionAt(parsedDraftOf(doc), doc.offsetAt(params.position), loaded.index);
    const lines = target && linesOfSource(loaded.index, target.key);
    if (!target || !lines) return null;
    return { uri: pathToUri(target.path), range: toRange(lines, target.span) };
  }));

  connection.onReferences(cancellable(async (params, token) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const hit = keyAt(parsedDraftOf(doc), doc.offsetAt(params.position));
    if (!hit) return null;
    const project = ctx.projectFor(doc.uri);
    await untilCancelled(project.host.load(), token);
    const out: Location[] = [];
    const slicer = new TimeSlicer(isCancelledBy(token));
    for (const draft of projectDrafts(ctx, project, hit.key)) {
      await slicer.tick();
      const lines = new LineIndex(draft.text);
      for (const span of referencesIn(parseDraft(draft.text), hit.key)) out.push({ uri: draft.uri, range: toRange(lines, span) });
    }
    return out;
  }));

  connection.onPrepareRename(cancellable(async (params, token) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const hit = keyAt(parsedDraftOf(doc), doc.offsetAt(params.position));
    if (!hit) return null;
    const loaded = await untilCancelled(ctx.projectFor(doc.uri).host.load(), token);
    if (!loaded.index.has(hit.key)) throw new ResponseError(0, RENAME_MESSAGES[ctx.locale]["unknown-key"](hit.key));
    return { range: toRange(new LineIndex(doc.getText()), hit.span), placeholder: hit.key };
  }));

  connection.onRenameRequest(cancellable(async (params, token): Promise<WorkspaceEdit | null> => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const hit = keyAt(parsedDraftOf(doc), doc.offsetAt(params.position));
    if (!hit) return null;
    const project = ctx.projectFor(doc.uri);
    const loaded = await untilCancelled(project.host.load(), token);
    const newKey = params.newName.trim().replace(/^@/, "").replace(/^\{(.*)\}$/, "$1");
    const messages = RENAME_MESSAGES[ctx.locale];
    const problem = checkNewKey(loaded.index, hit.key, newKey);
    if (problem) throw new ResponseError(0, messages[problem](problem === "unknown-key" ? hit.key : newKey));
    const source = loaded.index.get(hit.key)!;
    const corpusDir = project.host.corpusDir ?? join(project.root, "corpus");
    const cataloguePath = join(corpusDir, "sources.yaml");
    const catalogueText = existsSync(cataloguePath) ? readFileSync(cataloguePath, "utf8") : null;
    const relPath = relative(corpusDir, source.meta.path).split(sep).join("/");
    const meta = metadataRenameEdit(source, newKey, { path: cataloguePath, text: catalogueText }, relPath);
    if (!meta) throw new ResponseError(0, messages.noMetadata(hit.key));

    const documentChanges: WorkspaceEdit["documentChanges"] = [];
    const fileEdit = (f: FileEdits): TextDocumentEdit => {
      const text = f.path === cataloguePath ? (catalogueText ?? "") : f.path === source.meta.path ? source.text : readFileSync(f.path, "utf8");
      const lines = new LineIndex(text);
      const uri = pathToUri(f.path);
      const open = ctx.documents.get(uri);
      return { textDocument: { uri, version: open?.version ?? null }, edits: f.edits.map((e) => ({ range: toRange(lines, e.span), newText: e.text })) };
    };
    if (meta.create) documentChanges.push({ kind: "create", uri: pathToUri(meta.path), options: { ignoreIfExists: true } });
    documentChanges.push(fileEdit(meta));
    const slicer = new TimeSlicer(isCancelledBy(token));
    for (const draft of projectDrafts(ctx, project, hit.key)) {
      await slicer.tick();
      const lines = new LineIndex(draft.text);
      const edits: TextEdit[] = renameEditsIn(parseDraft(draft.text), hit.key, newKey).map((e) => ({ range: toRange(lines, e.span), newText: e.text }));
      if (!edits.length) continue;
      const open = ctx.documents.get(draft.uri);
      documentChanges.push({ textDocument: { uri: draft.uri, version: open?.version ?? null }, edits });
    }
    return { documentChanges };
  }));

  connection.onDocumentLinks(cancellable(async (params, token) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const loaded = await untilCancelled(ctx.projectFor(doc.uri).host.load(), token);
    const lines = new LineIndex(doc.getText());
    return documentLinks(parsedDraftOf(doc), loaded.index).map((l) => ({
      range: toRange(lines, l.span),
      target: l.kind === "source" ? pathToUri(l.target) : l.target,
      tooltip: l.tooltip,
    }));
  }));

  connection.onDocumentSymbol(cancellable(async (params, token): Promise<DocumentSymbol[] | null> => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const loaded = await untilCancelled(ctx.projectFor(doc.uri).host.load(), token);
    const lines = new LineIndex(doc.getText());
    return documentSymbols(parsedDraftOf(doc), loaded.index, ctx.locale).map((s) => ({
      name: s.name,
      detail: s.detail,
      kind: s.kind === "citation" ? SymbolKind.Key : SymbolKind.String,
      range: toRange(lines, s.span),
      selectionRange: toRange(lines, s.selection),
    }));
  }));

  connection.onWorkspaceSymbol(cancellable(async (params, token): Promise<WorkspaceSymbol[]> => {
    const out: WorkspaceSymbol[] = [];
    for (const project of ctx.projects()) {
      const loaded = await untilCancelled(project.host.load(), token);
      for (const s of workspaceSymbols((await catalogReady(loaded.index, loaded.tokenizer, isCancelledBy(token))), params.query)) {
        const lines = linesOfSource(loaded.index, s.key);
        if (!lines) continue;
        out.push({ name: s.name, kind: s.kind === "event" ? SymbolKind.Event : SymbolKind.String, containerName: `@${s.container}`, location: { uri: pathToUri(s.path), range: toRange(lines, s.span) } });
      }
    }
    return out;
  }));

  connection.languages.inlayHint.on(cancellable(async (params, token) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const loaded = await untilCancelled(ctx.projectFor(doc.uri).host.load(), token);
    const lines = new LineIndex(doc.getText());
    const range = { start: lines.offsetAt(params.range.start), end: lines.offsetAt(params.range.end) };
    return inlayHints(parsedDraftOf(doc), loaded.index, range).map((h) => ({
      position: lines.positionAt(h.offset),
      label: h.label,
      kind: InlayHintKind.Type,
      tooltip: h.tooltip,
      paddingLeft: true,
    }));
  }));

  connection.languages.semanticTokens.on(cancellable(async (params, token): Promise<SemanticTokens> => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return { data: [] };
    const loaded = await untilCancelled(ctx.projectFor(doc.uri).host.load(), token);
    const lines = new LineIndex(doc.getText());
    const data: number[] = [];
    let prevLine = 0;
    let prevChar = 0;
    for (const t of semanticTokens(parsedDraftOf(doc), loaded.index)) {
      const start = lines.positionAt(t.span.start);
      const end = lines.positionAt(t.span.end);
      if (end.line !== start.line) continue; // tokens never span lines
      data.push(start.line - prevLine, start.line === prevLine ? start.character - prevChar : start.character, end.character - start.character, SEMANTIC_TOKEN_TYPES.indexOf(t.type), t.modifiers);
      prevLine = start.line;
      prevChar = start.character;
    }
    return { data };
  }));
}
