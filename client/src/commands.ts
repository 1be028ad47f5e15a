/** The commands beyond re-indexing: Insert citation, Show source, Export bibliography. */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import {
  ExportBibliographyRequest,
  PickItemsRequest,
  SourceAtRequest,
  type BibliographyFormat,
  type ExportBibliographyResult,
  type PickItem,
  type SourceAtResult,
} from "../../server/src/lsp/protocol";

/** A quick pick over sources, speech quotes and events; inserts `[@key]` or `「quote」[@key]` at the cursor. */
export async function insertCitation(client: LanguageClient): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return void vscode.window.showInformationMessage(vscode.l10n.t("Open a Markdown draft to insert a citation."));
  const items = await client.sendRequest<PickItem[]>(PickItemsRequest, { uri: editor.document.uri.toString() });
  const groups: Record<PickItem["kind"], string> = { source: vscode.l10n.t("Sources"), quote: vscode.l10n.t("Quotes"), event: vscode.l10n.t("Events") };
  const icons: Record<PickItem["kind"], string> = { source: "$(book)", quote: "$(quote)", event: "$(calendar)" };
  type Entry = vscode.QuickPickItem & { item?: PickItem };
  const entries: Entry[] = [];
  for (const kind of ["source", "quote", "event"] as const) {
    const of = items.filter((i) => i.kind === kind);
    if (!of.length) continue;
    entries.push({ label: groups[kind], kind: vscode.QuickPickItemKind.Separator });
    for (const i of of) entries.push({ label: `${icons[kind]} ${i.label}`, description: i.description, detail: i.detail, item: i });
  }
  const picked = await vscode.window.showQuickPick(entries, {
    title: vscode.l10n.t("Insert citation"),
    placeHolder: vscode.l10n.t("Search sources, quotes and events"),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked?.item) return;
  await editor.insertSnippet(new vscode.SnippetString().appendText(picked.item.insertText));
}

/** Opens the corpus file of the key (or quote) under the cursor, at the passage. */
export async function showSource(client: LanguageClient): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const target = await client.sendRequest<SourceAtResult>(SourceAtRequest, {
    uri: editor.document.uri.toString(),
    position: { line: editor.selection.active.line, character: editor.selection.active.character },
  });
  if (!target) return void vscode.window.showInformationMessage(vscode.l10n.t("Put the cursor on a citation key or a quote to show its source."));
  const r = target.range;
  await vscode.window.showTextDocument(vscode.Uri.parse(target.uri), {
    selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character),
    viewColumn: vscode.ViewColumn.Beside,
  });
}

/** Asks for a format and a file, then writes the corpus's bibliography there. */
export async function exportBibliography(client: LanguageClient, format?: BibliographyFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (!format) {
    const choice = await vscode.window.showQuickPick(
      [
        { label: "CSL-JSON", description: vscode.l10n.t("for pandoc --citeproc, Zotero"), format: "csl-json" as const },
        { label: "BibTeX", description: vscode.l10n.t("for LaTeX, biber, pandoc"), format: "bibtex" as const },
        { label: "Pandoc YAML", description: vscode.l10n.t("a references: block for front matter or --metadata-file"), format: "pandoc-yaml" as const },
      ],
      { title: vscode.l10n.t("Export bibliography"), placeHolder: vscode.l10n.t("Choose a format") },
    );
    if (!choice) return undefined;
    format = choice.format;
  }
  const uri = vscode.window.activeTextEditor?.document.uri.toString();
  const result = await client.sendRequest<ExportBibliographyResult>(ExportBibliographyRequest, { uri, format });
  if (!target) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    target = await vscode.window.showSaveDialog({
      title: vscode.l10n.t("Export bibliography"),
      defaultUri: folder ? vscode.Uri.joinPath(folder, `references.${result.extension}`) : undefined,
      filters: { [vscode.l10n.t("Bibliography")]: [result.extension] },
    });
    if (!target) return undefined;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(result.text));
  void vscode.window.showInformationMessage(vscode.l10n.t("Exported {0} sources to {1}", result.count, vscode.workspace.asRelativePath(target)));
  if (result.skipped?.length) {
    void vscode.window.showWarningMessage(vscode.l10n.t("Left out {0} sources whose keys this format cannot hold (export CSL-JSON for them): {1}", result.skipped.length, result.skipped.join(", ")));
  }
  return target;
}
