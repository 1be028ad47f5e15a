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
import { isCitableKey } from "../../core/draft/citations";
import type { LibraryEntry } from "../../core/bibliography/model";
import {
  libraryDefinitionAt,
  libraryInlayHints,
  libraryRenameEdits,
  librarySymbolDetail,
  mergeHints,
  withLibraryKeysKnown,
} from "../../core/features/libraryFeatures";
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
    "unknown-key": (k: string) => `'${k}' is in neither the corpus nor a bibliography; only a known key can be renamed.`,
    noMetadata: (k: string) => `Cannot find where the key '${k}' is defined to rename it there.`,
  },
  ja: {
    "invalid-key": (k: string) => `「${k}」は引用キーとして使えません（Pandoc は空白までをキーと読み、波括弧は対応している必要があります）。`,
    "key-taken": (k: string) => `キー「${k}」はすでに別の出典が使っています。`,
    "unknown-key": (k: string) => `「${k}」はコーパスにも文献ファイルにもないキーのため、名前を変更できません。`,
    noMetadata: (k: string) => `キー「${k}」の定義箇所が見つからず、名前を変更できません。`,
  },
};

/** Where a library entry's key is (positions kept at parse time: a large file is not read again). */
function entryLocation(entry: LibraryEntry): Location {
  const { line, character } = entry.keyPosition;
  return { uri: pathToUri(entry.path), range: { start: { line, character }, end: { line, character: character + (entry.keySpan.end - entry.keySpan.start) } } };
}

function toTextEdits(f: FileEdits, lines: LineIndex): TextEdit[] {
  return f.edits.map((e) => ({ range: toRange(lines, e.span), newText: e.text }));
}

export function registerNavigation(ctx: ServerContext): void {
  const { connection } = ctx;

  connection.onDefinition(cancellable(async (params, token) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const [loaded, library] = await untilCancelled(Promise.all([ctx.projectFor(doc.uri).host.load(), ctx.libraries.viewFor(doc)]), token);
    const draft = parsedDraftOf(doc);
    const offset = doc.offsetAt(params.position);
    const target = definitionAt(draft, offset, loaded.index);
    const lines = target && linesOfSource(loaded.index, target.key);
    if (target && lines) return { uri: pathToUri(target.path), range: toRange(lines, target.span) };
    // A key only the reference library has: its entry, in its file (or the draft's own references).
    const entry = libraryDefinitionAt(draft, offset, loaded.index, library.library);
    return entry ? entryLocation(entry.entry) : null;
  }));

  connection.onReferences(cancellable(async (params, token) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const hit = keyAt(parsedDraftOf(doc), doc.offsetAt(params.position));
    if (!hit) return null;
    const project = ctx.projectFor(doc.uri);
    const [, library] = await untilCancelled(Promise.all([project.host.load(), ctx.libraries.viewFor(doc)]), token);
    const out: Location[] = [];
    const entry = library.library.get(hit.key);
    if (entry && params.context?.includeDeclaration) out.push(entryLocation(entry));
    const slicer = new TimeSlicer(isCancelledBy(token));
    // The key alone, not `@key`: a draft may cite it braced (`@{key}`) or with a full-width ＠.
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
    const [loaded, library] = await untilCancelled(Promise.all([ctx.projectFor(doc.uri).host.load(), ctx.libraries.viewFor(doc)]), token);
    if (!loaded.index.has(hit.key) && !library.library.has(hit.key)) throw new ResponseError(0, RENAME_MESSAGES[ctx.locale]["unknown-key"](hit.key));
    return { range: toRange(new LineIndex(doc.getText()), hit.span), placeholder: hit.key };
  }));

  connection.onRenameRequest(cancellable(async (params, token): Promise<WorkspaceEdit | null> => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return null;
    const hit = keyAt(parsedDraftOf(doc), doc.offsetAt(params.position));
    if (!hit) return null;
    const project = ctx.projectFor(doc.uri);
    const [loaded, library] = await untilCancelled(Promise.all([project.host.load(), ctx.libraries.viewFor(doc)]), token);
    // What the writer typed, as a key: `@key`, `@{key}` and `{key}` all name `key`.
    const newKey = params.newName.trim().replace(/^[@＠]/, "").replace(/^\{(.*)\}$/, "$1");
    const messages = RENAME_MESSAGES[ctx.locale];
    const entry = library.library.get(hit.key);
    const inCorpus = loaded.index.has(hit.key);
    if (!inCorpus && !entry) throw new ResponseError(0, messages["unknown-key"](hit.key));
    if (!isCitableKey(newKey)) throw new ResponseError(0, messages["invalid-key"](newKey));
    if (newKey !== hit.key && (loaded.index.has(newKey) || library.library.has(newKey))) throw new ResponseError(0, messages["key-taken"](newKey));

    // Every file's edits, one TextDocumentEdit per file (a draft's own references and its citations are one document).
    const byUri = new Map<string, TextEdit[]>();
    const creates: string[] = [];
    const add = (uri: string, edits: TextEdit[]) => byUri.set(uri, [...(byUri.get(uri) ?? []), ...edits]);
    const textOf = (path: string): string => {
      const open = ctx.documents.get(pathToUri(path));
      return open ? open.getText() : readFileSync(path, "utf8");
    };
    if (inCorpus) {
      const source = loaded.index.get(hit.key)!;
      const corpusDir = project.host.corpusDir ?? join(project.root, "corpus");
      const cataloguePath = join(corpusDir, "sources.yaml");
      const catalogueText = existsSync(cataloguePath) ? readFileSync(cataloguePath, "utf8") : null;
      const relPath = relative(corpusDir, source.meta.path).split(sep).join("/");
      const meta = metadataRenameEdit(source, newKey, { path: cataloguePath, text: catalogueText }, relPath);
      if (!meta) throw new ResponseError(0, messages.noMetadata(hit.key));
      const text = meta.path === cataloguePath ? (catalogueText ?? "") : meta.path === source.meta.path ? source.text : readFileSync(meta.path, "utf8");
      if (meta.create) creates.push(pathToUri(meta.path));
      add(pathToUri(meta.path), toTextEdits(meta, new LineIndex(text)));
    }
    if (entry) {
      // The library entry's key, in its file (the edit is the writer's to accept, like any rename).
      const text = textOf(entry.path);
      add(pathToUri(entry.path), toTextEdits(libraryRenameEdits(entry, text, newKey), new LineIndex(text)));
    }
    const slicer = new TimeSlicer(isCancelledBy(token));
    for (const draft of projectDrafts(ctx, project, hit.key)) {
      await slicer.tick();
      const lines = new LineIndex(draft.text);
      // Each citation rewritten so Pandoc reads the new key back (braced where it needs braces).
      const edits: TextEdit[] = renameEditsIn(parseDraft(draft.text), hit.key, newKey).map((e) => ({ range: toRange(lines, e.span), newText: e.text }));
      if (edits.length) add(draft.uri, edits);
    }
    const documentChanges: WorkspaceEdit["documentChanges"] = creates.map((uri) => ({ kind: "create" as const, uri, options: { ignoreIfExists: true } }));
    for (const [uri, edits] of byUri) documentChanges.push({ textDocument: { uri, version: ctx.documents.get(uri)?.version ?? null }, edits } satisfies TextDocumentEdit);
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
    const [loaded, library] = await untilCancelled(Promise.all([ctx.projectFor(doc.uri).host.load(), ctx.libraries.viewFor(doc)]), token);
    const lines = new LineIndex(doc.getText());
    return documentSymbols(parsedDraftOf(doc), loaded.index, ctx.locale).map((s) => ({
      name: s.name,
      detail: librarySymbolDetail(s, loaded.index, library.library) ?? s.detail,
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
    const [loaded, library] = await untilCancelled(Promise.all([ctx.projectFor(doc.uri).host.load(), ctx.libraries.viewFor(doc)]), token);
    const lines = new LineIndex(doc.getText());
    const range = { start: lines.offsetAt(params.range.start), end: lines.offsetAt(params.range.end) };
    const draft = parsedDraftOf(doc);
    return mergeHints(inlayHints(draft, loaded.index, range), libraryInlayHints(draft, loaded.index, library.library, range)).map((h) => ({
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
    const [loaded, library] = await untilCancelled(Promise.all([ctx.projectFor(doc.uri).host.load(), ctx.libraries.viewFor(doc)]), token);
    const lines = new LineIndex(doc.getText());
    const data: number[] = [];
    let prevLine = 0;
    let prevChar = 0;
    const draft = parsedDraftOf(doc);
    for (const t of withLibraryKeysKnown(semanticTokens(draft, loaded.index), draft, library.library)) {
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
