/**
 * Reference libraries in the language server (thin over core/bibliography): the library of each
 * draft (its front matter, the `shutten.bibliography` setting), the CSL style to format with, the
 * problems of library files published on those files (the Problems panel lists them, open or not),
 * and the draft's own (a named file that does not exist, a broken inline reference).
 */
import { readFileSync } from "node:fs";
import { dirname, relative, sep } from "node:path";
import type { Diagnostic } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import { LibraryStore, type DraftLibrary } from "../../core/bibliography/libraryStore";
import { parseLibraryFile } from "../../core/bibliography/libraryParser";
import { LibraryItemCache } from "../../core/bibliography/libraryCache";
import { resolveCacheDir } from "../../core/index/cache";
import { fileCatalog, warmLibraryReadings } from "../../core/bibliography/libraryCatalog";
import { bibliographyText, problemMessage } from "../../core/bibliography/messages";
import { warmStyle } from "../../core/bibliography/formatReference";
import type { LibraryFileData, LibraryProblem } from "../../core/bibliography/model";
import type { LibraryContext } from "../../core/features/libraryFeatures";
import { LineIndex } from "../../core/lineIndex";
import { collectGarbage } from "../../core/memory";
import { toRange, toSeverity } from "../convert";
import type { ServerContext } from "../server";
import { pathToUri, uriToPath } from "./drafts";

export interface LibraryView extends DraftLibrary {
  /** What the library features need (style, locale, how paths are shown). */
  context: LibraryContext;
  root: string;
}

/** Diagnostic codes of library problems (not in the source catalogue: they are about files, not drafts' claims). */
export const LIBRARY_PROBLEM_CODES = {
  file: "bibliography-file",
  entry: "bibliography-entry",
  duplicate: "bibliography-duplicate-key",
  notFound: "bibliography-not-found",
} as const;

function codeOf(p: LibraryProblem): string {
  if (p.kind === "duplicate-key") return LIBRARY_PROBLEM_CODES.duplicate;
  if (p.kind === "file-syntax" || p.kind === "file-unreadable") return LIBRARY_PROBLEM_CODES.file;
  return LIBRARY_PROBLEM_CODES.entry;
}

export class LibraryService {
  readonly store: LibraryStore;
  /** Last diagnostics sent per library file URI (JSON), so unchanged ones are not sent again. */
  private readonly published = new Map<string, string>();
  /** Duplicate-key problems found by each draft's library, by draft URI. */
  private readonly duplicates = new Map<string, LibraryProblem[]>();
  private readonly warmed = new WeakSet<LibraryFileData>();
  private readonly styles = new Map<string, { at: number; style: string; note?: string }>();
  private readonly pendingWarm: { files: LibraryFileData[]; tokenizer: Parameters<typeof warmLibraryReadings>[1] | undefined }[] = [];
  /** What each library file's diagnostics were last made from (its problems array, the duplicates' ids). */
  private readonly lastPublished = new Map<string, { own: readonly LibraryProblem[]; signature: string }>();
  /** `shutten.cache.directory` as the last draft's settings gave it (null: the default folder). */
  private cacheSetting: string | null = null;

  constructor(private readonly ctx: ServerContext) {
    const log = (level: "info" | "warn" | "error", message: string) =>
      level === "error" ? ctx.connection.console.error(message) : level === "warn" ? ctx.connection.console.warn(message) : ctx.connection.console.info(message);
    // Items already read (this session or an earlier one: the cache folder the settings name, as
    // the corpus index uses) are not parsed again.
    const cache = new LibraryItemCache(() => resolveCacheDir({ setting: this.cacheSetting }));
    this.store = new LibraryStore({ parse: (path, bytes, early) => parseLibraryFile(path, bytes, { cache, early }), log });
  }

  /** The library a document cites from, its style and how its paths are shown. */
  viewFor(doc: TextDocument): Promise<LibraryView> {
    return this.viewForText(doc.uri, doc.getText());
  }

  /**
   * What a draft's diagnostics need: the same, except that a large library file still being parsed
   * takes part with its keys alone (`reading` settles when it is read: check the draft again then).
   */
  keysViewFor(doc: TextDocument): Promise<LibraryView> {
    return this.viewForText(doc.uri, doc.getText(), true);
  }

  /** The same for a draft's text (`""` for the project's shared library alone). */
  async viewForText(uri: string, text: string, keysFirst = false): Promise<LibraryView> {
    const settings = await this.ctx.settingsFor(uri);
    this.cacheSetting = settings.cache.directory || null;
    const project = this.ctx.projectFor(uri);
    const root = project.root;
    const draft = await this.store.libraryFor({ draftPath: uriToPath(uri), draftText: text, root, settingPaths: settings.bibliography }, { keysFirst });
    const style = this.styleFor(settings.citationStyle, root, draft);
    const locale = this.ctx.locale;
    const show = (p: string) => {
      const r = relative(root, p);
      return r && !r.startsWith("..") && !r.startsWith(sep) ? r.split(sep).join("/") : p;
    };
    // Problems, catalogue and readings wait for the files to be read.
    if (!draft.reading) this.afterLoad(uri, draft, project.host.current?.tokenizer);
    return { ...draft, root, context: { library: draft.library, style: style.style, styleNote: style.note, locale, relative: show } };
  }

  private styleFor(setting: string, root: string, draft: DraftLibrary): { style: string; note?: string } {
    const id = `${root}\u0000${setting}\u0000${draft.csl?.path ?? ""}`;
    const known = this.styles.get(id);
    if (known && Date.now() - known.at < 3_000) return known;
    const r = this.store.styleFor(setting, root, draft.csl);
    const entry = { at: Date.now(), style: r.style, note: r.problem ? bibliographyText(this.ctx.locale).styleProblem(r.problem.style, r.problem.why) : undefined };
    this.styles.set(id, entry);
    return entry;
  }

  /** Publishes the library files' problems, and reads new files' Japanese titles in the background. */
  private afterLoad(draftUri: string, draft: DraftLibrary, tokenizer: Parameters<typeof warmLibraryReadings>[1] | undefined): void {
    const inline = draft.library.files.find((f) => f.path === uriToPath(draftUri));
    this.duplicates.set(
      draftUri,
      draft.library.duplicates.filter((p) => p.path !== inline?.path),
    );
    const files = draft.library.files.filter((f) => f !== inline);
    for (const f of files) this.publish(f.path);
    const fresh = files.filter((f) => !this.warmed.has(f));
    if (!fresh.length) return;
    for (const f of fresh) this.warmed.add(f);
    this.pendingWarm.push({ files: fresh, tokenizer });
    // Normally started once the draft's diagnostics are out (`startWarm`); this covers a library
    // first asked for by another request.
    setTimeout(() => this.startWarm(), 3_000).unref?.();
  }

  /**
   * Builds what was deferred while a library loaded — the completion catalogue, citeproc's engine,
   * then the kana readings in slices between requests — once the draft's diagnostics (which need
   * only the keys) are out. A completion asked for before builds the catalogue itself.
   */
  startWarm(): void {
    if (!this.pendingWarm.length) return;
    const jobs = this.pendingWarm.splice(0);
    setImmediate(() => {
      for (const job of jobs) for (const f of job.files) fileCatalog(f);
      try {
        warmStyle();
      } catch {
        /* formatting falls back to a plain card */
      }
      const tokenizer = jobs.find((j) => j.tokenizer)?.tokenizer;
      const files = jobs.flatMap((j) => j.files);
      if (tokenizer) void warmLibraryReadings(files, tokenizer).then(() => setTimeout(collectGarbage, 200));
      else setTimeout(collectGarbage, 200);
    });
  }

  /** Sends a library file's diagnostics (its own problems and the duplicates drafts found in it) when they changed. */
  publish(path: string): void {
    const own = this.store.problemsOf(path);
    const problems = [...own];
    const seen = new Set<string>();
    for (const list of this.duplicates.values())
      for (const p of list) {
        const id = `${p.path}:${p.span.start}:${p.key}`;
        if (p.path !== path || seen.has(id)) continue;
        seen.add(id);
        problems.push(p);
      }
    // Asked on every keystroke of a draft: nothing is read or sent unless the file's problems changed.
    const signature = [...seen].join("\u0000");
    const last = this.lastPublished.get(path);
    if (last && last.own === own && last.signature === signature) return;
    this.lastPublished.set(path, { own, signature });
    const uri = pathToUri(path);
    let diagnostics: Diagnostic[] = [];
    if (problems.length) {
      let text = "";
      try {
        text = readFileSync(path, "utf8").replace(/^\uFEFF/, "");
      } catch {
        /* a file that is gone: its problem sits at the start */
      }
      const lines = new LineIndex(text);
      diagnostics = problems.map((p) => ({
        range: toRange(lines, p.span),
        severity: toSeverity(p.severity),
        source: "shutten",
        code: codeOf(p),
        message: problemMessage(p, this.ctx.locale, (other) => relative(dirname(path), other).split(sep).join("/") || other),
      }));
    }
    const json = JSON.stringify(diagnostics);
    if ((this.published.get(uri) ?? "[]") === json) return;
    this.published.set(uri, json);
    void this.ctx.connection.sendDiagnostics({ uri, diagnostics });
  }

  /** A draft's own library problems: bibliography files it names that do not exist, its broken inline references. */
  draftDiagnostics(doc: TextDocument, view: LibraryView, lines: LineIndex): Diagnostic[] {
    const t = bibliographyText(this.ctx.locale);
    const out: Diagnostic[] = view.missing.map((m) => ({
      range: toRange(lines, m.span),
      severity: toSeverity("error"),
      source: "shutten",
      code: LIBRARY_PROBLEM_CODES.notFound,
      message: t.notFound(m.value),
    }));
    const draftPath = uriToPath(doc.uri) ?? "untitled";
    const inline = view.library.files.find((f) => f.path === draftPath);
    const own = [...(inline?.problems ?? []), ...view.library.duplicates.filter((p) => p.path === draftPath)];
    for (const p of own) out.push({ range: toRange(lines, p.span), severity: toSeverity(p.severity), source: "shutten", code: codeOf(p), message: problemMessage(p, this.ctx.locale, view.context.relative) });
    return out;
  }

  /** A watcher's events: true when a library file (or a file a library glob may match, or a style) changed. */
  invalidate(paths: string[]): boolean {
    const style = paths.some((p) => /\.csl$/i.test(p));
    const hit = this.store.invalidate(paths) || style;
    if (hit) this.styles.clear();
    return hit;
  }

  /** Settings changed: re-stat every file, forget expanded globs and styles. */
  clear(): void {
    this.store.clear();
    this.styles.clear();
  }

  forget(draftUri: string): void {
    this.duplicates.delete(draftUri);
  }
}
