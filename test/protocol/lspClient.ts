// A small LSP client handle for protocol tests. It forks the *built* server (dist/server.js, the
// bundle we ship) over stdio and drives it the way an editor does, so a packaging or bundling
// mistake fails here rather than in a user's editor. One warmed-up server per test file:
//
//   const ws = createWorkspace({ "draft.md": text });
//   const client = await startServer({ workspace: ws.dir });
//   client.openDocument(ws.uri("draft.md"), text);
//   const diags = await client.waitForDiagnostics(ws.uri("draft.md"), (d) => d.length > 0);
//
// Positions are found by text (`positionOf(text, "[@nikkei", 2)`), never by counted columns.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before } from "node:test";
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from "vscode-jsonrpc/node";
import type {
  CompletionItem,
  CompletionList,
  Diagnostic,
  Hover,
  InitializeResult,
  Position,
  PublishDiagnosticsParams,
} from "vscode-languageserver-protocol";

/** The repository root (this file lives in test/protocol/). */
export const repoRoot = resolve(__dirname, "..", "..");
/** The bundled server that the tests drive; `node esbuild.mjs` builds it. */
export const serverBundle = join(repoRoot, "dist", "server.js");
/** The sample corpus shipped with the repository. */
export const sampleCorpus = join(repoRoot, "corpus");

const DEFAULT_TIMEOUT_MS = 20_000;

/** One source as `shutten sources --json` lists it (SPEC §6). */
export interface SourceInfo {
  key: string;
  path: string;
  title: string | null;
  outlet: string | null;
  published: string | null;
  url: string | null;
}

/** Lists the sample corpus through the built CLI, so tests never hard-code keys or titles. */
export function sampleSources(corpusDir: string = sampleCorpus): SourceInfo[] {
  const cacheDir = mkdtempSync(join(tmpdir(), "shutten-cache-"));
  try {
    const out = execFileSync(process.execPath, [join(repoRoot, "dist", "cli.js"), "sources", "--corpus", corpusDir, "--json"], {
      encoding: "utf8",
      env: { ...process.env, SHUTTEN_CACHE_DIR: cacheDir },
    });
    return JSON.parse(out) as SourceInfo[];
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/**
 * The LSP position of `needle` in `text`, plus `offsetWithinNeedle` UTF-16 code units.
 * `occurrence` picks the n-th match (0-based). Throws when the needle is absent, so a typo in a
 * test fails loudly instead of probing position 0.
 */
export function positionOf(text: string, needle: string, offsetWithinNeedle = 0, occurrence = 0): Position {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`positionOf: ${JSON.stringify(needle)} (occurrence ${occurrence}) not found`);
  }
  return offsetToPosition(text, index + offsetWithinNeedle);
}

/** Converts a UTF-16 offset to an LSP position; \n, \r\n and \r all end a line, as LSP says. */
export function offsetToPosition(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, character: offset - lineStart };
}

/** The text a range covers, for assertions like `textAt(doc, diag.range) === "@nosuch"`. */
export function textAt(text: string, range: { start: Position; end: Position }): string {
  return text.slice(positionToOffset(text, range.start), positionToOffset(text, range.end));
}

export function positionToOffset(text: string, pos: Position): number {
  let line = 0;
  let i = 0;
  while (line < pos.line && i < text.length) {
    const c = text.charCodeAt(i++);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i) !== 0x0a)) line++;
  }
  return i + pos.character;
}

/** A throw-away workspace folder: a copy of the sample corpus plus the given files. */
export interface TestWorkspace {
  dir: string;
  /** file:// URI of a path relative to the workspace. */
  uri(relPath: string): string;
  /** Writes (or overwrites) a file in the workspace and returns its URI. */
  write(relPath: string, text: string): string;
  dispose(): void;
}

export function createWorkspace(files: Record<string, string> = {}, options: { corpus?: boolean } = {}): TestWorkspace {
  const dir = mkdtempSync(join(tmpdir(), "shutten-proto-"));
  if (options.corpus !== false) cpSync(sampleCorpus, join(dir, "corpus"), { recursive: true });
  const ws: TestWorkspace = {
    dir,
    uri: (rel) => pathToFileURL(join(dir, rel)).href,
    write(rel, text) {
      mkdirSync(dirname(join(dir, rel)), { recursive: true });
      writeFileSync(join(dir, rel), text);
      return ws.uri(rel);
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [rel, text] of Object.entries(files)) ws.write(rel, text);
  return ws;
}

export interface StartOptions {
  /** Workspace folder (its corpus/ is indexed). */
  workspace: string;
  /** Answers to `workspace/configuration`, by section (`shutten` → `{ corpus: {...} }`). */
  settings?: Record<string, unknown>;
  initializationOptions?: unknown;
  /** Extra environment for the server process. SHUTTEN_CACHE_DIR defaults to a fresh temp dir. */
  env?: NodeJS.ProcessEnv;
}

interface ReceivedNotification {
  method: string;
  params: any;
}

export class LspClient {
  readonly notifications: ReceivedNotification[] = [];
  /** Everything the server wrote to stderr (printed by tests on failure). */
  stderr = "";
  initializeResult!: InitializeResult;
  private listeners = new Set<(n: ReceivedNotification) => void>();
  private versions = new Map<string, number>();
  private exited = false;

  constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
    private settings: Record<string, unknown>,
    private cacheDir: string | undefined,
  ) {
    connection.onNotification((method, params) => {
      const n = { method, params };
      this.notifications.push(n);
      for (const l of [...this.listeners]) l(n);
    });
    // Server → client requests an editor would answer: configuration, capability registration,
    // progress tokens, message boxes. Unknown ones get null rather than an error, as most clients do.
    connection.onRequest((method, params: any) => {
      if (method === "workspace/configuration") {
        return (params?.items ?? []).map((item: { section?: string }) => this.configurationFor(item.section));
      }
      if (method === "workspace/workspaceFolders") return null;
      return null;
    });
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      this.stderr += chunk;
      if (this.stderr.length > 200_000) this.stderr = this.stderr.slice(-100_000);
    });
    child.on("exit", () => (this.exited = true));
  }

  private configurationFor(section: string | undefined): unknown {
    if (!section) return this.settings;
    let value: any = this.settings;
    for (const part of section.split(".")) value = value?.[part];
    return value ?? null;
  }

  /** Changes the answers to `workspace/configuration` and tells the server, as an editor does. */
  updateSettings(settings: Record<string, unknown>): void {
    this.settings = settings;
    this.notify("workspace/didChangeConfiguration", { settings });
  }

  request<R = any>(method: string, params: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<R> {
    return withTimeout(this.connection.sendRequest<R>(method, params), timeoutMs, `request ${method}`, () => this.stderr);
  }

  notify(method: string, params: unknown): void {
    void this.connection.sendNotification(method, params);
  }

  /**
   * Resolves with the params of the first notification `method` that satisfies `predicate`.
   * With `includePast` (the default) notifications already received count too, so a test need
   * not race the server.
   */
  waitForNotification<P = any>(
    method: string,
    predicate: (params: P) => boolean = () => true,
    options: { timeoutMs?: number; includePast?: boolean } = {},
  ): Promise<P> {
    const { timeoutMs = DEFAULT_TIMEOUT_MS, includePast = true } = options;
    if (includePast) {
      const past = this.notifications.find((n) => n.method === method && predicate(n.params));
      if (past) return Promise.resolve(past.params);
    }
    let listener!: (n: ReceivedNotification) => void;
    const wait = new Promise<P>((resolve) => {
      listener = (n) => {
        if (n.method === method && predicate(n.params)) resolve(n.params);
      };
      this.listeners.add(listener);
    });
    return withTimeout(wait, timeoutMs, `notification ${method}`, () => this.stderr).finally(() => this.listeners.delete(listener));
  }

  /**
   * Calls `listener` for every notification from now on (with its arrival time in
   * `performance.now()` terms); returns a function that stops it. For code that must time arrivals.
   */
  subscribe(listener: (method: string, params: any, at: number) => void): () => void {
    const l = (n: ReceivedNotification) => listener(n.method, n.params, performance.now());
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** The diagnostics most recently published for `uri`, or undefined if none were. */
  latestDiagnostics(uri: string): Diagnostic[] | undefined {
    for (let i = this.notifications.length - 1; i >= 0; i--) {
      const n = this.notifications[i];
      if (n.method === "textDocument/publishDiagnostics" && n.params.uri === uri) return n.params.diagnostics;
    }
    return undefined;
  }

  /**
   * Waits until the latest diagnostics published for `uri` satisfy `predicate` (by default: any
   * publication at all) and returns them. Only the latest publication counts, so a stale one
   * never satisfies a test that has since edited the document.
   */
  async waitForDiagnostics(
    uri: string,
    predicate: (diagnostics: Diagnostic[]) => boolean = () => true,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<Diagnostic[]> {
    const latest = this.latestDiagnostics(uri);
    if (latest && predicate(latest)) return latest;
    const params = await this.waitForNotification<PublishDiagnosticsParams>(
      "textDocument/publishDiagnostics",
      (p) => p.uri === uri && predicate(p.diagnostics),
      { timeoutMs, includePast: false },
    );
    return params.diagnostics;
  }

  openDocument(uri: string, text: string, languageId = "markdown"): void {
    this.versions.set(uri, 1);
    this.notify("textDocument/didOpen", { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replaces the whole document (full sync is accepted by every server). */
  changeDocument(uri: string, text: string): void {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.notify("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  closeDocument(uri: string): void {
    this.versions.delete(uri);
    this.notify("textDocument/didClose", { textDocument: { uri } });
  }

  /** Completion items at a position, whether the server answers with a list or an array. */
  async completion(uri: string, position: Position, triggerCharacter?: string): Promise<CompletionItem[]> {
    const context = triggerCharacter ? { triggerKind: 2, triggerCharacter } : { triggerKind: 1 };
    const result = await this.request<CompletionList | CompletionItem[] | null>("textDocument/completion", {
      textDocument: { uri },
      position,
      context,
    });
    if (!result) return [];
    return Array.isArray(result) ? result : result.items;
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position });
  }

  /** shutdown + exit, then waits for the process (kills it after 5 s). */
  async stop(): Promise<void> {
    if (!this.exited) {
      try {
        await this.request("shutdown", null, 5_000);
        this.notify("exit", null);
      } catch {
        /* the process is killed below */
      }
      await new Promise<void>((resolve) => {
        if (this.exited) return resolve();
        const timer = setTimeout(() => {
          this.child.kill("SIGKILL");
          resolve();
        }, 5_000);
        this.child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.connection.dispose();
    if (this.cacheDir) rmSync(this.cacheDir, { recursive: true, force: true });
  }
}

/** Markdown text of a hover, whatever shape the server chose (MarkupContent, MarkedString[], …). */
export function hoverText(hover: Hover | null): string {
  if (!hover) return "";
  const c: any = hover.contents;
  if (typeof c === "string") return c;
  if (Array.isArray(c)) return c.map((m) => (typeof m === "string" ? m : m.value)).join("\n");
  return c.value ?? "";
}

/** Forks dist/server.js --stdio, initializes it with `workspace` as its only folder. */
export async function startServer(options: StartOptions): Promise<LspClient> {
  const ownCache = options.env?.SHUTTEN_CACHE_DIR ? undefined : mkdtempSync(join(tmpdir(), "shutten-cache-"));
  const child = spawn(process.execPath, [serverBundle, "--stdio"], {
    cwd: options.workspace,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...(ownCache ? { SHUTTEN_CACHE_DIR: ownCache } : {}), ...options.env },
  });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const client = new LspClient(child, connection, options.settings ?? {}, ownCache);
  connection.listen();
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  const rootUri = pathToFileURL(options.workspace).href;
  client.initializeResult = await Promise.race([
    spawnError,
    client.request<InitializeResult>("initialize", {
      processId: process.pid,
      clientInfo: { name: "shutten-protocol-tests" },
      locale: "en",
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: "workspace" }],
      initializationOptions: options.initializationOptions,
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true } },
        textDocument: {
          synchronization: { didSave: true, dynamicRegistration: false },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ["markdown", "plaintext"], labelDetailsSupport: true } },
          hover: { contentFormat: ["markdown", "plaintext"] },
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ["", "quickfix", "refactor", "source"] } }, dataSupport: true },
        },
        window: { workDoneProgress: true },
      },
    }),
  ]);
  client.notify("initialized", {});
  return client;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string, stderr: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const tail = stderr().split("\n").slice(-30).join("\n");
      reject(new Error(`timed out after ${ms} ms waiting for ${what}\n--- server stderr (tail) ---\n${tail}`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What `serverSession` gives a test file: the workspace, the running server and the draft's URI. */
export interface ServerSession {
  ws: TestWorkspace;
  client: LspClient;
  uri: string;
}

/**
 * One warmed-up server per test file (STYLE: share one server): registers node:test `before`/`after`
 * hooks that make a workspace with the sample corpus and `files`, start the built server, open
 * `draft` (its name and text) and wait for its first diagnostics. Read the session inside tests.
 */
export function serverSession(draft: { name: string; text: string }, files: Record<string, string> = {}, options: Omit<StartOptions, "workspace"> = {}): ServerSession {
  const session = {} as ServerSession;
  before(async () => {
    session.ws = createWorkspace({ [draft.name]: draft.text, ...files });
    session.uri = session.ws.uri(draft.name);
    session.client = await startServer({ workspace: session.ws.dir, ...options });
    session.client.openDocument(session.uri, draft.text);
    await session.client.waitForDiagnostics(session.uri, () => true, 60_000);
  });
  after(async () => {
    await session.client?.stop();
    session.ws?.dispose();
  });
  return session;
}
