/**
 * `shutten check [--corpus DIR] [--bibliography FILE]… [--format text|json|sarif|github] [--lang en|ja] FILE…|DIR…`
 *
 * Citation keys are looked up in the corpus and in each draft's reference library: its front
 * matter's `bibliography:` and `references:`, the settings' `bibliography` (`--config`) and every
 * `--bibliography FILE`. Problems of library files go to stderr (`file:line: severity: message`),
 * once per file, like the corpus's.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { parseLibraryFile } from "../core/bibliography/libraryParser";
import { LibraryItemCache } from "../core/bibliography/libraryCache";
import { resolveCacheDir } from "../core/index/cache";
import { LibraryStore } from "../core/bibliography/libraryStore";
import { bibliographyText, problemMessage } from "../core/bibliography/messages";
import { join, relative, resolve, sep } from "node:path";
import { checkDraft } from "../core/check/checkDraft";
import { localeFromEnv, type Locale } from "../core/check/messages";
import { LineIndex } from "../core/lineIndex";
import { resolveSettings } from "../core/settings";
import { parseArgs, UsageError, type CliIo } from "./cliIo";
import { openCorpus } from "./corpusHostCli";
import { formatGithub, formatJson, formatSarif, formatText, type CliDiagnostic } from "./formatters";

const DRAFT_EXT = /\.(md|markdown)$/i;

/** Markdown files under the given paths (folders walked, skipping node_modules, dot folders and the corpus). */
function collectDrafts(paths: string[], cwd: string, corpusDir: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (abs: string, depth: number) => {
    if (depth > 40) return;
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      throw new UsageError(`cannot read ${relative(cwd, abs) || abs}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    if (st.isDirectory()) {
      if (abs === corpusDir || abs.startsWith(corpusDir + sep)) return;
      for (const name of readdirSync(abs).sort()) {
        if (name === "node_modules" || name.startsWith(".")) continue;
        const child = join(abs, name);
        try {
          if (statSync(child).isDirectory() || DRAFT_EXT.test(name)) walk(child, depth + 1);
        } catch {
          /* unreadable or dangling entry inside a folder: skipped */
        }
      }
    } else if (!seen.has(abs)) {
      seen.add(abs);
      out.push(abs);
    }
  };
  for (const p of paths) walk(resolve(cwd, p), 0);
  return out;
}

export async function runCheck(args: string[], io: CliIo): Promise<number> {
  const { options, positional, lists } = parseArgs(args, ["corpus", "format", "lang", "config"], [], ["bibliography"]);
  const format = (options.format as string) ?? "text";
  if (!["text", "json", "sarif", "github"].includes(format)) throw new UsageError(`unknown format '${format}' (text, json, sarif, github)`);
  if (positional.length === 0) throw new UsageError("shutten check needs at least one draft file or folder");
  const locale: Locale = options.lang === "ja" || options.lang === "en" ? options.lang : localeFromEnv();
  const corpusDir = resolve(io.cwd, (options.corpus as string) ?? "corpus");
  try {
    if (!statSync(corpusDir).isDirectory()) throw new Error();
  } catch {
    throw new UsageError(`corpus folder not found: ${options.corpus ?? "corpus"}`);
  }
  const files = collectDrafts(positional, io.cwd, corpusDir);
  let settingsRaw: unknown = undefined;
  if (options.config) {
    try {
      settingsRaw = JSON.parse(readFileSync(resolve(io.cwd, options.config as string), "utf8"));
      settingsRaw = (settingsRaw as Record<string, unknown>).shutten ?? settingsRaw;
    } catch (e) {
      throw new UsageError(`cannot read settings ${options.config}: ${e instanceof Error ? e.message : e}`);
    }
  }
  const settings = resolveSettings(settingsRaw);

  // The corpus host of the language server: warm from the index snapshot when there is one.
  const { host, loaded } = await openCorpus(corpusDir, io);
  host.dispose();
  const { index, tokenizer, aliases } = loaded;
  for (const p of index.problems) io.stderr(`${relative(io.cwd, p.path) || p.path}: ${p.severity}: ${p.message}\n`);

  // Every draft cites from its own library; the files are read once for all of them.
  const cache = new LibraryItemCache(resolveCacheDir({ setting: settings.cache.directory || null }));
  const store = new LibraryStore({ parse: (path, bytes) => parseLibraryFile(path, bytes, { cache }) });
  const extraFiles = (lists.bibliography ?? []).map((f) => resolve(io.cwd, f));
  for (const f of extraFiles) if (!existsSync(f)) throw new UsageError(`bibliography file not found: ${f}`);
  const shown = (p: string) => relative(io.cwd, p) || p;
  const reported = new Set<string>();
  const report = (path: string, line: number, severity: string, message: string) => {
    const text = `${shown(path)}:${line + 1}: ${severity}: ${message}\n`;
    if (reported.has(text)) return;
    reported.add(text);
    io.stderr(text);
  };

  const all: CliDiagnostic[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new UsageError(`cannot read ${relative(io.cwd, file)}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    const lines = new LineIndex(text);
    const view = await store.libraryFor({ draftPath: file, draftText: text, root: io.cwd, settingPaths: settings.bibliography, extraFiles });
    for (const m of view.missing) report(file, lines.lineAt(m.span.start), "error", bibliographyText(locale).notFound(m.value));
    for (const p of view.library.problems()) report(p.path, p.line, p.severity, problemMessage(p, locale, shown));
    for (const f of checkDraft(text, { index, tokenizer, aliases, settings, locale, library: view.library })) {
      all.push({ file: shown(file), range: { start: lines.positionAt(f.span.start), end: lines.positionAt(f.span.end) }, severity: f.severity, code: f.code, message: f.message });
    }
  }
  const version = process.env.SHUTTEN_VERSION ?? "0.1.0";
  io.stdout(format === "json" ? formatJson(all) : format === "sarif" ? formatSarif(all, version) : format === "github" ? formatGithub(all) : formatText(all));
  return all.some((d) => d.severity === "error" || d.severity === "warning") ? 1 : 0;
}
