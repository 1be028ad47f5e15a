/**
 * Shutten's custom protocol messages, shared by the client (client/src) and the server (lsp/).
 * esbuild bundles this file into both, so it holds only names and plain types: no node-only or
 * vscode imports. Positions are LSP positions (0-based lines, UTF-16 characters).
 */

/** A range as LSP has it, repeated here so the file imports nothing. */
export interface ProtocolRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** A place in a corpus file. */
export interface ProtocolLocation {
  uri: string;
  range: ProtocolRange;
}

/** `shutten/reindex` (client → server): rebuild every project's index; resolves when done. */
export const ReindexRequest = "shutten/reindex";
export interface ReindexResult {
  ok: boolean;
}

/** `shutten/status` (client → server): per project, how many sources are indexed and whether a build runs. */
export const StatusRequest = "shutten/status";
export interface ProjectStatus {
  root: string;
  sources: number;
  problems: number;
  indexing: boolean;
}

/** `shutten/indexProgress` (server → client notification): indexing progress of a project. */
export const IndexProgressNotification = "shutten/indexProgress";
export interface IndexProgressParams {
  root: string;
  done: number;
  total: number;
  phase: "scan" | "analyse" | "index" | "ready";
}

/** Which project a custom request is about: the document's (`uri`), else the first workspace folder's. */
export interface ProjectParams {
  uri?: string;
}

/** `shutten/sources` (client → server): every source of the project, for the Sources view and quick picks. */
export const SourcesRequest = "shutten/sources";
export interface SourceSummary {
  key: string;
  title: string | null;
  outlet: string | null;
  published: string | null;
  url: string | null;
  /** The corpus file, as a file:// URI. */
  uri: string;
  /** Where the article body starts in the file (go to source opens here). */
  range: ProtocolRange;
  quotes: number;
  events: number;
}

/** `shutten/pickItems` (client → server): what *Insert citation* offers — sources, speech quotes, events. */
export const PickItemsRequest = "shutten/pickItems";
export interface PickItem {
  kind: "source" | "quote" | "event";
  /** One line, shown in the quick pick. */
  label: string;
  description: string;
  detail: string;
  key: string;
  /** Text to insert at the cursor: `[@key]`, or `「quote」[@key]`. */
  insertText: string;
}

/** `shutten/timeline` (client → server): the corpus's events by date, with their sources and conflicts. */
export const TimelineRequest = "shutten/timeline";
export interface TimelineEvent {
  /** `YYYY-MM-DD`, `YYYY-MM`, `--MM-DD`… (SPEC §6 partial dates). */
  date: string;
  predicate: string;
  participants: string[];
  place: string | null;
  key: string;
  /** The sentence that reports it. */
  sentence: string;
  location: ProtocolLocation;
}
export interface TimelineDay {
  date: string;
  events: TimelineEvent[];
}
/** Two sources that report the same kind of happening (predicate, participants, month) on different days. */
export interface TimelineConflict {
  predicate: string;
  participants: string[];
  a: { date: string; key: string; sentence: string };
  b: { date: string; key: string; sentence: string };
}
export interface TimelineResult {
  days: TimelineDay[];
  conflicts: TimelineConflict[];
}

/** `shutten/exportBibliography` (client → server): the corpus (or the keys given) as a bibliography file's text. */
export const ExportBibliographyRequest = "shutten/exportBibliography";
export type BibliographyFormat = "csl-json" | "bibtex" | "pandoc-yaml";
export interface ExportBibliographyParams extends ProjectParams {
  format: BibliographyFormat;
  /** Only these keys; every source when absent. */
  keys?: string[];
}
export interface ExportBibliographyResult {
  text: string;
  /** Suggested file extension, without the dot. */
  extension: string;
  count: number;
  /** Keys the format cannot hold (BibTeX: `a,b`), left out of `text`. */
  skipped?: string[];
}

/** `shutten/sourceAt` (client → server): the source of the citation key at a position, for *Show source*. */
export const SourceAtRequest = "shutten/sourceAt";
export interface SourceAtParams {
  uri: string;
  position: { line: number; character: number };
}
export type SourceAtResult = ProtocolLocation | null;
