/**
 * The VS Code extension: starts the Shutten language server over IPC for Markdown drafts, watches
 * the corpus so changes re-index, and shows indexing progress and counts in the status bar.
 */
import * as path from "node:path";
import * as vscode from "vscode";
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join("dist", "server.js"));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ["--nolazy", "--inspect=6019"] } },
  };
  const include = vscode.workspace.getConfiguration("shutten").get<string[]>("corpus.include") ?? ["corpus/**/*.{txt,md,markdown,html,htm}"];
  const watchers = [...include, "**/sources.yaml"].map((g) => vscode.workspace.createFileSystemWatcher(g));
  context.subscriptions.push(...watchers);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "markdown" },
    ],
    synchronize: { configurationSection: "shutten", fileEvents: watchers },
    initializationOptions: { settings: vscode.workspace.getConfiguration("shutten") },
  };
  client = new LanguageClient("shutten", "Shutten", serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.name = "Shutten";
  status.text = `$(sync~spin) ${vscode.l10n.t("Shutten: indexing…")}`;
  status.command = "shutten.reindex";
  status.show();
  context.subscriptions.push(status);

  context.subscriptions.push(
    vscode.commands.registerCommand("shutten.reindex", async () => {
      status.text = `$(sync~spin) ${vscode.l10n.t("Shutten: indexing…")}`;
      await client?.sendRequest("shutten/reindex");
      await refreshStatus();
    }),
  );

  async function refreshStatus(): Promise<void> {
    if (!client) return;
    const projects = (await client.sendRequest("shutten/status")) as { sources: number; problems: number; indexing: boolean }[];
    const sources = projects.reduce((n, p) => n + p.sources, 0);
    const problems = projects.reduce((n, p) => n + p.problems, 0);
    const indexing = projects.some((p) => p.indexing);
    status.text = indexing ? `$(sync~spin) ${vscode.l10n.t("Shutten: indexing…")}` : `$(book) ${vscode.l10n.t("Shutten: {0} sources", sources)}`;
    status.tooltip = problems ? vscode.l10n.t("{0} corpus files could not be loaded (see the Shutten output)", problems) : vscode.l10n.t("Click to re-index the corpus");
  }

  await client.start();
  context.subscriptions.push(
    client.onNotification("shutten/indexProgress", (p: { done: number; total: number; phase: string }) => {
      if (p.phase === "ready") void refreshStatus();
      else status.text = `$(sync~spin) ${vscode.l10n.t("Shutten: indexing {0}/{1}", p.done, p.total)}`;
    }),
  );
  void refreshStatus();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
