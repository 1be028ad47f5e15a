/**
 * One library file, from its bytes: encoding detected as for corpus files (UTF-8 with or without
 * BOM, UTF-16, Shift_JIS, EUC-JP; an old Latin-1 `.bib` is read as Latin-1 and said so), the format
 * from the extension, then the format's reader. Never throws: what cannot be read is a problem.
 */
import { decodeBytes } from "../corpus/decode";
import { parseBibtex, splitBibtex, type BibSelection } from "./bibtex";
import { formatOfPath, parseCslJson, parseCslYaml, splitJsonArray } from "./csl";
import type { LibraryFileData, LibraryFormat, LibraryProblemReason } from "./model";

/** Reads a library text; `part` (BibTeX and CSL-JSON) only its items `from`…`to`, for workers sharing a file. */
export function parseLibraryText(text: string, path: string, format: LibraryFormat, part?: BibSelection): LibraryFileData {
  switch (format) {
    case "bibtex":
      return parseBibtex(text, path, part);
    case "csl-json":
      return parseCslJson(text, path, part);
    case "csl-yaml":
      return part && ("indices" in part || part.from > 0) ? { path, format, entries: [], problems: [] } : parseCslYaml(text, path);
  }
}

/** A file that could not be read at all, as a library with one problem. */
export function unreadableFile(path: string, reason: LibraryProblemReason, detail: string, format: LibraryFormat = formatOfPath(path) ?? "bibtex"): LibraryFileData {
  return { path, format, entries: [], problems: [{ path, kind: "file-unreadable", severity: "error", span: { start: 0, end: 0 }, line: 0, reason, detail }] };
}

/** Decodes a library file's bytes: the text, or why it cannot be read. */
export function decodeLibrary(bytes: Uint8Array): { text: string; note?: string } | { error: string } {
  const d = decodeBytes(bytes);
  if (d.ok) return { text: d.text };
  if (d.code === "binary") return { error: d.reason };
  // BibTeX files from before UTF-8 are often Latin-1: every byte is a character there.
  return { text: Buffer.from(bytes).toString("latin1"), note: `not UTF-8 (${d.reason}): read as Latin-1` };
}

/** How many items a library text has, counted cheaply (for sharing it between workers); null when not countable. */
export function countItems(text: string, format: LibraryFormat): number | null {
  if (format === "bibtex") return splitBibtex(text).filter((c) => c.kind === "entry").length;
  if (format === "csl-json") return splitJsonArray(text)?.elements.length ?? null;
  return null;
}

export function parseLibraryBytes(bytes: Uint8Array, path: string): LibraryFileData {
  const format = formatOfPath(path);
  if (!format) return unreadableFile(path, "unknown-format", "");
  const decoded = decodeLibrary(bytes);
  if ("error" in decoded) return unreadableFile(path, "binary", decoded.error, format);
  const data = parseLibraryText(decoded.text, path, format);
  if (decoded.note) data.problems.unshift({ path, kind: "file-unreadable", severity: "warning", span: { start: 0, end: 0 }, line: 0, reason: "latin1", detail: decoded.note });
  return data;
}
