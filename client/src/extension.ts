/**
 * The VS Code extension: starts the Shutten language server over IPC for Markdown drafts, watches
 * the corpus so changes re-index and the bibliography files so drafts are checked again, shows
 * indexing progress and counts in the status bar, and adds
 * the commands (Reindex, Insert citation, Show source, Show timeline, Export bibliography) and the
 * Sources view. Every user-facing string goes through vscode.l10n (l10n/bundle.l10n.ja.json).
 */
import * as path from "node:path";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  TransportKind,
  type ErrorHandler,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import {
  IndexProgressNotification,
  ReindexRequest,
  StatusRequest,
  type BibliographyFormat,
  type IndexProgressParams,
  type ProjectStatus,
} from "../../server/src/lsp/protocol";
import { serverEnvironment } from "../../server/src/lsp/launch";
import { exportBibliography, insertCitation, showSource } from "./commands";
import { SourcesView } from "./sourcesView";
import { showTimeline } from "./timelinePanel";

let client: LanguageClient | undefined;

/** Bibliography files (BibTeX, CSL-JSON, CSL YAML) and CSL styles: the server keeps those drafts use. */
const LIBRARY_FILES = "**/*.{bib,bibtex,biblatex,json,yaml,yml,csl}";

/** Watchers for `shutten.bibliography` files outside the workspace (a Zotero export in the home folder). */
function libraryWatchersOutsideWorkspace(): vscode.FileSystemWatcher[] {
  const configured = vscode.workspace.getConfiguration("shutten").get<string[]>("bibliography") ?? [];
  const home = process.env.HOME ?? process.env.USERPROFILE ?? "";
  const out: vscode.FileSystemWatcher[] = [];
  for (const raw of configured) {
    const p = raw.startsWith("~/") && home ? path.join(home, raw.slice(2)) : raw;
    if (!path.isAbsolute(p)) continue;
    if (vscode.workspace.workspaceFolders?.some((f) => p.startsWith(f.uri.fsPath + path.sep))) continue;
    const parts = p.split(/[\\/]/);
    const fixed = parts.findIndex((part) => /[*?{[]/.test(part));
    // The folder before the first glob part is watched, for the rest of the pattern (or the file's name).
    const base = fixed < 0 ? path.dirname(p) : parts.slice(0, fixed).join(path.sep) || path.sep;
    const pattern = fixed < 0 ? path.basename(p) : parts.slice(fixed).join("/");
    out.push(vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(base), pattern)));
  }
  return out;
}

/**
 * A crash restarts the server (at most 4 times in 3 minutes, like the client's default), and the
 * writer is told once, not at every restart.
 */
function crashPolicy(): ErrorHandler {
  const crashes: number[] = [];
  let told = false;
  return {
    error: () => ({ action: ErrorAction.Continue }),
    closed: () => {
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && now - crashes[0] > 3 * 60_000) crashes.shift();
      if (crashes.length > 4) {
        return {
          action: CloseAction.DoNotRestart,
          message: vscode.l10n.t("The Shutten server stopped 5 times in 3 minutes and will not be restarted. Reload the window to try again."),
        };
      }
      if (!told) {
        told = true;
        void vscode.window.showWarningMessage(vscode.l10n.t("The Shutten server stopped unexpectedly and was restarted."));
      }
      return { action: CloseAction.Restart, handled: true };
    },
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join("dist", "server.js"));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { env: serverEnvironment() } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { env: serverEnvironment(), execArgv: ["--nolazy", "--inspect=6019"] } },
  };
  const include = vscode.workspace.getConfiguration("shutten").get<string[]>("corpus.include") ?? ["corpus/**/*.{txt,md,markdown,html,htm}"];
  const watchers = [...include, "**/sources.yaml", LIBRARY_FILES].map((g) => vscode.workspace.createFileSystemWatcher(g));
  for (const w of libraryWatchersOutsideWorkspace()) watchers.push(w);
  for (const w of watchers) context.subscriptions.push(w);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "untitled", language: "markdown" },
    ],
    synchronize: { configurationSection: "shutten", fileEvents: watchers },
    initializationOptions: { settings: vscode.workspace.getConfiguration("shutten") },
    errorHandler: crashPolicy(),
  };
  client = new LanguageClient("shutten", "Shutten", serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.name = "Shutten";
  status.text = `$(sync~spin) ${vscode.l10n.t("Shutten: indexing…")}`;
  status.command = "shutten.reindex";
  status.show();
  context.subscriptions.push(status);

  const sources = new SourcesView(() => client);
  context.subscriptions.push(vscode.window.registerTreeDataProvider("shutten.sources", sources));

  const ready = (): LanguageClient | undefined => {
    if (client?.isRunning()) return client;
    void vscode.window.showWarningMessage(vscode.l10n.t("The Shutten language server is not running."));
    return undefined;
  };
  const register = (id: string, fn: (c: LanguageClient, ...args: any[]) => unknown) =>
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: any[]) => {
        const c = ready();
        if (!c) return undefined;
        try {
          return await fn(c, ...args);
        } catch (e) {
          void vscode.window.showErrorMessage(vscode.l10n.t("Shutten: {0}", e instanceof Error ? e.message : String(e)));
          return undefined;
        }
      }),
    );

  register("shutten.reindex", async (c) => {
    status.text = `$(sync~spin) ${vscode.l10n.t("Shutten: indexing…")}`;
    await c.sendRequest(ReindexRequest);
    await refreshStatus();
    sources.refresh();
  });
  register("shutten.insertCitation", (c) => insertCitation(c));
  register("shutten.showSource", (c) => showSource(c));
  register("shutten.showTimeline", (c) => showTimeline(c));
  // Tests and keybindings may pass a format and a target file to skip the pickers.
  register("shutten.exportBibliography", (c, format?: BibliographyFormat, target?: vscode.Uri | string) =>
    exportBibliography(c, format, typeof target === "string" ? vscode.Uri.file(target) : target),
  );
  register("shutten.refreshSources", () => sources.refresh());

  async function refreshStatus(): Promise<void> {
    if (!client) return;
    const projects = await client.sendRequest<ProjectStatus[]>(StatusRequest);
    const count = projects.reduce((n, p) => n + p.sources, 0);
    const problems = projects.reduce((n, p) => n + p.problems, 0);
    const indexing = projects.some((p) => p.indexing);
    status.text = indexing ? `$(sync~spin) ${vscode.l10n.t("Shutten: indexing…")}` : `$(book) ${vscode.l10n.t("Shutten: {0} sources", count)}`;
    status.tooltip = problems ? vscode.l10n.t("{0} corpus files could not be loaded (see the Shutten output)", problems) : vscode.l10n.t("Click to re-index the corpus");
  }

  await client.start();
  context.subscriptions.push(
    client.onNotification(IndexProgressNotification, (p: IndexProgressParams) => {
      if (p.phase === "ready") {
        void refreshStatus();
        sources.refresh();
      } else status.text = `$(sync~spin) ${vscode.l10n.t("Shutten: indexing {0}/{1}", p.done, p.total)}`;
    }),
  );
  void refreshStatus();
  sources.refresh();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
