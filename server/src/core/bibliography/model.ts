/**
 * The data model of reference libraries: bibliography files (BibTeX/BibLaTeX, CSL-JSON, CSL YAML)
 * and a draft's inline `references:`, as Pandoc reads them. Plain data, UTF-16 offsets into each
 * file's text; nothing here knows of LSP or of the corpus.
 */
import type { Span } from "../model";

export type LibraryFormat = "bibtex" | "csl-json" | "csl-yaml";

/** One CSL item (CSL-JSON), as citation-js produces it. */
export type CslData = Record<string, unknown> & { id: string; type?: string };

/** A reference: one entry of a library file (or of a draft's `references:`). */
export interface LibraryEntry {
  key: string;
  /** Absolute path of the file that holds it (a draft's path for inline references). */
  path: string;
  format: LibraryFormat;
  /** The whole entry in its file. */
  span: Span;
  /** The key itself in its file (what a rename edits). */
  keySpan: Span;
  /** 0-based line of the entry's start. */
  line: number;
  /** Where the key is: 0-based line and UTF-16 character (so navigation needs no re-read of a large file). */
  keyPosition: { line: number; character: number };
  csl: CslData;
  /**
   * Only on an entry of a file listed before it was parsed (`LibraryFileData.keysOnly`): whether the
   * entry reads, found out by parsing it alone on first asking (its `csl` is a placeholder till then).
   */
  readable?: () => boolean;
}

/** What can be wrong with a library file or one of its entries. */
export type LibraryProblemKind =
  /** A BibTeX entry citation-js cannot read (the entry is skipped). */
  | "entry-syntax"
  /** An entry read after closing it (a `}` was missing): loaded, but the file should be fixed. */
  | "entry-unclosed"
  /** A JSON/YAML element that is not a CSL item, or has no `id`. */
  | "entry-invalid"
  /** The same key twice in one file, or in two files a draft uses together. */
  | "duplicate-key"
  /** A file's JSON/YAML syntax (what remains readable still loads). */
  | "file-syntax"
  /** A file that cannot be read (missing, unreadable, binary, unknown format). */
  | "file-unreadable";

export interface LibraryProblem {
  path: string;
  kind: LibraryProblemKind;
  severity: "error" | "warning";
  span: Span;
  /** 0-based line of `span.start`. */
  line: number;
  /** The entry's key when known. */
  key?: string;
  /** What exactly (messages.ts words it in English and Japanese). */
  reason: LibraryProblemReason;
  /** The parser's own words (English), or the other place of a duplicate (`refs.bib:12`). */
  detail: string;
}

export type LibraryProblemReason =
  | "missing-comma"
  | "missing-comma-fixed"
  | "unclosed"
  | "unclosed-fixed"
  | "no-equals"
  | "no-key"
  | "cjk-name-order"
  | "syntax"
  | "not-item"
  | "no-id"
  | "no-items"
  | "duplicate"
  | "unknown-format"
  | "binary"
  | "latin1"
  | "not-found"
  | "unreadable";

/** One parsed library file. */
export interface LibraryFileData {
  path: string;
  format: LibraryFormat;
  entries: LibraryEntry[];
  problems: LibraryProblem[];
  /**
   * A large file's keys, listed while its entries are still being parsed (on workers): enough for a
   * draft's diagnostics (which need only the keys), never for completion, hover or export. Its
   * problems are not known yet (none listed).
   */
  keysOnly?: boolean;
}
