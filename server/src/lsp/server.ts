/**
 * The language server: wires LSP requests to the core. `startServer(connection)` runs the same
 * server over IPC (VS Code), stdio (`shutten serve --stdio`, other editors) or in a test.
 *
 * Every handler has the same few lines: find the document and its project, return early, call the
 * core, convert. The intelligence lives in `server/src/core/`.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import {
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Locale } from "../core/check/messages";
import { CorpusHost } from "../core/corpusHost";
import { collectGarbage } from "../core/memory";
import { warmCatalog } from "../core/features/corpusCatalog";
import type { CorpusIndex } from "../core/index/corpusIndex";
import type { Tokenizer } from "../core/text/tokenizer";
import { resolveSettings, type ShuttenSettings } from "../core/settings";
import { cancellable } from "./cancellation";
import { registerCodeActions } from "./features/codeActions";
import { registerCompletion } from "./features/completion";
import { DiagnosticsScheduler } from "./features/diagnostics";
import { registerHover } from "./features/hover";
import { registerCustomRequests } from "./features/customRequests";
import { LibraryService } from "./features/library";
import { registerNavigation, SEMANTIC_TOKENS_LEGEND } from "./features/navigation";

/** Everything a feature handler needs, built once per server. */
export interface ServerContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  locale: Locale;
  /** The project (corpus + settings) a document belongs to. */
  projectFor(uri: string): Project;
  projects(): Project[];
  settingsFor(uri: string): Promise<ShuttenSettings>;
  diagnostics: DiagnosticsScheduler;
  /** Reference libraries (bibliography files, inline references) of drafts. */
  libraries: LibraryService;
}

export interface Project {
  root: string;
  host: CorpusHost;
  /** True when the document is one of the corpus's own files (not a draft). */
  isCorpusFile(path: string): boolean;
}

function uriToPath(uri: string): string | null {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : null;
  } catch {
    return null;
  }
}

/** The static directory prefix of a glob (`corpus/**\/*.txt` → `corpus`). */
export function globBase(glob: string): string {
  const parts = glob.split("/");
  const fixed: string[] = [];
  for (const p of parts) {
    if (/[*?{}[\]]/.test(p)) break;
    fixed.push(p);
  }
  return fixed.join("/");
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const projects = new Map<string, Project>();
  let workspaceRoots: string[] = [];
  let locale: Locale = "en";
  let canPullConfiguration = false;
  let initSettings: unknown = undefined;
  const settingsCache = new Map<string, Promise<ShuttenSettings>>();

  const log = (level: "info" | "warn" | "error", message: string) => {
    if (level === "error") connection.console.error(message);
    else if (level === "warn") connection.console.warn(message);
    else connection.console.info(message);
  };

  async function settingsForRoot(root: string): Promise<ShuttenSettings> {
    let cached = settingsCache.get(root);
    if (!cached) {
      cached = (async () => {
        if (!canPullConfiguration) return resolveSettings(initSettings);
        try {
          const [raw] = await connection.workspace.getConfiguration([{ scopeUri: pathToUri(root), section: "shutten" }]);
          return resolveSettings(raw ?? initSettings);
        } catch {
          return resolveSettings(initSettings);
        }
      })();
      settingsCache.set(root, cached);
    }
    return cached;
  }

  function pathToUri(p: string): string {
    return "file://" + (p.startsWith("/") ? "" : "/") + p.split(sep).map(encodeURIComponent).join("/");
  }

  /** The project root of a file: its workspace folder, else the nearest ancestor with a `corpus/` folder. */
  function rootFor(path: string | null): string {
    if (path) {
      const inWorkspace = workspaceRoots.filter((r) => path === r || path.startsWith(r + sep)).sort((a, b) => b.length - a.length)[0];
      if (inWorkspace) return inWorkspace;
      let dir = dirname(path);
      for (;;) {
        if (existsSync(join(dir, "corpus")) && statSync(join(dir, "corpus")).isDirectory()) return dir;
        const up = dirname(dir);
        if (up === dir) break;
        dir = up;
      }
      return dirname(path);
    }
    return workspaceRoots[0] ?? process.cwd();
  }

  function makeProject(root: string): Project {
    const host = new CorpusHost({
      log,
      servesRequests: true,
      options: async () => {
        const s = await settingsForRoot(root);
        const bases = [...new Set(s.corpus.include.map(globBase))];
        const base = bases.length === 1 ? bases[0] : "";
        const strip = (g: string) => (base && g.startsWith(base + "/") ? g.slice(base.length + 1) : g);
        return {
          corpusDir: resolve(root, base),
          include: s.corpus.include.map(strip),
          exclude: s.corpus.exclude.map(strip),
          cacheDir: s.cache.directory || undefined,
          aliasFile: s.corpus.aliasFile ? resolve(root, s.corpus.aliasFile) : undefined,
        };
      },
    });
    host.onDidChange((loaded) => {
      // A corpus change re-checks every open draft against the new text.
      for (const doc of documents.all()) if (projectFor(doc.uri) === project) diagnostics.schedule(doc.uri, 0);
      warm(loaded);
      // A full rebuild replaced a whole generation (index arrays, sources, catalogue): it is given back
      // once the drafts are checked again, not only when the new catalogue is ready (many seconds at
      // 10,000 articles, with two generations resident meanwhile).
      if (loaded.stats.full) {
        const drop = () => {
          if (host.current?.index !== loaded.index || host.busy) return;
          if (diagnostics.busy) return void setTimeout(drop, 100);
          collectGarbage();
        };
        setTimeout(drop, 100);
      }
    });
    // The feature catalogue is built in the background, between requests, once an index is ready
    // (in 5 ms slices: key completions, answered meanwhile, each wait for the slice under way).
    const warm = (loaded: { index: CorpusIndex; tokenizer: Tokenizer }) =>
      void warmCatalog(loaded.index, loaded.tokenizer, () => host.current?.index === loaded.index && !host.busy, 5, () => diagnostics.busy)
        .then(() => {
          // Index and catalogue ready, the server about to idle: give back the build's garbage.
          if (host.current?.index === loaded.index && !host.busy) setTimeout(collectGarbage, 200);
        })
        .catch(() => undefined);
    void host.load().then(warm, () => undefined);
    host.onProgress((p) => void connection.sendNotification("shutten/indexProgress", { root, ...p }));
    const project: Project = {
      root,
      host,
      isCorpusFile(path: string) {
        const dir = host.corpusDir;
        return !!dir && (path === dir || path.startsWith(dir + sep));
      },
    };
    return project;
  }

  function projectFor(uri: string): Project {
    const root = rootFor(uriToPath(uri));
    let p = projects.get(root);
    if (!p) projects.set(root, (p = makeProject(root)));
    return p;
  }

  const ctx: ServerContext = {
    connection,
    documents,
    get locale() {
      return locale;
    },
    projectFor,
    projects: () => [...projects.values()],
    settingsFor: (uri) => settingsForRoot(rootFor(uriToPath(uri))),
    diagnostics: undefined as unknown as DiagnosticsScheduler,
    libraries: undefined as unknown as LibraryService,
  };
  const diagnostics = new DiagnosticsScheduler(ctx);
  ctx.diagnostics = diagnostics;
  const libraries = new LibraryService(ctx);
  ctx.libraries = libraries;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    locale = (params.locale ?? "").toLowerCase().startsWith("ja") ? "ja" : "en";
    canPullConfiguration = !!params.capabilities.workspace?.configuration;
    initSettings = (params.initializationOptions as { settings?: unknown } | undefined)?.settings;
    workspaceRoots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    if (workspaceRoots.length === 0 && params.rootUri) {
      const p = uriToPath(params.rootUri);
      if (p) workspaceRoots = [p];
    }
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ["@", "＠", "[", "{", "「", "『"], resolveProvider: true },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: ["quickfix"] },
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentLinkProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        inlayHintProvider: true,
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
        workspace: { workspaceFolders: { supported: true } },
      },
      serverInfo: { name: "shutten", version: process.env.SHUTTEN_VERSION ?? "0.1.0" },
    };
  });

  connection.onInitialized(() => {
    // Start indexing every workspace folder at once, so the first request finds the index warm.
    for (const root of workspaceRoots) {
      const p = projects.get(root) ?? makeProject(root);
      projects.set(root, p);
      p.host.load().catch((e) => log("error", `shutten: indexing ${root} failed: ${e instanceof Error ? e.stack : e}`));
    }
  });

  connection.onDidChangeConfiguration(() => {
    settingsCache.clear();
    libraries.clear();
    for (const p of projects.values()) p.host.invalidate();
    for (const doc of documents.all()) diagnostics.schedule(doc.uri, 0);
  });

  connection.onDidChangeWatchedFiles((params) => {
    // Only the changed paths are re-indexed (the host compares their stat with what it indexed).
    const touched = new Map<Project, string[]>();
    for (const change of params.changes) {
      const path = uriToPath(change.uri);
      if (!path) continue;
      for (const p of projects.values()) {
        if (!(p.isCorpusFile(path) || path.endsWith("sources.yaml"))) continue;
        const list = touched.get(p) ?? [];
        list.push(path);
        touched.set(p, list);
      }
    }
    for (const [p, paths] of touched) void p.host.invalidate(paths).catch((e) => log("error", `shutten: re-indexing ${p.root} failed: ${e instanceof Error ? e.stack : e}`));
    // A changed bibliography (or style) file: every open draft is checked again against it.
    const changed = params.changes.map((c) => uriToPath(c.uri)).filter((p): p is string => !!p);
    if (libraries.invalidate(changed)) for (const doc of documents.all()) diagnostics.schedule(doc.uri, 0);
  });

  documents.onDidOpen((e) => diagnostics.schedule(e.document.uri, 0));
  documents.onDidChangeContent((e) => diagnostics.schedule(e.document.uri));
  documents.onDidClose((e) => {
    diagnostics.clear(e.document.uri);
    libraries.forget(e.document.uri);
  });
  documents.onDidSave((e) => {
    const path = uriToPath(e.document.uri);
    if (!path) return;
    // Saving a corpus file in the editor re-indexes it like an outside change.
    for (const p of projects.values()) if (p.isCorpusFile(path)) void p.host.invalidate([path]).catch((e) => log("error", `shutten: re-indexing ${p.root} failed: ${e instanceof Error ? e.stack : e}`));
  });

  registerCompletion(ctx);
  registerHover(ctx);
  registerCodeActions(ctx);
  registerNavigation(ctx);
  registerCustomRequests(ctx);

  // A snapshot still being written after a full build is finished before the server exits.
  connection.onShutdown(async () => {
    await Promise.all([...projects.values()].map((p) => p.host.flush()));
  });

  connection.onRequest(
    "shutten/reindex",
    cancellable(async () => {
      for (const p of projects.values()) await p.host.invalidate();
      return { ok: true };
    }),
  );
  connection.onRequest(
    "shutten/status",
    cancellable(async () =>
      Promise.all(
      [...projects.values()].map(async (p) => {
        const loaded = p.host.current;
        return { root: p.root, sources: loaded?.index.size ?? 0, problems: loaded?.index.problems.length ?? 0, indexing: p.host.busy };
      }),
      ),
    ),
  );

  documents.listen(connection);
  connection.listen();
}
