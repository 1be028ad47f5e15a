/**
/**
 * `shutten check [--corpus DIR] [--bibliography FILE]… [--format text|json|sarif|github] [--lang en|ja] FILE…|DIR…`
 *
 * Without `--corpus`, each draft is checked against the nearest corpus above it (said on stderr). A
 * draft in another encoding is decoded (and said); a binary or undecodable one is refused (exit 2).
 * Citation keys are looked up in the corpus and in each draft's reference library: its front
 * matter's `bibliography:` and `references:`, the settings' `bibliography` (`--config`) and every
 * `--bibliography FILE`. Problems of library files go to stderr (`file:line: severity: message`),
 * once per file, like the corpus's.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { parseLibraryFile } from "../core/bibliography/libraryParser";
import { LibraryItemCache } from "../core/bibliography/libraryCache";
import { LibraryStore } from "../core/bibliography/libraryStore";
import { bibliographyText, problemMessage } from "../core/bibliography/messages";
import { checkDraft } from "../core/check/checkDraft";
import type { Locale } from "../core/check/messages";
import { decodeBytes } from "../core/corpus/decode";
import { badlyEncodedNamesSync, badNameMessage } from "../core/corpus/fileNames";
import { resolveCacheDir } from "../core/index/cache";
import { LineIndex } from "../core/lineIndex";
import { resolveSettings } from "../core/settings";
import { parseArgs, UsageError, type CliIo } from "./cliIo";
import { cliLocale, cliText } from "./cliText";
import { openCorpus } from "./corpusHostCli";
import { chooseCorpus, findCorpusUpwards, searchStart, type ChosenCorpus } from "./corpusDiscovery";
import { formatGithub, formatJson, formatSarif, formatText, type CliDiagnostic } from "./formatters";

const DRAFT_EXT = /\.(md|markdown)$/i;

/**
 * Markdown files under the given paths (folders walked, skipping node_modules, dot folders and the
 * corpus). A file whose name is not valid UTF-8 cannot be opened by name: it is reported, not lost.
 */
function collectDrafts(paths: string[], cwd: string, corpusDir: string, report: (line: string) => void): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (abs: string, depth: number) => {
    if (depth > 40) return;
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      const why = code === "ENOENT" && abs.includes("\ufffd") ? "the file name is not valid UTF-8 (the shell passed bytes that are not UTF-8); rename it to UTF-8" : code;
      throw new UsageError(`cannot read ${relative(cwd, abs) || abs}: ${why}`);
    }
    if (st.isDirectory()) {
      if (abs === corpusDir || abs.startsWith(corpusDir + sep)) return;
      const names = readdirSync(abs).sort();
      const bad = badlyEncodedNamesSync(abs, names);
      for (const name of names) {
        if (name === "node_modules" || name.startsWith(".")) continue;
        const child = join(abs, name);
        const description = bad.get(name);
        if (description !== undefined) {
          if (DRAFT_EXT.test(name)) report(`${relative(cwd, child) || child}: error: ${badNameMessage(description)}\n`);
          continue;
        }
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

/** Encodings named as writers know them. */
const ENCODING_NAMES: Record<string, string> = { "utf-8": "UTF-8", "utf-16le": "UTF-16LE", "utf-16be": "UTF-16BE", shift_jis: "Shift_JIS (CP932)", "euc-jp": "EUC-JP", "iso-2022-jp": "ISO-2022-JP" };

/** A draft's text: UTF-8 as usual, another encoding detected (and said), or refused with the reason. */
function readDraft(file: string): { text: string; encoding: string } | { refused: string } | { unreadable: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    return { unreadable: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
  const decoded = decodeBytes(bytes);
  if (!decoded.ok) return { refused: decoded.reason };
  return { text: decoded.text, encoding: decoded.encoding };
}

export async function runCheck(args: string[], io: CliIo): Promise<number> {
  const { options, positional, lists } = parseArgs(args, ["corpus", "format", "lang", "config"], [], ["bibliography"]);
  const format = (options.format as string) ?? "text";
  if (!["text", "json", "sarif", "github"].includes(format)) throw new UsageError(`unknown format '${format}' (text, json, sarif, github)`);
  if (positional.length === 0) throw new UsageError("shutten check needs at least one draft file or folder");
  const locale: Locale = cliLocale(options);
  const t = cliText(locale);
  // Each draft is checked against its project's corpus: the one given, else the nearest one above it.
  const groups = new Map<string, { corpus: ChosenCorpus; paths: string[] }>();
  for (const p of positional) {
    const abs = resolve(io.cwd, p);
    const corpus = typeof options.corpus === "string" ? chooseCorpus(options.corpus, io.cwd, { ...io, stderr: () => {} }, locale) : discovered(abs);
    const group = groups.get(corpus.abs) ?? { corpus, paths: [] };
    group.paths.push(p);
    groups.set(corpus.abs, group);
  }
  function discovered(abs: string): ChosenCorpus {
    const start = searchStart(abs);
    const known = [...groups.values()].find((g) => g.corpus.discovered && findCorpusUpwards(start) === g.corpus.abs);
    return known ? known.corpus : chooseCorpus(undefined, start, io, locale);
  }
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

  // Every draft cites from its own library; the files are read once for all of them.
  const cache = new LibraryItemCache(resolveCacheDir({ setting: settings.cache.directory || null }));
  const store = new LibraryStore({ parse: (path, bytes) => parseLibraryFile(path, bytes, { cache }) });
  const extraFiles = (lists.bibliography ?? []).map((f) => resolve(io.cwd, f));
  for (const f of extraFiles) if (!existsSync(f)) throw new UsageError(`bibliography file not found: ${f}`);
  const shown = (p: string) => relative(io.cwd, p) || p;
  const reported = new Set<string>();
  const report = (path: string, line: number, severity: string, message: string) => {
    const text = `${shown(path)}:${line + 1}: ${t.severity[severity as keyof typeof t.severity] ?? severity}: ${message}\n`;
    if (reported.has(text)) return;
    reported.add(text);
    io.stderr(text);
  };

  const all: CliDiagnostic[] = [];
  let ioError = false;
  for (const { corpus, paths } of groups.values()) {
    const files = collectDrafts(paths, io.cwd, corpus.abs, (line) => {
      io.stderr(line);
      ioError = true;
    });
    // The corpus host of the language server: warm from the index snapshot when there is one.
    const { host, loaded } = await openCorpus(corpus.abs, io);
    host.dispose();
    const { index, tokenizer, aliases } = loaded;
    for (const p of index.problems) io.stderr(`${shown(p.path)}: ${t.severity[p.severity] ?? p.severity}: ${p.message}\n`);
    for (const file of files) {
      const read = readDraft(file);
      if ("unreadable" in read) {
        io.stderr(t.draftUnreadable(shown(file), read.unreadable));
        ioError = true;
        continue;
      }
      if ("refused" in read) {
        // Binary or undecodable: never checked as mojibake; said, and listed with the findings.
        io.stderr(t.draftRefused(shown(file), read.refused));
        all.push({ file: shown(file), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: "error", code: "draft-unreadable", message: t.refusedMessage(read.refused) });
        ioError = true;
        continue;
      }
      if (read.encoding !== "utf-8") io.stderr(t.draftDecoded(shown(file), ENCODING_NAMES[read.encoding] ?? read.encoding));
      const text = read.text;
      const lines = new LineIndex(text);
      const view = await store.libraryFor({ draftPath: file, draftText: text, root: io.cwd, settingPaths: settings.bibliography, extraFiles });
      for (const m of view.missing) report(file, lines.lineAt(m.span.start), "error", bibliographyText(locale).notFound(m.value));
      for (const p of view.library.problems()) report(p.path, p.line, p.severity, problemMessage(p, locale, shown));
      for (const f of checkDraft(text, { index, tokenizer, aliases, settings, locale, library: view.library })) {
        all.push({ file: shown(file), range: { start: lines.positionAt(f.span.start), end: lines.positionAt(f.span.end) }, severity: f.severity, code: f.code, message: f.message });
      }
    }
  }
  const version = process.env.SHUTTEN_VERSION ?? "0.1.0";
  io.stdout(format === "json" ? formatJson(all) : format === "sarif" ? formatSarif(all, version) : format === "github" ? formatGithub(all) : formatText(all, locale));
  if (ioError) return 2;
  return all.some((d) => d.severity === "error" || d.severity === "warning") ? 1 : 0;
}
