/**
 * Parses library files for the store: small files on this thread; a large one (thousands of
 * entries) shared between worker threads (`libraryWorker.ts`, one per core, at most two), each
 * reading a contiguous part, the parts joined in file order — the same entries and problems as one
 * reading of the whole file. Workers are started on demand and stopped when idle.
 */
import { cpus } from "node:os";
import * as path from "node:path";
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { formatOfPath } from "./csl";
import type { LibraryFileData } from "./model";
import { countItems, decodeLibrary, parseLibraryText, unreadableFile } from "./parseLibrary";
import type { LibraryJob, LibraryJobResult } from "./libraryWorker";

/** Below this many entries a file is read on the calling thread (a worker's start costs more). */
export const PARALLEL_THRESHOLD = 3_000;
const IDLE_MS = 30_000;

/** The bundled worker script beside this bundle, or null (running from sources: no workers). */
export function libraryWorkerScript(): string | null {
  const p = path.join(__dirname, "libraryWorker.js");
  return existsSync(p) ? p : null;
}

class WorkerPool {
  private workers: Worker[] = [];
  private pending = new Map<number, { resolve(d: LibraryFileData): void; reject(e: Error): void }>();
  private nextId = 1;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly script: string,
    private readonly size: number,
  ) {}

  private start(): void {
    if (this.workers.length) return;
    for (let i = 0; i < this.size; i++) {
      const w = new Worker(this.script);
      w.unref();
      w.on("message", (m: LibraryJobResult) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if ("error" in m) p.reject(new Error(m.error));
        else p.resolve(m.data);
      });
      w.on("error", (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
        this.stop();
      });
      this.workers.push(w);
    }
  }

  stop(): void {
    for (const w of this.workers) void w.terminate();
    this.workers = [];
  }

  run(jobs: Omit<LibraryJob, "id">[]): Promise<LibraryFileData[]> {
    this.start();
    clearTimeout(this.idle);
    const all = jobs.map(
      (job, k) =>
        new Promise<LibraryFileData>((resolve, reject) => {
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject });
          this.workers[k % this.workers.length].postMessage({ ...job, id } satisfies LibraryJob);
        }),
    );
    const done = Promise.all(all);
    void done.finally(() => {
      if (this.pending.size === 0) this.idle = setTimeout(() => this.stop(), IDLE_MS).unref();
    });
    return done;
  }
}

let pool: WorkerPool | null | undefined;

function poolFor(): WorkerPool | null {
  if (pool === undefined) {
    const script = libraryWorkerScript();
    pool = script ? new WorkerPool(script, Math.max(1, Math.min(2, cpus().length))) : null;
  }
  return pool;
}

/** Joins parts read separately, in file order. */
export function joinParts(filePath: string, parts: LibraryFileData[]): LibraryFileData {
  return {
    path: filePath,
    format: parts[0].format,
    entries: parts.flatMap((p) => p.entries),
    problems: parts.flatMap((p) => p.problems).sort((a, b) => a.span.start - b.span.start),
  };
}

/** Reads a library file's bytes, on workers when it is large and they are available. */
export async function parseLibraryFile(filePath: string, bytes: Uint8Array, options: { workers?: boolean } = {}): Promise<LibraryFileData> {
  const format = formatOfPath(filePath);
  if (!format) return unreadableFile(filePath, "unknown-format", "");
  const decoded = decodeLibrary(bytes);
  if ("error" in decoded) return unreadableFile(filePath, "binary", decoded.error, format);
  const p = options.workers === false ? null : poolFor();
  const count = p ? countItems(decoded.text, format) : null;
  let data: LibraryFileData;
  if (!p || count === null || count < PARALLEL_THRESHOLD) data = parseLibraryText(decoded.text, filePath, format);
  else {
    const n = Math.max(1, Math.min(2, cpus().length));
    const step = Math.ceil(count / n);
    const jobs = Array.from({ length: n }, (_, k) => ({ text: decoded.text, path: filePath, format, part: { from: k * step, to: Math.min(count, (k + 1) * step) } }));
    try {
      data = joinParts(filePath, await p.run(jobs));
    } catch {
      data = parseLibraryText(decoded.text, filePath, format);
    }
  }
  if (decoded.note) data.problems.unshift({ path: filePath, kind: "file-unreadable", severity: "warning", span: { start: 0, end: 0 }, line: 0, reason: "latin1", detail: decoded.note });
  return data;
}
