/**
 * The benchmark (`npm run bench`; never part of `npm test`). Measures the *shipped* bundles
 * (dist/server.js over stdio) on synthetic corpora from bench/generateCorpus.ts, next to MeCab on
 * the same body text, and rewrites docs/benchmarks.md.
 *
 *   npm run bench -- [--sizes 100,1000,10000] [--runs 3] [--requests 300] [--no-write] [--no-build]
 *
 * Figures are medians over repeated runs (fresh server processes); latencies are percentiles over
 * sequential requests. Nothing is asserted: a shared machine is noisy; the table says which budget
 * (SPEC §7) each figure is held against.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import { loadCorpus } from "../server/src/core/corpus/loadCorpus";
import { ensureWorkspace, repoRoot, type Workspace } from "./generateCorpus";

// ---------------------------------------------------------------------------------------------
// Arguments

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const sizes = arg("sizes", "100,1000").split(",").map((s) => Number(s.trim())).filter((n) => n > 0);
const runsArg = argv.includes("--runs") ? Number(arg("runs", "3")) : null;
const requests = Number(arg("requests", "300"));
const write = !argv.includes("--no-write");
const serverBundle = join(repoRoot, "dist", "server.js");

// ---------------------------------------------------------------------------------------------
// Small statistics

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i];
}
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
  stop(): Promise<void>;
}

async function startServer(ws: Workspace, cacheDir: string): Promise<Server> {
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, [serverBundle, "--stdio"], {
    env: { ...process.env, SHUTTEN_CACHE_DIR: cacheDir },
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
      await new Promise((r) => setTimeout(r, 100));
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

interface SizeResult {
  size: number;
  files: number;
  bytes: number;
  bodyChars: number;
  mecabMs: number;
  coldMs: number;
  coldWallMs: number;
  coldRssPeak: number;
  warmMs: number;
  firstDiagMs: number;
  firstDiagFromSpawnMs: number;
  firstCompletionMs: number;
  completion: number[];
  quoteCompletion: number[];
  hoverKey: number[];
  hoverQuote: number[];
  bigDiagFirstMs: number;
  bigDiagEdit: number[];
  reindex: number[];
  reindexServer: number[];
  rss: number;
  rssPeak: number;
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

function timeMecab(file: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync("sh", ["-c", `mecab < '${file}' > /dev/null`]);
    if (r.status !== 0) throw new Error(`mecab failed: ${r.stderr}`);
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function measure(size: number, runs: number): Promise<SizeResult> {
  const ws = ensureWorkspace(size);
  const { text, files, bytes } = await bodyText(ws);
  const bodyFile = join(ws.dir, "bodies.txt");
  writeFileSync(bodyFile, text);
  const bodyChars = text.length;
  log(`[${size}] ${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${bodyChars.toLocaleString("en")} body chars`);
  const mecabMs = timeMecab(bodyFile, Math.max(3, runs));
  log(`[${size}] mecab ${ms(mecabMs)} (${kcps((bodyChars / mecabMs) * 1000)})`);

  // Cold: an empty cache each run.
  const cold: number[] = [];
  const coldWall: number[] = [];
  const coldPeak: number[] = [];
  let warmCache = "";
  for (let i = 0; i < runs; i++) {
    const cacheDir = mkdtempSync(join(tmpdir(), "shutten-bench-cache-"));
    const s = await startServer(ws, cacheDir);
    const { at, match } = await s.waitLog(INDEXED, 0);
    cold.push(Number(match[2]));
    coldWall.push(at - s.spawnedAt);
    coldPeak.push(s.rss().hwm);
    await s.stop();
    if (i === runs - 1) warmCache = cacheDir;
    else rmSync(cacheDir, { recursive: true, force: true });
    log(`[${size}] cold ${i + 1}/${runs}: ${ms(Number(match[2]))} (server), ${ms(at - s.spawnedAt)} from spawn, peak RSS ${mb(coldPeak[i])}`);
  }

  // Warm: open the draft right away; time to its first diagnostics.
  const warm: number[] = [];
  const firstDiag: number[] = [];
  const firstDiagSpawn: number[] = [];
  const draftText = readFileSync(ws.draft, "utf8");
  const draftUri = pathToFileURL(ws.draft).href;
  let last: Server | null = null;
  for (let i = 0; i < runs; i++) {
    const s = await startServer(ws, warmCache);
    const openedAt = performance.now();
    s.conn.sendNotification("textDocument/didOpen", { textDocument: { uri: draftUri, languageId: "markdown", version: 1, text: draftText } });
    const d = await s.waitDiagnostics(draftUri, () => true);
    const { match } = await s.waitLog(INDEXED, 0);
    warm.push(Number(match[2]));
    firstDiag.push(d.at - openedAt);
    firstDiagSpawn.push(d.at - s.spawnedAt);
    log(`[${size}] warm ${i + 1}/${runs}: index ${ms(Number(match[2]))}, first diagnostics ${ms(d.at - openedAt)} after didOpen (${d.count} findings), ${ms(d.at - s.spawnedAt)} from spawn`);
    if (i < runs - 1) await s.stop();
    else last = s;
  }
  const s = last!;

  // Completion and hover latencies on a scratch draft.
  const quoteText = /「([^」]{8,})」/.exec(draftText)?.[1] ?? "停戦";
  const key = /\[@([^\]\s;,]+)\]/.exec(draftText)?.[1] ?? "gen-00000";
  const scratch = `# scratch\n\n本文[@\n\n記事は「${quoteText.slice(0, 3)}\n\n引用は「${quoteText}」と述べた[@${key}]。\n`;
  const scratchUri = pathToFileURL(join(ws.dir, "drafts", "scratch.md")).href;
  s.conn.sendNotification("textDocument/didOpen", { textDocument: { uri: scratchUri, languageId: "markdown", version: 1, text: scratch } });
  await s.waitDiagnostics(scratchUri, () => true);
  const pos = (needle: string, delta: number) => {
    const at = scratch.indexOf(needle) + delta;
    const before = scratch.slice(0, at);
    const line = before.split("\n").length - 1;
    return { line, character: at - (before.lastIndexOf("\n") + 1) };
  };
  const timeRequests = async (method: string, position: { line: number; character: number }, context?: unknown): Promise<{ first: number; all: number[] }> => {
    const all: number[] = [];
    let first = NaN;
    for (let i = 0; i < requests + 5; i++) {
      const t0 = performance.now();
      await s.conn.sendRequest(method, { textDocument: { uri: scratchUri }, position, ...(context ? { context } : {}) });
      const dt = performance.now() - t0;
      if (i === 0) first = dt;
      if (i >= 5) all.push(dt); // the first few warm the JIT and the feature catalogue
    }
    return { first, all };
  };
  const completion = await timeRequests("textDocument/completion", pos("本文[@", 4), { triggerKind: 2, triggerCharacter: "@" });
  const quoteCompletion = await timeRequests("textDocument/completion", pos("記事は「", 4 + 3), { triggerKind: 1 });
  const hoverKey = await timeRequests("textDocument/hover", pos(`[@${key}]`, 4));
  const hoverQuote = await timeRequests("textDocument/hover", pos(`引用は「`, 6));
  log(`[${size}] completion p95 ${ms(quantile(completion.all, 0.95))}, quote completion p95 ${ms(quantile(quoteCompletion.all, 0.95))}, hover p95 ${ms(quantile(hoverKey.all, 0.95))} / ${ms(quantile(hoverQuote.all, 0.95))}`);

  // A 20,000-character draft: first diagnostics, then edits in one paragraph.
  const bigText = readFileSync(ws.draft20k, "utf8");
  const bigUri = pathToFileURL(ws.draft20k).href;
  let t0 = performance.now();
  s.conn.sendNotification("textDocument/didOpen", { textDocument: { uri: bigUri, languageId: "markdown", version: 1, text: bigText } });
  const bigFirst = (await s.waitDiagnostics(bigUri, (p) => p.version === 1)).at - t0;
  const lines = bigText.split("\n");
  const editLine = lines.findIndex((l, i) => i > lines.length / 2 && l.length > 40);
  const edits: number[] = [];
  for (let v = 2; v < 2 + 20; v++) {
    const ch = v % 2 === 0 ? "、" : "。";
    t0 = performance.now();
    s.conn.sendNotification("textDocument/didChange", {
      textDocument: { uri: bigUri, version: v },
      contentChanges: [{ range: { start: { line: editLine, character: 5 }, end: { line: editLine, character: v === 2 ? 5 : 6 } }, text: ch }],
    });
    edits.push((await s.waitDiagnostics(bigUri, (p) => p.version === v)).at - t0);
  }
  log(`[${size}] 20k draft: first ${ms(bigFirst)}, after an edit p50 ${ms(median(edits))}`);

  // One corpus file changes: time until the server reports the new index.
  const changed = join(ws.corpus, "gen-00001.txt");
  const original = readFileSync(changed, "utf8");
  const reindex: number[] = [];
  const reindexServer: number[] = [];
  try {
    for (let i = 0; i < Math.max(3, runs); i++) {
      writeFileSync(changed, original + `\n追記${i}:ベンチマークのための変更。\n`);
      t0 = performance.now();
      s.conn.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(changed).href, type: 2 }] });
      const { at, match } = await s.waitLog(INDEXED, t0);
      reindex.push(at - t0);
      reindexServer.push(Number(match[2]));
      // The new index re-checks every open draft; let that finish so the next change is timed from
      // an idle server (otherwise it would also time the previous change's re-checks).
      await s.waitDiagnostics(bigUri, () => true, 60_000).catch(() => undefined);
    }
  } finally {
    writeFileSync(changed, original);
  }
  log(`[${size}] re-index after one change: ${ms(median(reindex))}`);
  const mem = s.rss();
  await s.stop();
  rmSync(warmCache, { recursive: true, force: true });

  return {
    size, files, bytes, bodyChars, mecabMs,
    coldMs: median(cold), coldWallMs: median(coldWall), coldRssPeak: Math.max(...coldPeak),
    warmMs: median(warm), firstDiagMs: median(firstDiag), firstDiagFromSpawnMs: median(firstDiagSpawn),
    firstCompletionMs: completion.first,
    completion: completion.all, quoteCompletion: quoteCompletion.all, hoverKey: hoverKey.all, hoverQuote: hoverQuote.all,
    bigDiagFirstMs: bigFirst, bigDiagEdit: edits, reindex, reindexServer,
    rss: mem.rss, rssPeak: Math.max(mem.hwm, ...coldPeak), runs,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function log(s: string) {
  process.stderr.write(s + "\n");
}

function machine(): string[] {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpus()[0]?.model ?? "?";
  const nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  const mecab = spawnSync("mecab", ["--version"], { encoding: "utf8" }).stdout.trim();
  return [
    `- CPU: ${cpu} — \`nproc\` = ${nproc}`,
    `- memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GB`,
    `- Node ${process.version}; ${mecab} with mecab-ipadic-utf8`,
    `- date: ${new Date().toISOString().slice(0, 10)}`,
  ];
}

function pcts(xs: number[]): string {
  return `${ms(quantile(xs, 0.5))} / ${ms(quantile(xs, 0.95))} / ${ms(quantile(xs, 0.99))}`;
}

function table(results: SizeResult[]): string {
  const head = `| figure | budget (SPEC §7) | ${results.map((r) => `${r.size.toLocaleString("en")} articles`).join(" | ")} |`;
  const sep = `| --- | --- | ${results.map(() => "---").join(" | ")} |`;
  const row = (name: string, budget: string, f: (r: SizeResult) => string) => `| ${name} | ${budget} | ${results.map(f).join(" | ")} |`;
  return [
    head,
    sep,
    row("corpus", "", (r) => `${r.files.toLocaleString("en")} files, ${(r.bytes / 1e6).toFixed(1)} MB, ${(r.bodyChars / 1e6).toFixed(2)} M body chars`),
    row("cold index (server, median)", "", (r) => `${sec(r.coldMs)} (${sec(r.coldWallMs)} from spawn)`),
    row("cold index throughput", "", (r) => kcps((r.bodyChars / r.coldMs) * 1000)),
    row("MeCab on the same body text", "", (r) => `${kcps((r.bodyChars / r.mecabMs) * 1000)} (${sec(r.mecabMs)})`),
    row("ratio to MeCab", "≥ 0.25 (aim 0.5)", (r) => (r.mecabMs / r.coldMs).toFixed(2)),
    row("warm start from the cache", "", (r) => sec(r.warmMs)),
    row("first diagnostics after didOpen, warm cache", "< 1.5 s at 10k", (r) => `${sec(r.firstDiagMs)} (${sec(r.firstDiagFromSpawnMs)} from spawn)`),
    row("`[@` completion p50 / p95 / p99", "p95 < 50 ms, p99 < 100 ms", (r) => pcts(r.completion)),
    row("`「` quote completion p50 / p95 / p99", "p95 < 50 ms, p99 < 100 ms", (r) => pcts(r.quoteCompletion)),
    row("hover on a key p50 / p95 / p99", "p95 < 50 ms, p99 < 100 ms", (r) => pcts(r.hoverKey)),
    row("hover on a quote p50 / p95 / p99", "p95 < 50 ms, p99 < 100 ms", (r) => pcts(r.hoverQuote)),
    row("first completion request (catalogue build)", "", (r) => ms(r.firstCompletionMs)),
    row("20k-char draft: first diagnostics", "", (r) => ms(r.bigDiagFirstMs)),
    row("20k-char draft: diagnostics after an edit p50 / p95", "< 200 ms", (r) => `${ms(median(r.bigDiagEdit))} / ${ms(quantile(r.bigDiagEdit, 0.95))}`),
    row("one changed file re-indexed (wall / server)", "< 300 ms", (r) => `${ms(median(r.reindex))} / ${ms(median(r.reindexServer))}`),
    row("server RSS after indexing (peak)", "< 1 GB at 10k", (r) => `${mb(r.rss)} (${mb(r.rssPeak)})`),
    row("runs (fresh processes)", "", (r) => String(r.runs)),
  ].join("\n");
}

async function main() {
  if (!argv.includes("--no-build")) execFileSync(process.execPath, [join(repoRoot, "esbuild.mjs")], { stdio: "inherit", cwd: repoRoot });
  const results: SizeResult[] = [];
  for (const size of sizes) {
    const runs = runsArg ?? (size >= 10_000 ? 2 : 3);
    results.push(await measure(size, runs));
  }
  const t = table(results);
  const command = `npm run bench -- ${argv.join(" ")}`.trim();
  console.log(t);
  if (write) {
    const doc = [
      "# Benchmarks",
      "",
      "Generated by `bench/run.ts` — do not edit by hand; rerun the benchmark instead.",
      "",
      `Command: \`${command}\``,
      "",
      "Machine:",
      "",
      ...machine(),
      "",
      "Corpora are synthetic (bench/generateCorpus.ts, seeded): sentences of the sample articles",
      "recombined with varied names, numbers, dates and quotes, in page noise (menus, share bars,",
      "rankings, newsletter prompts). The server measured is the shipped bundle (`dist/server.js",
      "--stdio`); MeCab (Debian `mecab`, IPADIC) runs over exactly the body text the server analyses.",
      "Throughput is body characters divided by the server's whole cold index (dictionary load,",
      "reading, cleaning, analysis, index construction). Latencies are sequential requests over stdio",
      `(${requests} each, after 5 warm-up requests; the first request, which builds the feature`,
      "catalogue, is reported on its own). Diagnostics are measured with `debounceMs: 0`.",
      "",
      t,
      "",
    ].join("\n");
    writeFileSync(join(repoRoot, "docs", "benchmarks.md"), doc);
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
