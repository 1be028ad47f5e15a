/**
 * Diagnostics: debounced per document; a newer edit supersedes older work (checked between phases),
 * so typing never waits on stale checks. Each open draft has its own memo (`DraftMemo`: what its
 * last check worked out, reused by the next), dropped when the document closes. Corpus problems are shown on corpus files that are open; a
 * draft's bibliography problems (a named file missing, a broken inline reference) on the draft.
 */
import { fileURLToPath } from "node:url";
import type { Diagnostic } from "vscode-languageserver/node";
import { checkDraftAsync } from "../../core/check/checkDraft";
import { DraftMemo } from "../../core/check/draftMemo";
import { LineIndex } from "../../core/lineIndex";
import { toDiagnostic, toRange, toSeverity } from "../convert";
import type { ServerContext } from "../server";

class Superseded extends Error {}
/** The corpus is being updated for a few changed files: the check is made again against the new index. */
class IndexChanging extends Superseded {}
/** A draft whose diagnostics are older than this is checked even while the corpus is updated. */
const STARVE_MS = 5000;

export class DiagnosticsScheduler {
  private timers = new Map<string, NodeJS.Timeout>();
  private generation = new Map<string, number>();
  /** When each document's diagnostics were last published. */
  private published = new Map<string, number>();
  /** Checks asked for and not yet published (or dropped). */
  private pending = new Set<string>();
  /** Per open draft: what its previous check worked out. */
  private memos = new Map<string, DraftMemo>();

  constructor(private readonly ctx: ServerContext) {}

  /** True while a document waits for its diagnostics: background work (the feature catalogue) yields. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  schedule(uri: string, delayMs?: number): void {
    const gen = (this.generation.get(uri) ?? 0) + 1;
    this.generation.set(uri, gen);
    clearTimeout(this.timers.get(uri));
    // Only the first check of a document holds background work back (not every keystroke's).
    if (delayMs === 0) this.pending.add(uri);
    void (async () => {
      const settings = await this.ctx.settingsFor(uri);
      const delay = delayMs ?? settings.diagnostics.debounceMs;
      this.timers.set(
        uri,
        setTimeout(
          () =>
            void this.run(uri, gen)
              .catch((e) => this.ctx.connection.console.error(`shutten: checking ${uri} failed: ${e instanceof Error ? e.stack : e}`))
              .finally(() => {
                if (this.generation.get(uri) === gen) this.pending.delete(uri);
              }),
          delay,
        ),
      );
    })();
  }

  /** Calls `then` once the host is no longer applying changes (a full rebuild keeps the current index). */
  private whenChanged(host: { building: string | null }, then: () => void): void {
    const poll = () => (host.building === "change" ? void setTimeout(poll, 50) : then());
    setTimeout(poll, 50);
  }

  clear(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.published.delete(uri);
    this.memos.delete(uri);
    this.pending.delete(uri);
    this.generation.set(uri, (this.generation.get(uri) ?? 0) + 1);
    void this.ctx.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  private memoFor(uri: string): DraftMemo {
    let memo = this.memos.get(uri);
    if (!memo) this.memos.set(uri, (memo = new DraftMemo()));
    return memo;
  }

  private async run(uri: string, gen: number): Promise<void> {
    const doc = this.ctx.documents.get(uri);
    if (!doc) return;
    const project = this.ctx.projectFor(uri);
    const loaded = await project.host.load();
    if (this.generation.get(uri) !== gen) return;
    let path: string | null = null;
    try {
      path = uri.startsWith("file:") ? fileURLToPath(uri) : null;
    } catch {}
    const text = doc.getText();
    const lines = new LineIndex(text);
    let diagnostics: Diagnostic[];
    if (path && project.isCorpusFile(path)) {
      // A corpus file: show why it was skipped or what clashed, nothing else.
      diagnostics = loaded.index.problems
        .filter((p) => p.path === path)
        .map((p) => ({
          range: toRange(lines, p.span ?? { start: 0, end: 0 }),
          severity: toSeverity(p.severity),
          source: "shutten",
          code: p.code ?? "corpus-problem",
          message: p.message,
        }));
    } else {
      if (doc.languageId !== "markdown" && !uri.endsWith(".md")) return;
      const settings = await this.ctx.settingsFor(uri);
      // A large library being parsed counts with its keys: its entries' details are not needed here.
      const library = await this.ctx.libraries.keysViewFor(doc);
      if (this.generation.get(uri) !== gen) return;
      if (library.reading) void library.reading.then(() => this.generation.get(uri) === gen && this.schedule(uri, 0));
      try {
        const findings = await checkDraftAsync(text, {
          library: library.library,
          index: loaded.index,
          tokenizer: loaded.tokenizer,
          aliases: loaded.aliases,
          settings,
          locale: this.ctx.locale,
          checkpoint: () => {
            if (this.generation.get(uri) !== gen) throw new Superseded();
            // Its answer would be replaced within a second; the update goes first — unless the
            // draft's diagnostics are already a while old (changes that never stop must not starve it).
            if (project.host.building === "change" && Date.now() - (this.published.get(uri) ?? 0) < STARVE_MS) throw new IndexChanging();
          },
          memo: this.memoFor(uri),
        });
        diagnostics = [...findings.map((f) => toDiagnostic(f, lines, loaded.index)), ...this.ctx.libraries.draftDiagnostics(doc, library, lines)];
      } catch (e) {
        // (A new index schedules every draft's check again; should the update fail, this one is.)
        if (e instanceof IndexChanging) this.whenChanged(project.host, () => this.generation.get(uri) === gen && this.schedule(uri, 0));
        if (e instanceof Superseded) return;
        throw e;
      }
    }
    if (this.generation.get(uri) !== gen) return;
    this.published.set(uri, Date.now());
    await this.ctx.connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    // A library read for this check can now build its completion catalogue and readings.
    this.ctx.libraries.startWarm();
  }
}
