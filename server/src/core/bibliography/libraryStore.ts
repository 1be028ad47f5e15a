/**
 * Loads and keeps the library files drafts use, and answers "which library does this draft cite
 * from?": the draft's inline `references:`, its `bibliography:` files (relative to the draft, else
 * to the project folder — Pandoc run from either finds them), the setting `shutten.bibliography`
 * (paths or globs) and the CLI's `--bibliography` files, in that order of precedence.
 *
 * A file is read once per version (size and mtime): a watcher's event (`invalidate`) or, for
 * clients without one, a stat at most every few seconds notices a change; only that file is read
 * again, and the library of each draft is recombined from the files' parsed data. Large files are
 * parsed off the main thread when the bundle's worker is present (`parse` option).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { pushAll } from "../arrays";
import { globToRegExp } from "../corpus/glob";
import type { Span } from "../model";
import { draftBibliography } from "./draftBibliography";
import { formatOfPath } from "./csl";
import { DEFAULT_STYLE, isBundledStyle, registerStyleFile } from "./formatReference";
import { ReferenceLibrary } from "./library";
import type { LibraryFileData, LibraryProblem } from "./model";
import { parseLibraryBytes, unreadableFile } from "./parseLibrary";

export interface LibraryRequest {
  /** The draft's absolute path (null for an unsaved draft) and its text. */
  draftPath: string | null;
  draftText: string;
  /** The project folder: setting paths and, second, a draft's paths are resolved against it. */
  root: string;
  /** `shutten.bibliography`: paths or globs, relative to `root` or absolute (`~/` allowed). */
  settingPaths?: readonly string[];
  /** More files (the CLI's `--bibliography`), absolute. */
  extraFiles?: readonly string[];
}

export interface DraftLibrary {
  library: ReferenceLibrary;
  /** `bibliography:` values of the draft whose file does not exist. */
  missing: { value: string; span: Span; path: string }[];
  /** Every file read for this draft (found or not), for watching. */
  paths: string[];
  /**
   * Only from `keysFirst`: some file is still being parsed and the library holds its keys alone
   * (enough to tell a known key from an unknown one); settles when every file is read.
   */
  reading?: Promise<void>;
  /** The draft's `csl:` style file, resolved. */
  csl: { value: string; path: string; span: Span } | null;
}

export interface LibraryStoreOptions {
  /**
   * Parses a file's bytes (default: `parseLibraryBytes` on this thread). A parser that reads a large
   * file on workers may first tell its keys (`early`, `keysOnly` data) for `libraryFor`'s `keysFirst`.
   */
  parse?: (path: string, bytes: Uint8Array, early: (keys: LibraryFileData) => void) => Promise<LibraryFileData> | LibraryFileData;
  log?: (level: "info" | "warn" | "error", message: string) => void;
  /** How long a file's stat is trusted without a watcher event (ms). */
  statIntervalMs?: number;
}

interface FileState {
  /** `size:mtime` of what `data` holds; null when the file does not exist. */
  version: string | null;
  data: LibraryFileData;
  checkedAt: number;
  loading?: Promise<FileState>;
  /** While loading: the file's keys once the parser lists them, or null when it finished without. */
  keys?: Promise<LibraryFileData | null>;
}

const GLOB_CHARS = /[*?{}[\]]/;
/** Files a glob may match (the rest of the tree is not walked deeper than this). */
const MAX_GLOB_FILES = 2_000;
const MAX_GLOB_DEPTH = 12;

function expandHome(p: string): string {
  return p === "~" ? homedir() : p.startsWith("~/") || p.startsWith("~\\") ? join(homedir(), p.slice(2)) : p;
}

/** The static folder part of a glob (`refs/**\/*.bib` → `refs`). */
function globBase(glob: string): string {
  const parts = glob.split("/");
  const fixed: string[] = [];
  for (const p of parts) {
    if (GLOB_CHARS.test(p)) break;
    fixed.push(p);
  }
  return fixed.join("/");
}

/** Files under `base` whose path (relative to `from`, `/`-separated) matches `re`. */
function walkGlob(base: string, from: string, re: RegExp): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > MAX_GLOB_DEPTH || out.length >= MAX_GLOB_FILES) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p, depth + 1);
      else if (formatOfPath(p) && re.test(relative(from, p).split(sep).join("/"))) out.push(p);
    }
  };
  walk(base, 0);
  return out;
}

export class LibraryStore {
  private readonly files = new Map<string, FileState>();
  private readonly combined = new Map<string, ReferenceLibrary>();
  private readonly globs = new Map<string, { paths: string[]; at: number }>();
  private readonly parse: NonNullable<LibraryStoreOptions["parse"]>;
  private readonly statIntervalMs: number;
  private readonly told = new Set<string>();
  private readonly inlineIds = new WeakMap<LibraryFileData, number>();
  private nextInlineId = 1;
  /** The last library made with a file's keys alone (one slot: it holds the file's text till read). */
  private keysLibrary: { id: string; library: ReferenceLibrary } | null = null;

  constructor(private readonly options: LibraryStoreOptions = {}) {
    this.parse = options.parse ?? ((path, bytes) => parseLibraryBytes(bytes, path));
    this.statIntervalMs = options.statIntervalMs ?? 3_000;
  }

  /** Paths of every library file known (read, or named and missing). */
  knownPaths(): string[] {
    return [...this.files.keys()];
  }

  isLibraryFile(path: string): boolean {
    return this.files.has(path);
  }

  /** The problems of one file as last read (its own: syntax, unreadable entries, in-file duplicates). */
  problemsOf(path: string): LibraryProblem[] {
    const s = this.files.get(path);
    if (!s || s.version === null) return [];
    return s.data.problems;
  }

  /**
   * Marks files as changed (a watcher's event). Returns true when one of them is, or may now be, a
   * library file (a known one, or a new file where a glob could match).
   */
  invalidate(paths: readonly string[]): boolean {
    let hit = false;
    for (const p of paths) {
      const s = this.files.get(p);
      if (s) {
        s.checkedAt = 0;
        hit = true;
      } else if (formatOfPath(p) && this.globs.size) hit = true;
    }
    if (hit) this.globs.clear();
    return hit;
  }

  /** Forgets everything (settings changed, or a reindex). */
  clear(): void {
    for (const s of this.files.values()) s.checkedAt = 0;
    this.globs.clear();
  }

  /** The current data of one file, reading it when it is new or changed. */
  async file(path: string): Promise<FileState> {
    const s = this.files.get(path);
    if (s?.loading) return s.loading;
    if (s && Date.now() - s.checkedAt < this.statIntervalMs) return s;
    let tell: (keys: LibraryFileData | null) => void = () => {};
    const keys = new Promise<LibraryFileData | null>((resolve) => (tell = resolve));
    const load = this.refresh(path, s, (k) => tell(k)).finally(() => tell(null));
    if (s) Object.assign(s, { loading: load, keys });
    else this.files.set(path, { version: null, data: unreadableFile(path, "not-found", ""), checkedAt: 0, loading: load, keys });
    return load;
  }

  /** A file's data, or — while a large file is parsed — its keys as soon as they are listed. */
  private async fileOrKeys(path: string): Promise<{ state: FileState; keys?: LibraryFileData }> {
    const load = this.file(path);
    const keys = this.files.get(path)?.keys;
    if (!keys) return { state: await load };
    return Promise.race([load.then((state) => ({ state })), keys.then(async (k) => (k ? { state: { version: "reading", data: k, checkedAt: 0 }, keys: k } : { state: await load }))]);
  }

  private async refresh(path: string, prior: FileState | undefined, early: (keys: LibraryFileData) => void): Promise<FileState> {
    let version: string | null = null;
    try {
      const st = await stat(path);
      version = st.isFile() ? `${st.size}:${st.mtimeMs}` : null;
    } catch {
      version = null;
    }
    let next: FileState;
    if (prior && prior.version === version) next = { ...prior, checkedAt: Date.now() };
    else if (version === null) next = { version, data: unreadableFile(path, "not-found", ""), checkedAt: Date.now() };
    else {
      let data: LibraryFileData;
      try {
        data = await this.parse(path, await readFile(path), early);
      } catch (e) {
        data = unreadableFile(path, "unreadable", e instanceof Error ? e.message : String(e));
      }
      const errors = data.problems.filter((p) => p.severity === "error").length;
      this.options.log?.(errors ? "warn" : "info", `shutten: read ${data.entries.length} references from ${path}${errors ? ` (${errors} problems)` : ""}`);
      next = { version, data, checkedAt: Date.now() };
    }
    next.loading = undefined;
    next.keys = undefined;
    this.files.set(path, next);
    this.keysLibrary = null;
    return next;
  }

  /** `shutten.bibliography` and `--bibliography` as absolute file paths (globs expanded). */
  resolveSettingPaths(root: string, patterns: readonly string[]): string[] {
    const out: string[] = [];
    for (const raw of patterns) {
      const p = expandHome(raw.trim());
      if (!p) continue;
      const posix = p.split(sep).join("/");
      if (!GLOB_CHARS.test(posix)) {
        out.push(isAbsolute(p) ? p : resolve(root, p));
        continue;
      }
      const id = `${root}\u0000${posix}`;
      let hit = this.globs.get(id);
      if (!hit || Date.now() - hit.at > 30_000) {
        const absolute = isAbsolute(p);
        const from = absolute ? "/" : root;
        const rel = absolute ? posix.replace(/^\/+/, "") : posix.replace(/^\.\//, "");
        const base = resolve(from, globBase(rel));
        hit = { paths: walkGlob(base, from, globToRegExp(rel)), at: Date.now() };
        this.globs.set(id, hit);
      }
      pushAll(out, hit.paths);
    }
    return [...new Set(out)];
  }

  /** Where a draft's `bibliography:` (or `csl:`) value points: beside the draft, else in the project folder. */
  resolveDraftPath(value: string, draftPath: string | null, root: string): string {
    const p = expandHome(value);
    if (isAbsolute(p)) return p;
    const besideDraft = draftPath ? resolve(dirname(draftPath), p) : null;
    if (besideDraft && (existsSync(besideDraft) || this.files.get(besideDraft)?.version)) return besideDraft;
    const inRoot = resolve(root, p);
    return existsSync(inRoot) ? inRoot : (besideDraft ?? inRoot);
  }

  /**
   * The library a draft cites from, and what its front matter names that is missing. `keysFirst`:
   * a large file still being parsed takes part with its keys alone (see `DraftLibrary.reading`).
   */
  async libraryFor(req: LibraryRequest, options: { keysFirst?: boolean } = {}): Promise<DraftLibrary> {
    const fm = draftBibliography(req.draftText, req.draftPath ?? "untitled");
    const named = fm.files.map((v) => ({ ...v, path: this.resolveDraftPath(v.value, req.draftPath, req.root) }));
    const shared = [...(req.extraFiles ?? []), ...this.resolveSettingPaths(req.root, req.settingPaths ?? [])];
    const paths = [...new Set([...named.map((n) => n.path), ...shared])];
    let reading: Promise<void> | undefined;
    let states: FileState[];
    if (options.keysFirst) {
      const got = await Promise.all(paths.map((p) => this.fileOrKeys(p)));
      states = got.map((g) => g.state);
      const pending = paths.filter((_, k) => got[k].keys);
      if (pending.length) reading = Promise.all(pending.map((p) => this.file(p))).then(() => undefined);
    } else states = await Promise.all(paths.map((p) => this.file(p)));
    const byPath = new Map(paths.map((p, k) => [p, states[k]]));
    const missing = named.filter((n) => byPath.get(n.path)?.version === null);
    for (const p of shared) {
      if (byPath.get(p)?.version !== null || this.told.has(p)) continue;
      this.told.add(p);
      this.options.log?.("warn", `shutten: bibliography file not found: ${p}`);
    }
    const files: LibraryFileData[] = [];
    if (fm.inline) files.push(fm.inline);
    for (const p of paths) {
      const s = byPath.get(p)!;
      if (s.version !== null) files.push(s.data);
    }
    const csl = fm.csl ? { ...fm.csl, path: this.resolveDraftPath(fm.csl.value, req.draftPath, req.root) } : null;
    return { library: this.combine(files, fm.inline), missing, paths, csl, ...(reading ? { reading } : {}) };
  }

  /** One library per distinct combination of file versions (recombining 20,000 entries per keystroke would show). */
  private combine(files: LibraryFileData[], inline: LibraryFileData | null): ReferenceLibrary {
    if (!files.length) return ReferenceLibrary.EMPTY;
    const id = files
      .map((f) => {
        if (f === inline) {
          let n = this.inlineIds.get(f);
          if (!n) this.inlineIds.set(f, (n = this.nextInlineId++));
          return `inline#${n}`;
        }
        return f.keysOnly ? `${f.path}@keys` : `${f.path}@${this.files.get(f.path)?.version}`;
      })
      .join("\u0000");
    if (files.some((f) => f.keysOnly)) {
      if (this.keysLibrary?.id !== id || this.keysLibrary.library.files.some((f, k) => f !== files[k])) this.keysLibrary = { id, library: new ReferenceLibrary(files, inline) };
      return this.keysLibrary.library;
    }
    let lib = this.combined.get(id);
    if (!lib || lib.files.some((f, k) => f !== files[k])) {
      lib = new ReferenceLibrary(files, inline);
      if (this.combined.size >= 16) this.combined.delete(this.combined.keys().next().value as string);
      this.combined.set(id, lib);
    }
    return lib;
  }

  /**
   * The CSL style to format with: the draft's `csl:` file, else the setting (a bundled style's name
   * or a file path), else Chicago author-date. `problem` says why a named style was not used.
   */
  styleFor(setting: string, root: string, draftCsl: DraftLibrary["csl"]): { style: string; problem?: { style: string; why: string } } {
    const named = draftCsl?.value ?? setting.trim();
    if (!named || isBundledStyle(named)) return { style: named || DEFAULT_STYLE };
    const bare = named.replace(/\.csl$/i, "");
    if (isBundledStyle(bare) && !named.includes("/") && !named.includes(sep)) return { style: bare };
    const path = draftCsl?.path ?? (isAbsolute(expandHome(named)) ? expandHome(named) : resolve(root, expandHome(named)));
    try {
      const st = statSync(path);
      const r = registerStyleFile(path, `${st.size}:${st.mtimeMs}`, readFileSync(path, "utf8"));
      if ("name" in r) return { style: r.name };
      return { style: DEFAULT_STYLE, problem: { style: named, why: r.error } };
    } catch (e) {
      return { style: DEFAULT_STYLE, problem: { style: named, why: (e as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(e) } };
    }
  }
}
