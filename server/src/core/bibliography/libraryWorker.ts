/**
 * A worker thread (dist/libraryWorker.js) that reads part of a library file: citation-js takes about
 * a tenth of a millisecond per BibTeX entry, so a library of tens of thousands of entries is shared
 * between workers, and the language server's own thread stays free for requests meanwhile.
 */
import { parentPort } from "node:worker_threads";
import type { BibSelection } from "./bibtex";
import type { LibraryFileData, LibraryFormat } from "./model";
import { parseLibraryText } from "./parseLibrary";

export interface LibraryJob {
  id: number;
  text: string;
  path: string;
  format: LibraryFormat;
  part: BibSelection;
}

export type LibraryJobResult = { id: number; data: LibraryFileData } | { id: number; error: string };

parentPort?.on("message", (job: LibraryJob) => {
  let reply: LibraryJobResult;
  try {
    reply = { id: job.id, data: parseLibraryText(job.text, job.path, job.format, job.part) };
  } catch (e) {
    reply = { id: job.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort!.postMessage(reply);
});
