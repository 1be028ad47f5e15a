/**
 * The soak benchmark (`npm run bench:soak`; never part of `npm test`): the shipped server
 * (dist/server.js over stdio, driven by the protocol tests' client) with the sample corpus and the
 * example draft open, then N incremental edits (10,000 by default) as a writer makes them: typing
 * characters and IME words, backspacing, moving the cursor, typing a citation key by key, pasting
 * and deleting whole quoted sentences (`…は「…」と述べた[@key]。`, exact, misquoted or citing an
 * unknown key). Edits come in bursts at typing speed; after each burst (every 10 edits by default)
 * the writer pauses: a completion and a hover are requested and the latest version's diagnostics are
 * awaited. Writes only the "## Soak" section of docs/benchmarks.md.
 *
 *   node --import tsx bench/soak.ts [--edits 10000] [--burst 10] [--no-write] [--no-build]
 *
 * Server RSS (VmRSS of the server process) is read after the pause that ends edit 1,000 (or
 * N/10 in a short run) and after the last edit, each time once the server has idled a moment.
 * Budget (issue 10): RSS after N edits within 10 % of RSS after N/10, diagnostics always arriving
 * for the version the writer stopped at. Nothing is asserted: the table says whether this run met it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import type { Position } from "vscode-languageserver-protocol";
import { createWorkspace, offsetToPosition, repoRoot, sampleSources, startServer, type LspClient } from "../test/protocol/lspClient";
import { prng } from "./prng";

// ---------------------------------------------------------------------------------------------
// Arguments

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const EDITS = Number(arg("edits", "10000"));
const BURST = Number(arg("burst", "10"));
/** The early reading RSS is compared against: after 1,000 edits in the full run. */
const EARLY = Math.max(BURST, Math.round(EDITS / 10 / BURST) * BURST);
/** How long a pause waits for the latest version's diagnostics before counting them late. */
const PAUSE_TIMEOUT_MS = 10_000;
/** How long the end waits before counting versions that never got diagnostics. */
const FINAL_SETTLE_MS = 5_000;
const write = !argv.includes("--no-write");

// ---------------------------------------------------------------------------------------------
// Small helpers

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const ms = (x: number) => (Number.isNaN(x) ? "—" : x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);
const mb = (bytes: number) => (Number.isNaN(bytes) ? "—" : `${Math.round(bytes / 1024 / 1024)} MB`);
const n = (x: number) => x.toLocaleString("en");
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));
const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");


interface Memory {
  /** VmRSS after a 1 s idle, as the server left it. */
  rss: number;
  /** VmRSS right after two full collections: what the server retains. */
  rssAfterGc: number;
  /** V8 heap in use after those collections. */
  heapUsed: number;
}
const NO_MEMORY: Memory = { rss: NaN, rssAfterGc: NaN, heapUsed: NaN };

/** The server's memory at rest: RSS as it is, then RSS and heap after full collections (bench/gcOnSignal.cjs). */
async function measureMemory(client: LspClient, pid: number): Promise<Memory> {
  await sleep(1000);
  const rss = rssOf(pid).rss;
  const seen = client.stderr.split("SOAK_GC").length;
  process.kill(pid, "SIGUSR2");
  for (let waited = 0; client.stderr.split("SOAK_GC").length === seen; waited += 50) {
    if (waited > 10_000) throw new Error("the server did not answer SIGUSR2 (bench/gcOnSignal.cjs not loaded?)");
    await sleep(50);
  }
  const line = client.stderr.slice(client.stderr.lastIndexOf("SOAK_GC"));
  const heapUsed = Number(/heapUsed=(\d+)/.exec(line)?.[1] ?? NaN);
  await sleep(200);
  return { rss, rssAfterGc: rssOf(pid).rss, heapUsed };
}

function rssOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

// ---------------------------------------------------------------------------------------------
// The writer: a document, a cursor and seeded edits

interface Edit {
  kind: string;
  range: { start: Position; end: Position };
  text: string;
}

const HIRAGANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだでどばびぶべぼ";
const WORDS = ["検討", "会談", "発表", "政府", "大統領", "報道官", "交渉", "停戦", "合意", "関係者", "記者会見", "によると", "について", "明らかにした", "、", "。", "３月", "１１日", "２０２５年"];
const SPEAKERS = ["報道官", "大統領", "首相", "外相", "関係者", "担当特使"];
const VERBS = ["と述べた", "と語った", "と発言した", "と強調した", "と明らかにした"];

class Writer {
  text: string;
  cursor: number;
  readonly bodyStart: number;
  private readonly initialLength: number;

  constructor(
    text: string,
    private readonly rand: () => number,
    private readonly keys: string[],
    private readonly quotes: string[],
  ) {
    this.text = text;
    const fm = /^---\n[\s\S]*?\n---\n/.exec(text);
    this.bodyStart = fm ? fm[0].length : 0;
    this.initialLength = text.length;
    this.cursor = text.length;
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)];
  }

  /** A quoted sentence: an exact corpus quote, one with a character changed, or one citing an unknown key. */
  sentence(): string {
    let quote = this.pick(this.quotes);
    let key = this.pick(this.keys);
    const r = this.rand();
    if (r < 0.25 && quote.length > 2) {
      const i = 1 + Math.floor(this.rand() * (quote.length - 2));
      quote = quote.slice(0, i) + this.pick([...HIRAGANA]) + quote.slice(i + 1);
    } else if (r < 0.35) {
      key = `unknown-${Math.floor(this.rand() * 1000)}`;
    }
    return `${this.pick(SPEAKERS)}は「${quote}」${this.pick(VERBS)}[@${key}]。`;
  }

  /** Whole sentences (only those with a quote, unless `any`), as [start, end) offsets in the body. */
  private sentences(any: boolean): [number, number][] {
    const out: [number, number][] = [];
    const re = any ? /[^。\n]+。?/g : /[^。\n]*「[^」\n]*」[^。\n]*。/g;
    re.lastIndex = this.bodyStart;
    for (let m; (m = re.exec(this.text)); ) out.push([m.index, m.index + m[0].length]);
    return out;
  }

  /** Line ends in the body, where a writer puts the cursor to go on writing. */
  private lineEnds(): number[] {
    const out: number[] = [];
    for (let i = this.text.indexOf("\n", this.bodyStart); i >= 0; i = this.text.indexOf("\n", i + 1)) out.push(i);
    out.push(this.text.length);
    return out;
  }

  /** Citation keys in the document: offsets just after `[@`. */
  citationKeyOffsets(): number[] {
    const out: number[] = [];
    for (let i = this.text.indexOf("[@", this.bodyStart); i >= 0; i = this.text.indexOf("[@", i + 1)) out.push(i + 2);
    return out;
  }

  quoteOffsets(): number[] {
    const out: number[] = [];
    for (let i = this.text.indexOf("「", this.bodyStart); i >= 0; i = this.text.indexOf("「", i + 1)) out.push(i + 1);
    return out;
  }

  /** Keys typed one piece at a time: the rest of a citation being typed. */
  private pending: string[] = [];

  /** The next edit, already applied to `text`; its range is in the text before it. */
  next(): Edit {
    for (;;) {
      if (this.pending.length) return this.insert("type-citation", this.pending.shift()!);
      const r = this.rand();
      const tooLong = this.text.length > this.initialLength * 2;
      const tooShort = this.text.length < this.initialLength * 0.6;
      if (r < 0.08) {
        // Move the cursor to the end of some line (no edit).
        this.cursor = this.pick(this.lineEnds());
      } else if (r < 0.18 && !tooLong) {
        return this.insert("paste-sentence", this.sentence());
      } else if (r < (tooLong ? 0.4 : 0.26) && !tooShort) {
        // Delete a whole sentence: a quoted one, or any one when the draft has grown long.
        const all = this.sentences(tooLong);
        if (!all.length) continue;
        const [s, e] = this.pick(all);
        this.cursor = s;
        return this.apply("delete-sentence", s, e, "");
      } else if (r < 0.28) {
        // A citation: `[@`, the key a few characters at a time, then `]。`.
        const key = this.pick(this.keys);
        this.pending.push("[@");
        for (let typed = 0; typed < key.length; ) {
          const step = Math.min(key.length - typed, 1 + Math.floor(this.rand() * 4));
          this.pending.push(key.slice(typed, typed + step));
          typed += step;
        }
        this.pending.push("]。");
      } else if (r < 0.44 && this.cursor > this.bodyStart) {
        if (this.text[this.cursor - 1] === "\n") {
          this.cursor--;
          continue;
        }
        this.cursor--;
        return this.apply("backspace", this.cursor, this.cursor + 1, "");
      } else if (r < 0.47) {
        return this.insert("newline", "\n");
      } else {
        // A kana, or a word as the IME commits it.
        return this.insert("type", this.rand() < 0.5 ? this.pick([...HIRAGANA]) : this.pick(WORDS));
      }
    }
  }

  private insert(kind: string, s: string): Edit {
    const e = this.apply(kind, this.cursor, this.cursor, s);
    this.cursor += s.length;
    return e;
  }

  private apply(kind: string, start: number, end: number, s: string): Edit {
    const range = { start: offsetToPosition(this.text, start), end: offsetToPosition(this.text, end) };
    this.text = this.text.slice(0, start) + s + this.text.slice(end);
    return { kind, range, text: s };
  }
}

// ---------------------------------------------------------------------------------------------
// The run

interface Figures {
  edits: number;
  versions: number;
  pauses: number;
  diagLatency: number[];
  late: number;
  neverPaused: number;
  publishedVersions: number;
  finalOk: boolean;
  completion: number[];
  completionEmpty: number;
  hover: number[];
  hoverEmpty: number;
  open: Memory;
  early: Memory;
  end: Memory;
  hwm: number;
  rssCurve: ({ edits: number } & Memory)[];
  totalMs: number;
  finalLength: number;
  initialLength: number;
  kinds: Record<string, number>;
}

async function soak(): Promise<Figures> {
  const draft = readFileSync(join(repoRoot, "examples", "draft.md"), "utf8");
  const sources = sampleSources();
  const keys = sources.map((s) => s.key);
  const quotes: string[] = [];
  for (const s of sources) {
    const file = readFileSync(resolve(repoRoot, "corpus", s.path), "utf8");
    for (const m of file.matchAll(/「([^」\n]{4,60})」/g)) quotes.push(m[1]);
  }
  if (!keys.length || !quotes.length) throw new Error("the sample corpus gave no keys or no quotes");

  const ws = createWorkspace({ "draft.md": draft });
  const uri = ws.uri("draft.md");
  const client: LspClient = await startServer({
    workspace: ws.dir,
    settings: { shutten: { diagnostics: { debounceMs: 0 } } },
    env: {
      ...(process.env.SHUTTEN_CACHE_DIR ? { SHUTTEN_CACHE_DIR: process.env.SHUTTEN_CACHE_DIR } : {}),
      // Full collections on request, so retained memory can be told from uncollected garbage.
      NODE_OPTIONS: `--expose-gc --require "${join(repoRoot, "bench", "gcOnSignal.cjs")}"`,
    },
  });
  const pid = client.child.pid!;
  // However the soak ends, the server goes with it.
  process.on("exit", () => client.child.kill());

  const f: Figures = {
    edits: 0,
    versions: 0,
    pauses: 0,
    diagLatency: [],
    late: 0,
    neverPaused: 0,
    publishedVersions: 0,
    finalOk: false,
    completion: [],
    completionEmpty: 0,
    hover: [],
    hoverEmpty: 0,
    open: NO_MEMORY,
    early: NO_MEMORY,
    end: NO_MEMORY,
    hwm: NaN,
    rssCurve: [],
    totalMs: 0,
    finalLength: 0,
    initialLength: draft.length,
    kinds: {},
  };
  // Arrival time of the diagnostics of recent versions; pause versions still waiting for theirs.
  const published = new Map<number, number>();
  const latePauses = new Set<number>();
  let newestPublished = 0;
  const stop = client.subscribe((method, params, at) => {
    if (method !== "textDocument/publishDiagnostics" || params.uri !== uri || typeof params.version !== "number") return;
    latePauses.delete(params.version);
    if (params.version > newestPublished) (newestPublished = params.version), f.publishedVersions++;
    if (!published.has(params.version)) {
      published.set(params.version, at);
      for (const w of [...waiters]) w();
    }
  });
  const waiters = new Set<() => void>();
  const waitPublished = (version: number, timeoutMs: number): Promise<number | null> =>
    new Promise((resolve) => {
      const check = () => {
        const at = published.get(version);
        if (at === undefined) return false;
        waiters.delete(check as () => void);
        clearTimeout(timer);
        resolve(at);
        return true;
      };
      const timer = setTimeout(() => {
        waiters.delete(check as () => void);
        resolve(null);
      }, timeoutMs);
      if (!check()) waiters.add(check as () => void);
    });

  let version = 1;
  client.openDocument(uri, draft);
  if ((await waitPublished(1, 120_000)) === null) throw new Error(`no diagnostics for the opened draft\n${client.stderr.slice(-2000)}`);
  f.open = await measureMemory(client, pid);

  const writer = new Writer(draft, prng(20250414), keys, quotes);
  const rand = prng(7);
  const t0 = performance.now();
  let lastLog = t0;
  while (f.edits < EDITS) {
    let lastSent = 0;
    for (let i = Math.min(BURST, EDITS - f.edits); i > 0; i--) {
      const e = writer.next();
      version++;
      client.notify("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ range: e.range, text: e.text }] });
      lastSent = performance.now();
      f.edits++;
      f.kinds[e.kind] = (f.kinds[e.kind] ?? 0) + 1;
      // Typing speed: 0–40 ms between keystrokes; a paste or a deletion is followed by a moment's thought.
      await sleep(e.kind === "paste-sentence" || e.kind === "delete-sentence" ? 50 + rand() * 100 : rand() * 40);
    }
    // The pause: a completion in a citation, a hover on a key or a quote, then this version's diagnostics.
    f.pauses++;
    const text = writer.text;
    const keyAt = writer.citationKeyOffsets();
    if (keyAt.length) {
      const at = keyAt[Math.floor(rand() * keyAt.length)];
      const pos: Position = offsetToPosition(text, at + Math.floor(rand() * 3));
      const c0 = performance.now();
      const items = await client.completion(uri, pos);
      f.completion.push(performance.now() - c0);
      if (!items.length) f.completionEmpty++;
      const hoverAt = rand() < 0.5 ? at + 1 : (writer.quoteOffsets()[0] ?? at);
      const h0 = performance.now();
      const hover = await client.hover(uri, offsetToPosition(text, hoverAt));
      f.hover.push(performance.now() - h0);
      if (!hover) f.hoverEmpty++;
    }
    const at = await waitPublished(version, PAUSE_TIMEOUT_MS);
    if (at === null) f.late++, latePauses.add(version);
    else f.diagLatency.push(at - lastSent);
    // Forget what later pauses no longer need (the client's own log of notifications included).
    for (const v of published.keys()) if (v < version) published.delete(v);
    client.notifications.length = 0;

    if (f.edits === EARLY || f.edits === EDITS || f.edits % 1000 === 0) {
      const m = await measureMemory(client, pid);
      f.rssCurve.push({ edits: f.edits, ...m });
      if (f.edits === EARLY) f.early = m;
      if (f.edits === EDITS) (f.end = m), (f.hwm = rssOf(pid).hwm);
    }
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      console.log(`  ${n(f.edits)} edits, ${Math.round((lastLog - t0) / 1000)} s, RSS ${mb(rssOf(pid).rss)}, document ${n(writer.text.length)} chars, ${f.late} late; ${f.rssCurve.map((c) => `${c.edits}: ${mb(c.rss)}, ${mb(c.rssAfterGc)} after GC, heap ${mb(c.heapUsed)}`).slice(-1).join("")}`);
    }
  }
  f.versions = version;
  f.totalMs = performance.now() - t0;
  f.finalLength = writer.text.length;

  // The final version must get diagnostics; then count pauses whose version never got any.
  const finalAt = await waitPublished(version, FINAL_SETTLE_MS);
  f.finalOk = finalAt !== null;
  await sleep(FINAL_SETTLE_MS);
  f.neverPaused = latePauses.size;
  stop();
  await client.stop();
  ws.dispose();
  return f;
}

// ---------------------------------------------------------------------------------------------
// Report

function machine(start: string, end: string): string {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "?";
  const nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  return `${cpu}, \`nproc\` = ${nproc}, ${(totalmem() / 1024 ** 3).toFixed(1)} GB, Node ${process.version}; load average (1, 5, 15 min) ${start} at the start and ${end} at the end — the machine is shared with other work, so latencies are upper bounds; RSS is not affected by load.`;
}

const memory = (m: Memory) => `${mb(m.rssAfterGc)} (${mb(m.rss)}; heap ${mb(m.heapUsed)})`;

function report(f: Figures, command: string, loadStart: string, loadEnd: string): { table: string; section: string } {
  // Judged on RSS after full collections (what the server keeps); RSS as found is given beside it.
  const growth = f.end.rssAfterGc / f.early.rssAfterGc - 1;
  const rawGrowth = f.end.rss / f.early.rss - 1;
  const heapGrowth = f.end.heapUsed / f.early.heapUsed - 1;
  const rssOk = growth <= 0.1;
  const diagOk = f.late === 0 && f.finalOk;
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)} %`;
  const rows: [string, string, string][] = [
    ["edits (incremental `didChange` with ranges)", "", `${n(f.edits)} in ${n(f.pauses)} bursts; ${Object.entries(f.kinds).map(([k, v]) => `${k} ${n(v)}`).join(", ")}`],
    ["draft length at the start → at the end", "", `${n(f.initialLength)} → ${n(f.finalLength)} characters`],
    ["total time", "", `${(f.totalMs / 1000).toFixed(1)} s`],
    ["server after opening the draft: RSS after full GC (RSS as found; V8 heap used)", "", memory(f.open)],
    [`server after ${n(EARLY)} edits, the same figures`, "", memory(f.early)],
    [
      `server after ${n(f.edits)} edits, the same figures (peak RSS over the run)`,
      `RSS within 10 % of RSS after ${n(EARLY)}`,
      `${memory(f.end)}; peak ${mb(f.hwm)} — after GC ${pct(growth)}, as found ${pct(rawGrowth)}, heap ${pct(heapGrowth)}: ${rssOk ? "met" : "MISSED"}`,
    ],
    [
      "RSS after full GC along the run (RSS as found)",
      "",
      f.rssCurve.map((c) => `${c.edits === EARLY || c.edits % 1000 === 0 ? "" : `${n(c.edits)}: `}${mb(c.rssAfterGc).replace(" MB", "")} (${mb(c.rss).replace(" MB", "")})`).join(" → ") + " MB",
    ],
    ["edit → diagnostics of that version, at a pause, p50 / p95", "", `${ms(quantile(f.diagLatency, 0.5))} / ${ms(quantile(f.diagLatency, 0.95))} (max ${ms(Math.max(...f.diagLatency))})`],
    [
      "pauses whose version got no diagnostics within 10 s / ever; final version",
      "0; final version gets diagnostics",
      `${f.late} / ${f.neverPaused}; final version ${f.finalOk ? "got diagnostics" : "got NONE"} — ${diagOk ? "met" : "MISSED"}`,
    ],
    ["versions that got diagnostics (the rest were superseded while typing)", "", `${n(f.publishedVersions)} of ${n(f.versions)}`],
    ["completion in a citation key p50 / p95", "", `${ms(quantile(f.completion, 0.5))} / ${ms(quantile(f.completion, 0.95))} (${n(f.completion.length)} requests, ${f.completionEmpty} empty)`],
    ["hover on a key or a quote p50 / p95", "", `${ms(quantile(f.hover, 0.5))} / ${ms(quantile(f.hover, 0.95))} (${n(f.hover.length)} requests, ${f.hoverEmpty} empty)`],
  ];
  const table = ["| figure | budget | measured |", "| --- | --- | --- |", ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
  const verdict =
    rssOk && diagOk
      ? `The budget is met: the server's RSS after ${n(f.edits)} edits is ${pct(growth)} against its RSS after ${n(EARLY)} (both after full collections; limit +10 %), and every pause's version got its diagnostics.`
      : `The budget is NOT met: ${rssOk ? "" : `the server's RSS after ${n(f.edits)} edits is ${pct(growth)} against its RSS after ${n(EARLY)} (both after full collections; limit +10 %)`}${!rssOk && !diagOk ? "; " : ""}${diagOk ? "" : `${f.late} pauses got no diagnostics in time${f.finalOk ? "" : " and the final version got none"}`}.`;
  const heapNote =
    heapGrowth > 0.1
      ? `The V8 heap in use after collection grew ${pct(heapGrowth)} (${mb(f.early.heapUsed)} → ${mb(f.end.heapUsed)}) over the same edits: what the server keeps still rises with editing${rssOk ? ", so far inside the RSS budget" : ""}.`
      : "";
  const section = [
    "## Soak",
    "",
    `Generated by \`bench/soak.ts\` (only this section) — command: \`${command}\`.`,
    "",
    `Machine: ${machine(loadStart, loadEnd)}`,
    "",
    "The shipped server (`dist/server.js --stdio`, driven by the protocol tests' client) with the",
    "sample corpus and `examples/draft.md` open, then seeded incremental edits as a writer makes them:",
    "kana and IME words typed at the cursor, backspaces, new lines, cursor moves, citations typed key",
    "by key, whole quoted sentences (`…は「…」と述べた[@key]。`: an exact corpus quote, a misquote, or",
    `an unknown key) pasted and deleted. Edits come in bursts of ${BURST}, 0–40 ms apart; after each burst`,
    "the writer pauses: one completion inside a citation key, one hover on a key or a quote, then the",
    "diagnostics of the version just typed are awaited (`debounceMs: 0`, so the latency is the check",
    "itself). Memory is read at rest (1 s idle): VmRSS of the server process as found, then after two",
    "full collections (`bench/gcOnSignal.cjs`, preloaded into the server by the soak only, collects on",
    "SIGUSR2). RSS as found depends on where V8 is in its collection cycle (it swings by a sixth within",
    "a run), so the budget is judged on RSS after collection: what the server actually keeps.",
    "",
    table,
    "",
    verdict,
    ...(heapNote ? ["", heapNote] : []),
    "",
  ].join("\n");
  return { table, section };
}

async function main() {
  if (!argv.includes("--no-build")) execFileSync(process.execPath, [join(repoRoot, "esbuild.mjs")], { stdio: "inherit", cwd: repoRoot });
  const loadStart = load();
  console.log(`soak: ${n(EDITS)} edits in bursts of ${BURST}; load average ${loadStart}`);
  const f = await soak();
  const loadEnd = load();
  const command = `node --import tsx bench/soak.ts ${argv.filter((a) => a !== "--no-build").join(" ")}`.trim();
  const { table, section } = report(f, command, loadStart, loadEnd);
  console.log(table);
  console.log(section.split("\n").filter((l) => l.startsWith("The budget"))[0]);
  if (write) {
    const docPath = join(repoRoot, "docs", "benchmarks.md");
    const doc = existsSync(docPath) ? readFileSync(docPath, "utf8") : "# Benchmarks\n";
    // Replace only "## Soak" (up to the next "## " heading); every other section is kept as it is.
    const start = doc.search(/^## Soak\b/m);
    let updated: string;
    if (start < 0) updated = doc.replace(/\s*$/, "\n\n") + section;
    else {
      const next = doc.slice(start + 1).search(/^## /m);
      updated = doc.slice(0, start) + section + (next >= 0 ? "\n" + doc.slice(start + 1 + next) : "");
    }
    writeFileSync(docPath, updated);
    console.log(`wrote the Soak section of ${docPath}`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
