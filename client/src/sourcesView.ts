/** The Sources view in the explorer: every corpus source (fed by `shutten/sources`), opening its file on click. */
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { SourcesRequest, type SourceSummary } from "../../server/src/lsp/protocol";

export class SourcesView implements vscode.TreeDataProvider<SourceSummary> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly client: () => LanguageClient | undefined) {}

  refresh(): void {
    this.changed.fire();
  }

  async getChildren(element?: SourceSummary): Promise<SourceSummary[]> {
    const client = this.client();
    if (element || !client) return [];
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    return client.sendRequest<SourceSummary[]>(SourcesRequest, { uri });
  }

  getTreeItem(s: SourceSummary): vscode.TreeItem {
    const item = new vscode.TreeItem(s.title ?? s.key, vscode.TreeItemCollapsibleState.None);
    item.id = s.key;
    item.description = [`@${s.key}`, s.outlet, s.published?.slice(0, 10)].filter(Boolean).join(" · ");
    item.tooltip = new vscode.MarkdownString(
      [
        `**${s.title ?? s.key}**`,
        "",
        [s.outlet, s.published].filter(Boolean).join(" · "),
        s.url ?? "",
        "",
        vscode.l10n.t("{0} quotes · {1} events", s.quotes, s.events),
      ].join("\n\n"),
    );
    item.iconPath = new vscode.ThemeIcon("book");
    item.contextValue = "shutten.source";
    item.resourceUri = vscode.Uri.parse(s.uri);
    item.command = {
      command: "vscode.open",
      title: vscode.l10n.t("Show source"),
      arguments: [vscode.Uri.parse(s.uri), { selection: new vscode.Range(s.range.start.line, s.range.start.character, s.range.end.line, s.range.end.character) }],
    };
    return item;
  }
}
