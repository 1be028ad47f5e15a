/**
 * The benchmark (`npm run bench`; never part of `npm test`). Measures the *shipped* bundles
 * (dist/cli.js, dist/server.js over stdio) on synthetic corpora from bench/generateCorpus.ts (whose
 * inferred keys clash, as in a newsroom archive) and on real text — the livedoor news corpus in
 * ../shared/corpora/ldcc — with MeCab over the same body text in the same run, and rewrites
 * docs/benchmarks.md (its sections written by other benchmarks, "## Soak", "## Bibliography", are
 * kept).
 *
 * BENCH_DIST=DIR runs another build's bundles (a copy of its dist/) over the same workspaces (A/B runs).
 *
 *   npm run bench -- [--sizes 1000,10000,30000] [--ldcc all|N|none] [--runs N] [--requests 300]
 *                    [--no-write] [--no-build] [--skip index,check,server,latency,big,rebuilds,cold]
 *                    [--cache DIR] [--save FILE] [--from FILE,FILE…]
 *
 * `--save FILE` keeps this run's figures (JSON); `--from` writes docs/benchmarks.md from saved runs
 * without measuring, so a long workload (30,000 articles) can run apart from the others and the
 * growth table still covers every size. Each part's command, commit and machine load are listed.
 *
 * `--skip` leaves phases out (while working on one); `--cache DIR` starts from a cache that
 * `shutten index` already filled (the cold index is then not measured, and DIR is kept).
 *
 * Figures are medians over repeated runs (fresh processes); latencies are percentiles over
 * sequential requests. Nothing is asserted: a shared machine is noisy; the table says which budget
 * (SPEC §7, issue budgets) each figure is held against and whether this run met it.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import { loadCorpus } from "../server/src/core/corpus/loadCorpus";
import { serverEnvironment } from "../server/src/lsp/launch";
import { ensureLdccWorkspace, ensureWorkspace, repoRoot, type Workspace } from "./generateCorpus";

// ---------------------------------------------------------------------------------------------
// Arguments

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const sizes = arg("sizes", "1000,10000,30000").split(",").map((s) => Number(s.trim())).filter((n) => n > 0);
const ldccArg = arg("ldcc", "all");
const runsArg = argv.includes("--runs") ? Number(arg("runs", "3")) : null;
const requests = Number(arg("requests", "300"));
const write = !argv.includes("--no-write");
const skip = new Set(arg("skip", "").split(",").filter(Boolean));
const givenCache = arg("cache", "");
const saveTo = arg("save", "");
const fromFiles = arg("from", "").split(",").filter(Boolean);
// BENCH_DIST (a copy of another build's dist/) measures that build against the same workspaces: A/B runs.
const distDir = process.env.BENCH_DIST ? resolve(process.env.BENCH_DIST) : join(repoRoot, "dist");
const serverBundle = join(distDir, "server.js");
const cliBundle = join(distDir, "cli.js");

// ---------------------------------------------------------------------------------------------
// Small statistics

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}
/** The largest figure, or NaN (printed "—") when a phase left out has none. */
const maxOf = (xs: number[]) => (xs.length ? xs.reduce((a, b) => Math.max(a, b)) : NaN);
const ms = (x: number) => (Number.isNaN(x) ? "—" : x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);
const sec = (x: number) => (Number.isNaN(x) ? "—" : `${(x / 1000).toFixed(2)} s`);
const mb = (x: number) => (Number.isNaN(x) ? "—" : `${Math.round(x / 1024 / 1024)} MB`);
const kcps = (x: number) => `${Math.round(x / 1000).toLocaleString("en")} kchars/s`;

// ---------------------------------------------------------------------------------------------
// A minimal LSP client over the built server's stdio

interface Server {
  proc: ChildProcess;
  conn: MessageConnection;
  spawnedAt: number;
  logs: { at: number; message: string }[];
  waitLog(re: RegExp, after: number, timeoutMs?: number): Promise<{ at: number; match: RegExpExecArray }>;
  waitDiagnostics(uri: string, pred: (p: { version?: number; diagnostics: unknown[] }) => boolean, timeoutMs?: number): Promise<{ at: number; count: number }>;
  rss(): { rss: number; hwm: number };
  /** CPU time (user + system, all threads) the server process has used so far. */
  cpuMs(): number;
  stop(): Promise<void>;
}

async function startServer(ws: Workspace, cacheDir: string): Promise<Server> {
  const spawnedAt = performance.now();
  // BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=DIR`) profiles the servers the benchmark starts.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, serverBundle, "--stdio"], {
    // The environment the VS Code client gives the server (server/src/lsp/launch.ts).
    env: { ...serverEnvironment(), SHUTTEN_CACHE_DIR: cacheDir },
    stdio: ["pipe", "pipe", "pipe"],
  });
  proc.stderr!.on("data", () => undefined);
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  const logs: { at: number; message: string }[] = [];
  const logWaiters: (() => void)[] = [];
  const diagWaiters: (() => void)[] = [];
  const diags: { at: number; uri: string; version?: number; diagnostics: unknown[] }[] = [];
  conn.onNotification("window/logMessage", (p: { message: string }) => {
    logs.push({ at: performance.now(), message: p.message });
    for (const w of [...logWaiters]) w();
  });
  conn.onNotification("textDocument/publishDiagnostics", (p: { uri: string; version?: number; diagnostics: unknown[] }) => {
    diags.push({ at: performance.now(), ...p });
    for (const w of [...diagWaiters]) w();
  });
  conn.onNotification(() => undefined);
  conn.onRequest("workspace/configuration", (p: { items: unknown[] }) => p.items.map(() => settings));
  conn.onRequest(() => null);
  conn.listen();
  const settings = { diagnostics: { debounceMs: 0 } };
  const waitFor = <T>(waiters: (() => void)[], probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const found = probe();
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check), 1);
        reject(new Error(`timeout waiting for ${what}`));
      }, timeoutMs);
      const check = () => {
        const f = probe();
        if (f === undefined) return;
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(f);
      };
      waiters.push(check);
    });
  const server: Server = {
    proc,
    conn,
    spawnedAt,
    logs,
    waitLog: (re, after, timeoutMs = 900_000) =>
      waitFor(logWaiters, () => {
        for (const l of logs) {
          if (l.at < after) continue;
          const m = re.exec(l.message);
          if (m) return { at: l.at, match: m };
        }
        return undefined;
      }, timeoutMs, `log ${re}`),
    waitDiagnostics: (uri, pred, timeoutMs = 900_000) =>
      waitFor(diagWaiters, () => {
        const d = diags.find((x) => x.uri === uri && pred(x));
        if (d) diags.splice(diags.indexOf(d), 1);
        return d ? { at: d.at, count: d.diagnostics.length } : undefined;
      }, timeoutMs, `diagnostics for ${uri}`),
    cpuMs() {
      // /proc/PID/stat: utime and stime (fields 14 and 15) in clock ticks (100 a second here).
      const stat = readFileSync(`/proc/${proc.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    rss() {
      const status = readFileSync(`/proc/${proc.pid}/status`, "utf8");
      const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) * 1024;
      return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
    },
    async stop() {
      try {
        // The server finishes writing its index snapshot (after a full build) before it answers.
        await Promise.race([conn.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 60_000))]);
        conn.sendNotification("exit");
      } catch {
        // already gone
      }
      // (A profiled server writes its profile as it exits: give it the time.)
      const grace = nodeArgs.length ? 20_000 : 100;
      if (proc.exitCode === null) await new Promise((r) => { const t = setTimeout(r, grace); proc.once("exit", () => { clearTimeout(t); r(undefined); }); });
      if (proc.exitCode === null) proc.kill();
      conn.dispose();
    },
  };
  const root = pathToFileURL(ws.dir).href;
  await conn.sendRequest("initialize", {
    processId: process.pid,
    rootUri: root,
    workspaceFolders: [{ uri: root, name: "bench" }],
    capabilities: { workspace: { configuration: true } },
    initializationOptions: { settings },
    locale: "en",
  });
  conn.sendNotification("initialized", {});
  return server;
}

const INDEXED = /indexed (\d+) sources from .* in (\d+) ms \((\d+) analysed, (\d+) from cache\)/;

// ---------------------------------------------------------------------------------------------
// Measurements

interface Workload {
  name: string;
  kind: "synthetic" | "real";
  ws: Workspace;
}

interface Result {
  name: string;
  kind: Workload["kind"];
  files: number;
  bytes: number;
  bodyChars: number;
  /** Files sharing an inferred key with another (synthetic corpora). */
  clashing: number | null;
  sources: number;
  mecabMs: number;
  mecabCpuMs: number;
  indexMs: number;
  indexCpuMs: number;
  indexRss: number;
  ratio: number;
  /** MeCab's CPU time over `index`'s (all threads): the same work per CPU-second, less sensitive to a busy machine. */
  cpuRatio: number;
  ratios: number[];
  cacheBytes: number;
  checkMs: number;
  checkCpuMs: number;
  warmMs: number;
  firstDiagMs: number;
  /** The server's CPU time (all threads) from spawn to its first diagnostics. */
  firstDiagCpuMs: number;
  firstDiagFromSpawnMs: number;
  completion: number[];
  quoteCompletion: number[];
  hoverKey: number[];
  hoverQuote: number[];
  firstCompletionMs: number;
  /** The first `「` completion (after the `[@` ones): it waits for the catalogue if that is not built yet. */
  firstQuoteCompletionMs?: number;
  bigDiagFirstMs: number;
  bigDiagEdit: number[];
  reindex: number[];
  reindexServer: number[];
  hoverDuring: { change: number[]; bigChange: number[]; full: number[] };
  serverColdMs: number;
  serverColdPeak: number;
  rss: number;
  rssPeak: number;
  /** After the rebuild experiments (a 600,000-character article added and removed, a full rebuild). */
  rssAfterRebuilds: number;
  /** 1-minute load average when the workload started and ended. */
  load: [number, number];
  runs: number;
}

function bodyText(ws: Workspace): Promise<{ text: string; files: number; bytes: number }> {
  return loadCorpus({ dir: ws.corpus }).then((r) => {
    const parts: string[] = [];
    let bytes = 0;
    for (const s of r.sources) {
      bytes += Buffer.byteLength(s.text);
      for (const b of s.body) parts.push(s.text.slice(b.start, b.end));
    }
    return { text: parts.join("\n"), files: r.sources.length, bytes };
  });
}

/** MeCab over the body text: wall time and CPU time (user + system). */
function timeMecab(file: string): { ms: number; cpuMs: number } {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "SHUTTEN_CPU %U %S", "sh", "-c", `mecab < '${file}' > /dev/null`], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`mecab failed: ${r.stderr}`);
  const m = /SHUTTEN_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { ms: performance.now() - t0, cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

/** A CLI run under /usr/bin/time: wall time, CPU time and peak RSS of the whole process (workers included). */
function cli(args: string[], cacheDir: string): { ms: number; cpuMs: number; rss: number; stdout: string; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "SHUTTEN_MAXRSS_KB %M %U %S", process.execPath, cliBundle, ...args], {
    encoding: "utf8",
    env: { ...process.env, SHUTTEN_CACHE_DIR: cacheDir, LANG: "C" },
    maxBuffer: 1 << 28,
  });
  const ms = performance.now() - t0;
  const m = /SHUTTEN_MAXRSS_KB (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { ms, cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : NaN, rss: m ? Number(m[1]) * 1024 : NaN, stdout: r.stdout, stderr: r.stderr };
}

/** The 1-minute load average now. */
function load1(): number {
  return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
}

function du(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else n += statSync(p).size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return n;
}

/** Hover requests every 25 ms on `uri` from now until the next "indexed" log: their latencies. */
async function hoversDuringRebuild(s: Server, uri: string, position: { line: number; character: number }, trigger: () => void): Promise<number[]> {
  const t0 = performance.now();
  let done = false;
  const indexed = s.waitLog(INDEXED, t0).then(() => (done = true));
  trigger();
  const latencies: number[] = [];
  while (!done) {
    const h0 = performance.now();
    await s.conn.sendRequest("textDocument/hover", { textDocument: { uri }, position });
    latencies.push(performance.now() - h0);
    // BENCH_HOVER_LOG=FILE: each hover's send time (ms since the epoch) and latency, to line up with a profile.
    if (process.env.BENCH_HOVER_LOG) appendFileSync(process.env.BENCH_HOVER_LOG, `${(performance.timeOrigin + h0).toFixed(1)} ${(performance.now() - h0).toFixed(1)}\n`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await indexed;
  return latencies;
}

/** A long article (about `chars` characters of the corpus's own sentences): slow to analyse. */
function bigArticle(ws: Workspace, chars: number): string {
  const draft = readFileSync(ws.draft20k, "utf8").replace(/\[@[^\]]*\]/g, "");
  const paras = draft.split("\n").filter((l) => l.length > 40);
  const out: string[] = ["長い記事", "", "2025年3月1日", ""];
  let n = 0;
  for (let i = 0; n < chars; i++) {
    const p = paras[i % paras.length] + `(${i})`;
    out.push(p, "");
    n += p.length + 2;
  }
  return out.join("\n");
}

async function measure(w: Workload, runs: number): Promise<Result> {
  const { ws } = w;
  const tag = `[${w.name}]`;
  const loadAtStart = load1();
  const { text, files, bytes } = await bodyText(ws);
  const bodyFile = join(ws.dir, "bodies.txt");
  writeFileSync(bodyFile, text);
  const bodyChars = text.length;
  const keysInfo = join(ws.dir, "keys.json");
  const clashing = existsSync(keysInfo) ? (JSON.parse(readFileSync(keysInfo, "utf8")).filesWithClashingKeys as number) : null;
  log(`${tag} ${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${bodyChars.toLocaleString("en")} body chars${clashing !== null ? `, ${clashing} files with a clashing inferred key` : ""}`);

  // Cold `shutten index`, an empty cache each run, MeCab over the same body text right before and after.
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const indexMs: number[] = [];
  const indexCpu: number[] = [];
  const indexRss: number[] = [];
  const mecab: number[] = [];
  const mecabCpu: number[] = [];
  let sources = NaN;
  let warmCache = givenCache;
  if (!givenCache && !skip.has("index")) {
    for (let i = 0; i < runs; i++) {
      const cacheDir = mkdtempSync(join(tmpdir(), "shutten-bench-cache-"));
      const m0 = timeMecab(bodyFile);
      const r = cli(["index", "--corpus", ws.corpus, "--quiet"], cacheDir);
      const m1 = timeMecab(bodyFile);
      const m = /indexed (\d+) sources/.exec(r.stderr);
      if (!m) throw new Error(`index failed: ${r.stderr.slice(-2000)}`);
      sources = Number(m[1]);
      const mecabMs = (m0.ms + m1.ms) / 2;
      const mecabCpuMs = (m0.cpuMs + m1.cpuMs) / 2;
      mecab.push(mecabMs);
      mecabCpu.push(mecabCpuMs);
      indexMs.push(r.ms);
      indexCpu.push(r.cpuMs);
      indexRss.push(r.rss);
      ratios.push(mecabMs / r.ms);
      cpuRatios.push(mecabCpuMs / r.cpuMs);
      log(
        `${tag} index ${i + 1}/${runs}: ${sec(r.ms)} (CPU ${sec(r.cpuMs)}), peak RSS ${mb(r.rss)}, MeCab ${sec(mecabMs)} (CPU ${sec(mecabCpuMs)}) → ratio ${(mecabMs / r.ms).toFixed(2)} (CPU ${(mecabCpuMs / r.cpuMs).toFixed(2)}); ${sources} sources; load ${load1()}`,
      );
      if (i === runs - 1) warmCache = cacheDir;
      else rmSync(cacheDir, { recursive: true, force: true });
    }
  } else if (!givenCache) {
    warmCache = mkdtempSync(join(tmpdir(), "shutten-bench-cache-"));
    const r = cli(["index", "--corpus", ws.corpus, "--quiet"], warmCache);
    sources = Number(/indexed (\d+) sources/.exec(r.stderr)?.[1] ?? NaN);
  }
  if (Number.isNaN(sources)) sources = (await loadCorpus({ dir: ws.corpus })).sources.length;
  const cacheBytes = du(warmCache);

  // `shutten check` of the small draft, warm.
  const checks: number[] = [];
  const checksCpu: number[] = [];
  if (!skip.has("check")) {
    for (let i = 0; i < Math.max(3, runs); i++) {
      const r = cli(["check", "--corpus", ws.corpus, "--format", "json", ws.draft], warmCache);
      checks.push(r.ms);
      checksCpu.push(r.cpuMs);
    }
    log(`${tag} check of a small draft: ${sec(median(checks))} (CPU ${sec(median(checksCpu))}); load ${load1()}`);
  }

  // A fresh server after `shutten index`: open the draft at once; time to its first diagnostics.
  const warm: number[] = [];
  const firstDiag: number[] = [];
  const firstDiagCpu: number[] = [];
  const firstDiagSpawn: number[] = [];
  const draftText = readFileSync(ws.draft, "utf8");
  const draftUri = pathToFileURL(ws.draft).href;
  let s: Server | null = null;
  if (!skip.has("server")) {
    for (let i = 0; i < Math.max(3, runs); i++) {
      const server = await startServer(ws, warmCache);
      const openedAt = performance.now();
      server.conn.sendNotification("textDocument/didOpen", { textDocument: { uri: draftUri, languageId: "markdown", version: 1, text: draftText } });
      const d = await server.waitDiagnostics(draftUri, () => true);
      const cpu = server.cpuMs();
      const { match } = await server.waitLog(INDEXED, 0);
      warm.push(Number(match[2]));
      firstDiag.push(d.at - openedAt);
      firstDiagCpu.push(cpu);
      firstDiagSpawn.push(d.at - server.spawnedAt);
      log(`${tag} warm server ${i + 1}: index ${ms(Number(match[2]))}, first diagnostics ${ms(d.at - openedAt)} after didOpen (${d.count} findings), ${ms(d.at - server.spawnedAt)} from spawn, server CPU ${ms(cpu)}; load ${load1()}`);
      await server.stop();
    }
  }
  const needServer = !skip.has("latency") || !skip.has("big") || !skip.has("rebuilds");
  if (needServer) {
    s = await startServer(ws, warmCache);
    s.conn.sendNotification("textDocument/didOpen", { textDocument: { uri: draftUri, languageId: "markdown", version: 1, text: draftText } });
    await s.waitDiagnostics(draftUri, () => true);
  }

  // Completion and hover latencies on a scratch draft.
  const quoteText = /「([^」]{8,})」/.exec(draftText)?.[1] ?? "停戦";
  const key = /\[@([^\]\s;,]+)\]/.exec(draftText)?.[1] ?? "gen-00000";
  const scratch = `# scratch\n\n本文[@\n\n記事は「${quoteText.slice(0, 3)}\n\n引用は「${quoteText}」と述べた[@${key}]。\n`;
  const scratchUri = pathToFileURL(join(ws.dir, "drafts", "scratch.md")).href;
  const pos = (needle: string, delta: number) => {
    const at = scratch.indexOf(needle) + delta;
    const before = scratch.slice(0, at);
    const line = before.split("\n").length - 1;
    return { line, character: at - (before.lastIndexOf("\n") + 1) };
  };
  const hoverKeyPos = pos(`[@${key}]`, 4);
  const none = { first: NaN, all: [] as number[] };
  let completion = none;
  let quoteCompletion = none;
  let hoverKey = none;
  let hoverQuote = none;
  if (s) {
    const server = s;
    server.conn.sendNotification("textDocument/didOpen", { textDocument: { uri: scratchUri, languageId: "markdown", version: 1, text: scratch } });
    await server.waitDiagnostics(scratchUri, () => true);
  }
  if (s && !skip.has("latency")) {
    const server = s;
    const timeRequests = async (method: string, position: { line: number; character: number }, context?: unknown): Promise<{ first: number; all: number[] }> => {
      const all: number[] = [];
      let first = NaN;
      for (let i = 0; i < requests + 5; i++) {
        const t0 = performance.now();
        await server.conn.sendRequest(method, { textDocument: { uri: scratchUri }, position, ...(context ? { context } : {}) });
        const dt = performance.now() - t0;
        if (i === 0) first = dt;
        if (i >= 5) all.push(dt); // the first few warm the JIT and the feature catalogue
      }
      return { first, all };
    };
    completion = await timeRequests("textDocument/completion", pos("本文[@", 4), { triggerKind: 2, triggerCharacter: "@" });
    quoteCompletion = await timeRequests("textDocument/completion", pos("記事は「", 4 + 3), { triggerKind: 1 });
    hoverKey = await timeRequests("textDocument/hover", hoverKeyPos);
    hoverQuote = await timeRequests("textDocument/hover", pos(`引用は「`, 6));
    log(`${tag} completion p95 ${ms(quantile(completion.all, 0.95))}, quote completion p95 ${ms(quantile(quoteCompletion.all, 0.95))}, hover p95 ${ms(quantile(hoverKey.all, 0.95))} / ${ms(quantile(hoverQuote.all, 0.95))}; first completion ${ms(completion.first)} / quote ${ms(quoteCompletion.first)}; load ${load1()}`);
  }

  // A 20,000-character draft: first diagnostics, then edits in one paragraph.
  let bigFirst = NaN;
  const edits: number[] = [];
  let memWarm = { rss: NaN, hwm: NaN };
  if (s && !skip.has("big")) {
    const server = s;
    const bigText = readFileSync(ws.draft20k, "utf8");
    const bigUri = pathToFileURL(ws.draft20k).href;
    const t0 = performance.now();
    server.conn.sendNotification("textDocument/didOpen", { textDocument: { uri: bigUri, languageId: "markdown", version: 1, text: bigText } });
    bigFirst = (await server.waitDiagnostics(bigUri, (p) => p.version === 1)).at - t0;
    const lines = bigText.split("\n");
    const editLine = lines.findIndex((l, i) => i > lines.length / 2 && l.length > 40);
    for (let v = 2; v < 2 + 20; v++) {
      const ch = v % 2 === 0 ? "、" : "。";
      const e0 = performance.now();
      server.conn.sendNotification("textDocument/didChange", {
        textDocument: { uri: bigUri, version: v },
        contentChanges: [{ range: { start: { line: editLine, character: 5 }, end: { line: editLine, character: v === 2 ? 5 : 6 } }, text: ch }],
      });
      edits.push((await server.waitDiagnostics(bigUri, (p) => p.version === v)).at - e0);
    }
    log(`${tag} 20k draft: first ${ms(bigFirst)}, after an edit p50 ${ms(median(edits))} p95 ${ms(quantile(edits, 0.95))}; load ${load1()}`);
    // Memory of the warm server with its drafts, before the rebuild experiments below.
    memWarm = server.rss();
    // The 20k draft is closed again: the rebuild figures below are not about re-checking it.
    server.conn.sendNotification("textDocument/didClose", { textDocument: { uri: bigUri } });
  } else if (s) memWarm = s.rss();

  const reindex: number[] = [];
  const reindexServer: number[] = [];
  const hoverChange: number[] = [];
  let hoverBig: number[] = [];
  let hoverFull: number[] = [];
  let mem = { rss: NaN, hwm: NaN };
  if (s && !skip.has("rebuilds")) {
    const server = s;
    // One corpus file changes: time until the server reports the new index (a hover every 25 ms meanwhile).
    const changed = join(ws.corpus, readdirSync(ws.corpus).find((f) => f.endsWith(".txt")) ?? "");
    const firstFile = existsSync(changed) && statSync(changed).isFile() ? changed : (await loadCorpus({ dir: ws.corpus })).sources[1].meta.path;
    const original = readFileSync(firstFile, "utf8");
    try {
      for (let i = 0; i < Math.max(3, runs); i++) {
        // (The file may be a link into ../shared: it is replaced by a file here, then restored as it was.)
        rmSync(firstFile);
        writeFileSync(firstFile, original + `\n追記${i}:ベンチマークのための変更。\n`);
        const t0 = performance.now();
        const hovers = await hoversDuringRebuild(server, scratchUri, hoverKeyPos, () =>
          server.conn.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(firstFile).href, type: 2 }] }),
        );
        const last = server.logs.filter((l) => l.at >= t0 && INDEXED.test(l.message)).at(-1)!;
        reindex.push(last.at - t0);
        reindexServer.push(Number(INDEXED.exec(last.message)![2]));
        hoverChange.push(...hovers);
        await server.waitDiagnostics(scratchUri, () => true, 60_000).catch(() => undefined);
      }
    } finally {
      restore(firstFile, original, w);
    }
    log(`${tag} re-index after one change: ${ms(median(reindex))} (server ${ms(median(reindexServer))}); hover during it: max ${ms(Math.max(...hoverChange))}; load ${load1()}`);

    // A large new article (slow to analyse, on the change worker): hovers meanwhile.
    const big = join(ws.corpus, "zz-bench-large-article.txt");
    writeFileSync(big, bigArticle(ws, 600_000));
    hoverBig = await hoversDuringRebuild(server, scratchUri, hoverKeyPos, () =>
      server.conn.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(big).href, type: 1 }] }),
    );
    rmSync(big);
    await hoversDuringRebuild(server, scratchUri, hoverKeyPos, () => server.conn.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(big).href, type: 3 }] }));
    log(`${tag} hover while a 600,000-character article is indexed: p95 ${ms(quantile(hoverBig, 0.95))}, max ${ms(Math.max(...hoverBig))} (${hoverBig.length} hovers); load ${load1()}`);

    // A full rebuild (a new catalogue file: every source again, through the cache): hovers meanwhile.
    const catalogue = join(ws.corpus, "sources.yaml");
    writeFileSync(catalogue, "# benchmark: an empty catalogue\n");
    hoverFull = await hoversDuringRebuild(server, scratchUri, hoverKeyPos, () =>
      server.conn.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(catalogue).href, type: 1 }] }),
    );
    rmSync(catalogue);
    log(`${tag} hover during a full rebuild: p95 ${ms(quantile(hoverFull, 0.95))}, max ${ms(Math.max(...hoverFull))} (${hoverFull.length} hovers); load ${load1()}`);
    // Settled: the catalogue of the new index warmed, the build's garbage collected.
    await new Promise((r) => setTimeout(r, 5000));
    mem = server.rss();
  }
  if (s) await s.stop();
  if (!givenCache) rmSync(warmCache, { recursive: true, force: true });

  // The server's own cold build (empty cache): time and peak RSS.
  let serverColdMs = NaN;
  let coldPeak = NaN;
  if (!skip.has("cold")) {
    const coldCache = mkdtempSync(join(tmpdir(), "shutten-bench-cache-"));
    const c = await startServer(ws, coldCache);
    const { at: coldAt, match } = await c.waitLog(INDEXED, 0, 3_600_000);
    coldPeak = c.rss().hwm;
    serverColdMs = Number(match[2]);
    await c.stop();
    rmSync(coldCache, { recursive: true, force: true });
    log(`${tag} server cold index: ${ms(serverColdMs)} (${ms(coldAt - c.spawnedAt)} from spawn), peak RSS ${mb(coldPeak)}; load ${load1()}`);
  }

  return {
    name: w.name,
    kind: w.kind,
    files,
    bytes,
    bodyChars,
    clashing,
    sources,
    mecabMs: median(mecab),
    mecabCpuMs: median(mecabCpu),
    indexMs: median(indexMs),
    indexCpuMs: median(indexCpu),
    indexRss: indexRss.length ? Math.max(...indexRss) : NaN,
    ratio: median(ratios),
    cpuRatio: median(cpuRatios),
    ratios,
    cacheBytes,
    checkMs: median(checks),
    checkCpuMs: median(checksCpu),
    warmMs: median(warm),
    firstDiagMs: median(firstDiag),
    firstDiagCpuMs: median(firstDiagCpu),
    firstDiagFromSpawnMs: median(firstDiagSpawn),
    completion: completion.all,
    quoteCompletion: quoteCompletion.all,
    hoverKey: hoverKey.all,
    hoverQuote: hoverQuote.all,
    firstCompletionMs: completion.first,
    firstQuoteCompletionMs: quoteCompletion.first,
    bigDiagFirstMs: bigFirst,
    bigDiagEdit: edits,
    reindex,
    reindexServer,
    hoverDuring: { change: hoverChange, bigChange: hoverBig, full: hoverFull },
    serverColdMs,
    serverColdPeak: coldPeak,
    rss: memWarm.rss,
    rssPeak: Math.max(memWarm.hwm, Number.isNaN(coldPeak) ? 0 : coldPeak),
    rssAfterRebuilds: mem.rss,
    load: [loadAtStart, load1()],
    runs,
  };
}

/** Puts a changed corpus file back as it was (a link into ../shared stays a link). */
function restore(file: string, original: string, w: Workload): void {
  rmSync(file, { force: true });
  if (w.kind === "real") {
    const rel = file.slice(w.ws.corpus.length + 1);
    const target = resolve(repoRoot, "..", "shared", "corpora", "ldcc", rel);
    if (existsSync(target)) {
      execFileSync("ln", ["-s", target, file]);
      return;
    }
  }
  writeFileSync(file, original);
}

// ---------------------------------------------------------------------------------------------
// Report

function log(s: string) {
  process.stderr.write(s + "\n");
}

/** The commit the measured build came from (`+` when the tree had changes). */
function commitMeasured(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: repoRoot, encoding: "utf8" }).trim() !== "";
    return `${head}${dirty ? "+" : ""}${process.env.BENCH_DIST ? ` (bundles from ${process.env.BENCH_DIST})` : ""}`;
  } catch {
    return "unknown";
  }
}

/** A saved run (`--save`): NaN, which JSON cannot hold, is written as the string "NaN". */
interface SavedRun {
  command: string;
  machine: string[];
  results: Result[];
}
const saveRun = (file: string, run: SavedRun) => writeFileSync(file, JSON.stringify(run, (_, v) => (typeof v === "number" && Number.isNaN(v) ? "NaN" : v), 2));
const loadRun = (file: string): SavedRun => JSON.parse(readFileSync(file, "utf8"), (_, v) => (v === "NaN" ? NaN : v)) as SavedRun;

function machine(): string[] {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "?";
  const nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  const mecab = spawnSync("mecab", ["--version"], { encoding: "utf8" }).stdout.trim();
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  return [
    `- CPU: ${cpu} — \`nproc\` = ${nproc}`,
    `- memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GB`,
    `- Node ${process.version}; ${mecab} with mecab-ipadic-utf8`,
    `- load average when the run ended: ${load}`,
    `- date: ${new Date().toISOString().slice(0, 10)}; commit measured: ${commitMeasured()}`,
    ...(skip.size ? [`- phases left out (\`--skip\`): ${[...skip].join(", ")} — their rows have no figure and their budgets are not judged in this run`] : []),
  ];
}

function pcts(xs: number[]): string {
  return `${ms(quantile(xs, 0.5))} / ${ms(quantile(xs, 0.95))} / ${ms(quantile(xs, 0.99))}`;
}

const GB = 1024 ** 3;

/** A budget and whether a figure met it (`—` where the budget does not apply to this workload). */
type Verdict = { text: string; ok: boolean | null };
const verdict = (ok: boolean | null, text: string): Verdict => ({ ok, text });

function table(results: Result[]): { markdown: string; verdicts: string[] } {
  const head = `| figure | budget | ${results.map((r) => r.name).join(" | ")} |`;
  const sep = `| --- | --- | ${results.map(() => "---").join(" | ")} |`;
  const verdicts: string[] = [];
  const row = (name: string, budget: string, f: (r: Result) => string, check?: (r: Result) => boolean | null) =>
    `| ${name} | ${budget} | ${results
      .map((r) => {
        // A phase left out (`--skip`) has no figure and no verdict.
        const ok = /^—/.test(f(r)) ? null : (check?.(r) ?? null);
        if (ok !== null) verdicts.push(`${ok ? "met" : "MISSED"}: ${name} (${budget}) for ${r.name}: ${f(r)}`);
        return ok === null ? f(r) : `${f(r)} ${ok ? "✓" : "✗"}`;
      })
      .join(" | ")} |`;
  const is10k = (r: Result) => r.kind === "synthetic" && r.files >= 10_000;
  const markdown = [
    head,
    sep,
    row("corpus", "", (r) => `${r.files.toLocaleString("en")} files, ${(r.bytes / 1e6).toFixed(1)} MB, ${(r.bodyChars / 1e6).toFixed(2)} M body chars`),
    row("files with a clashing inferred key → sources indexed", "every file indexed", (r) => `${r.clashing ?? "—"} → ${r.sources.toLocaleString("en")} of ${r.files.toLocaleString("en")}`, (r) => r.sources === r.files),
    row("load average (1 min) when the workload started / ended", "", (r) => `${r.load[0].toFixed(1)} / ${r.load[1].toFixed(1)}`),
    row("cold `shutten index` (wall, median; CPU time of all threads)", "", (r) => `${sec(r.indexMs)} (CPU ${sec(r.indexCpuMs)})`),
    row("MeCab on the same body text (same run; CPU time)", "", (r) => `${sec(r.mecabMs)} (${kcps((r.bodyChars / r.mecabMs) * 1000)}; CPU ${sec(r.mecabCpuMs)})`),
    row("cold index throughput / MeCab's (wall; per CPU-second)", "≥ 0.25 (SPEC), ≥ 0.4 on ldcc (aim 0.5)", (r) => `${r.ratio.toFixed(2)} (${kcps((r.bodyChars / r.indexMs) * 1000)}); ${r.cpuRatio.toFixed(2)} per CPU-second`, (r) => (Number.isNaN(r.ratio) ? null : r.ratio >= (r.kind === "real" ? 0.4 : 0.25))),
    row("peak RSS of `shutten index`", "≤ 1 GB (ldcc)", (r) => mb(r.indexRss), (r) => (r.kind === "real" ? r.indexRss <= GB : null)),
    row("cache size (analyses + snapshot)", "", (r) => mb(r.cacheBytes)),
    row("`shutten check` of a small draft, after `index` (wall; CPU time)", "≤ 2 s at 10k", (r) => `${sec(r.checkMs)} (CPU ${sec(r.checkCpuMs)})`, (r) => (is10k(r) && !Number.isNaN(r.checkMs) ? r.checkMs <= 2000 : null)),
    row("fresh server after `index`: first diagnostics after didOpen (from spawn; server CPU time)", "≤ 1.5 s at 10k", (r) => `${sec(r.firstDiagMs)} (${sec(r.firstDiagFromSpawnMs)}; CPU ${sec(r.firstDiagCpuMs)})`, (r) => (is10k(r) && !Number.isNaN(r.firstDiagMs) ? r.firstDiagMs <= 1500 : null)),
    row("warm start (server's index from the snapshot)", "", (r) => sec(r.warmMs)),
    row("`[@` completion p50 / p95 / p99", "p95 < 50 ms, p99 < 100 ms", (r) => pcts(r.completion), (r) => quantile(r.completion, 0.95) < 50 && quantile(r.completion, 0.99) < 100),
    row("`「` quote completion p50 / p95 / p99", "p95 < 50 ms, p99 < 100 ms", (r) => pcts(r.quoteCompletion), (r) => quantile(r.quoteCompletion, 0.95) < 50 && quantile(r.quoteCompletion, 0.99) < 100),
    row("hover on a key p50 / p95 / p99", "p95 < 50 ms, p99 < 100 ms", (r) => pcts(r.hoverKey), (r) => quantile(r.hoverKey, 0.95) < 50 && quantile(r.hoverKey, 0.99) < 100),
    row("hover on a quote p50 / p95 / p99", "p95 < 50 ms, p99 < 100 ms", (r) => pcts(r.hoverQuote), (r) => quantile(r.hoverQuote, 0.95) < 50 && quantile(r.hoverQuote, 0.99) < 100),
    row("first `[@` / first `「` completion after the warm start (the quote waits for the catalogue if it is still being built)", "", (r) => `${ms(r.firstCompletionMs)} / ${r.firstQuoteCompletionMs === undefined ? "—" : ms(r.firstQuoteCompletionMs)}`),
    row("20k-char draft: first diagnostics", "", (r) => ms(r.bigDiagFirstMs)),
    row("20k-char draft: diagnostics after an edit p50 / p95", "< 200 ms", (r) => `${ms(median(r.bigDiagEdit))} / ${ms(quantile(r.bigDiagEdit, 0.95))}`, (r) => quantile(r.bigDiagEdit, 0.95) < 200),
    row("one changed file re-indexed (wall / server)", "< 300 ms", (r) => (r.reindex.length ? `${ms(median(r.reindex))} / ${ms(median(r.reindexServer))}` : "—"), (r) => median(r.reindex) < 300),
    row("hover while one file re-indexes (max)", "< 200 ms", (r) => (r.hoverDuring.change.length ? ms(Math.max(...r.hoverDuring.change)) : "—"), (r) => Math.max(...r.hoverDuring.change) < 200),
    row("hover while a 600,000-char article is indexed (p95 / max)", "< 200 ms", (r) => `${ms(quantile(r.hoverDuring.bigChange, 0.95))} / ${ms(maxOf(r.hoverDuring.bigChange))}`, (r) => maxOf(r.hoverDuring.bigChange) < 200),
    row("hover during a full rebuild (p95 / max)", "< 200 ms", (r) => `${ms(quantile(r.hoverDuring.full, 0.95))} / ${ms(maxOf(r.hoverDuring.full))}`, (r) => maxOf(r.hoverDuring.full) < 200),
    row("server's own cold index (empty cache)", "", (r) => sec(r.serverColdMs)),
    row("server RSS, warm with its drafts (peak, its own cold build included)", "≤ 1 GB at 10k", (r) => `${mb(r.rss)} (${mb(r.rssPeak)})`, (r) => (is10k(r) ? r.rssPeak <= GB : null)),
    row("server RSS after the rebuilds above", "≤ 1 GB at 10k", (r) => mb(r.rssAfterRebuilds), (r) => (is10k(r) ? r.rssAfterRebuilds <= GB : null)),
    row("runs (fresh processes)", "", (r) => String(r.runs)),
  ].join("\n");
  return { markdown, verdicts };
}

/** Growth from each synthetic size to the next: time and memory per article, so linear growth shows as a ratio near 1. */
function growth(results: Result[]): string[] {
  const synth = results.filter((r) => r.kind === "synthetic").sort((a, b) => a.files - b.files);
  const out: string[] = [];
  for (let i = 1; i < synth.length; i++) {
    const a = synth[i - 1];
    const b = synth[i];
    const k = b.files / a.files;
    const f = (x: number, y: number) => (y / x / k).toFixed(2);
    out.push(
      `- ${a.files.toLocaleString("en")} → ${b.files.toLocaleString("en")} articles (×${k.toFixed(0)}): per-article cold index time ×${f(a.indexMs, b.indexMs)}, peak RSS of \`index\` ×${f(a.indexRss, b.indexRss)}, cache size ×${f(a.cacheBytes, b.cacheBytes)}, server RSS ×${f(a.rss, b.rss)}, server peak RSS ×${f(a.rssPeak, b.rssPeak)}; first diagnostics ${sec(a.firstDiagMs)} → ${sec(b.firstDiagMs)} (×${(b.firstDiagMs / a.firstDiagMs).toFixed(2)}), \`check\` ${sec(a.checkMs)} → ${sec(b.checkMs)}. A factor ≤ 1 is growth no worse than linear.`,
    );
  }
  return out;
}

/**
 * `doc` with its `## NAME` section (up to the next `## ` heading) replaced by `section`, or with
 * `section` appended when there is none; every other section is kept as it is, where it is.
 */
export function replaceSection(doc: string, name: string, section: string): string {
  const heading = new RegExp(`^## ${name}\\b.*$`, "m");
  const m = heading.exec(doc);
  const body = section.replace(/\s*$/, "\n");
  if (!m) return doc.replace(/\s*$/, "\n\n") + body;
  const next = /^## /m.exec(doc.slice(m.index + m[0].length));
  const end = next ? m.index + m[0].length + next.index : doc.length;
  return doc.slice(0, m.index) + body + (next ? "\n" + doc.slice(end) : "");
}

async function main() {
  const command = `npm run bench -- ${argv.join(" ")}`.trim();
  if (fromFiles.length) {
    const runs = fromFiles.map(loadRun);
    writeDoc(
      runs.flatMap((r) => r.results),
      runs.map((r) => r.command),
      runs.flatMap((r, i) => (runs.length > 1 ? [`Part ${i + 1} (${r.results.map((x) => x.name).join(", ")}):`, "", ...r.machine, ""] : r.machine)),
    );
    return;
  }
  if (!argv.includes("--no-build")) execFileSync(process.execPath, [join(repoRoot, "esbuild.mjs")], { stdio: "inherit", cwd: repoRoot });
  const workloads: Workload[] = sizes.map((n) => ({ name: `${n.toLocaleString("en")} articles`, kind: "synthetic" as const, ws: ensureWorkspace(n) }));
  if (ldccArg !== "none") {
    const limit = ldccArg === "all" ? undefined : Number(ldccArg);
    const ws = await ensureLdccWorkspace(limit);
    if (ws) workloads.push({ name: limit ? `ldcc (${ws.size.toLocaleString("en")} articles)` : "ldcc (real text)", kind: "real", ws });
    else log("(../shared/corpora/ldcc not found: no real-text workload)");
  }
  const results: Result[] = [];
  for (const w of workloads) {
    const runs = runsArg ?? (w.ws.size >= 10_000 || w.kind === "real" ? 1 : 3);
    results.push(await measure(w, runs));
  }
  const t = table(results);
  console.log(t.markdown);
  console.log(t.verdicts.join("\n"));
  if (saveTo) saveRun(saveTo, { command, machine: machine(), results });
  if (write) writeDoc(results, [command], machine());
}

/** Rewrites the "Scale" section of docs/benchmarks.md from `results` (one run, or saved parts). */
function writeDoc(results: Result[], commands: string[], machineLines: string[]): void {
  const t = table(results);
  {
    const file = join(repoRoot, "docs", "benchmarks.md");
    const missed = t.verdicts.filter((v) => v.startsWith("MISSED"));
    const section = [
      "## Scale",
      "",
      "Generated by `bench/run.ts` (only this section; the other sections belong to other benchmarks) — do not edit by hand.",
      "",
      commands.length > 1 ? `Commands (parts run apart, then \`npm run bench -- --from …\` wrote this section): ${commands.map((c) => `\`${c}\``).join("; ")}` : `Command: \`${commands[0]}\``,
      "",
      "Machine:",
      "",
      ...machineLines,
      "",
      "Synthetic corpora (bench/generateCorpus.ts, seeded): sentences of the sample articles recombined",
      "with varied names, numbers, dates and quotes, in page noise (menus, share bars, rankings,",
      "newsletter prompts). Their keys are inferred from outlet and date (10 outlets over 45 days), so",
      "most articles share an inferred key with others, as in a newsroom archive. Real text: the",
      "livedoor news corpus (`../shared/corpora/ldcc/*/*-N.txt`, linked, never copied). MeCab (Debian",
      "`mecab`, IPADIC) runs over exactly the body text Shutten analyses, right before and after each",
      "`shutten index`, in the same run: the ratio is MeCab's time over `index`'s (dictionary load,",
      "reading, cleaning, analysis, index, snapshot), both over the same characters; the same ratio of",
      "CPU times (all threads) is given beside it, as a busy machine stretches wall times. `check` and the",
      "fresh server start from what `shutten index` left. Latencies are sequential requests over",
      `stdio (${requests} each, after 5 warm-up requests). Diagnostics are measured with \`debounceMs: 0\`.`,
      "Hovers during rebuilds are sent every 25 ms from the change until the server reports the new index.",
      "",
      t.markdown,
      "",
      "### Budgets in this run",
      "",
      missed.length ? `Missed: ${missed.length} of ${t.verdicts.length}.` : `All ${t.verdicts.length} budgets checked were met.`,
      "",
      ...t.verdicts.map((v) => `- ${v}`),
      "",
      "### Growth",
      "",
      ...(growth(results).length ? growth(results) : ["(one synthetic size only)"]),
      "",
    ].join("\n");
    writeFileSync(file, replaceSection(existsSync(file) ? readFileSync(file, "utf8") : "# Benchmarks\n", "Scale", section));
    log("wrote docs/benchmarks.md");
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
