/**
 * The reference-library benchmark (never part of `npm test`): a generated library of 20,000
 * entries, as a reference manager exports it (Better BibTeX-style `.bib` with abstracts, keywords
 * and file links; the same library as CSL-JSON), read by the core and by the shipped server
 * (dist/server.js over stdio), and the figures written to the "## Bibliography" section of
 * docs/benchmarks.md (only that section).
 *
 *   node --import tsx bench/bibliography.ts [--entries 20000] [--runs 3] [--requests 300] [--no-write] [--no-build]
 *
 * Budgets (issue 11): completion p95 ≤ 50 ms, load ≤ 2 s, RSS growth ≤ 150 MB. Figures are medians
 * over runs (a fresh server per run); nothing is asserted: a shared machine is noisy, so CPU time is
 * given beside wall time.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileCatalog, addReadings, searchLibrary } from "../server/src/core/bibliography/libraryCatalog";
import { formatReference } from "../server/src/core/bibliography/formatReference";
import { ReferenceLibrary } from "../server/src/core/bibliography/library";
import { parseLibraryFile } from "../server/src/core/bibliography/libraryParser";
import { LibraryItemCache } from "../server/src/core/bibliography/libraryCache";
import { loadTokenizer } from "../server/src/core/text/tokenizer";
import { createWorkspace, positionOf, startServer, type LspClient } from "../test/protocol/lspClient";
import { prng as rng } from "./prng";

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const ENTRIES = Number(arg("entries", "20000"));
const RUNS = Number(arg("runs", "3"));
const REQUESTS = Number(arg("requests", "300"));
const repoRoot = join(__dirname, "..");
const workerScript = join(repoRoot, "dist", "libraryWorker.js");

// ---------------------------------------------------------------------------------------------
// Statistics

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const median = (xs: number[]) => quantile(xs, 0.5);
const ms = (x: number) => (Number.isNaN(x) ? "—" : x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);
const sec = (x: number) => `${(x / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const pct = (xs: number[]) => `${ms(quantile(xs, 0.5))} / ${ms(quantile(xs, 0.95))} / ${ms(quantile(xs, 0.99))}`;

// ---------------------------------------------------------------------------------------------
// The generated library (seeded: the same library every run)


const EN_FAMILY = "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Peterson Cooper Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price Sanders Myers Long Ross Foster Plokhy Sakwa Trenin Snyder Applebaum Kotkin Galeotti Hill Stent".split(" ");
const EN_GIVEN = "John Mary Robert Patricia Michael Linda William Elizabeth David Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Nancy Serhii Richard Dmitri Timothy Anne Stephen Fiona Angela Mark".split(" ");
const EN_WORDS = "war peace security diplomacy negotiation ceasefire sanctions energy alliance sovereignty borderlands empire nation identity memory propaganda media information conflict escalation deterrence nuclear order institutions legitimacy reform transition democracy authoritarianism economy trade corruption elites regime history frontier crisis strategy intervention".split(" ");
const JOURNALS = ["Foreign Affairs", "International Security", "Survival", "Europe-Asia Studies", "Post-Soviet Affairs", "Journal of Strategic Studies", "International Affairs", "Security Dialogue", "Slavic Review", "Journal of Democracy"];
const PUBLISHERS = ["Oxford University Press", "Cambridge University Press", "Yale University Press", "Routledge", "Polity", "Basic Books", "Penguin", "I.B. Tauris"];
const JA_FAMILY = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川 前田 岡田 長谷川 藤田 後藤 近藤 村上 遠藤 青木 坂本 小泉 廣瀬 袴田 下斗米".split(" ");
const JA_GIVEN = "太郎 花子 健 陽子 悠 茂樹 伸夫 明 誠 恵子 浩 直樹 裕子 大輔 真由美 拓也 美穂 修 彩 隆".split(" ");
const JA_WORDS = "日本 外交 安全保障 ロシア ウクライナ 戦争 国際秩序 政治 経済 歴史 社会 報道 メディア 言説 冷戦 同盟 制裁 エネルギー 核抑止 領土 主権 民主主義 権威主義 地政学 東欧 欧州 停戦 交渉 和平 危機".split(" ");
const JA_TAILS = ["の研究", "の再検討", "序説", "をめぐる論争", "の構造", "と日本", "の変容", "の論理", "の実像", "の行方"];
const JA_PUBLISHERS = ["岩波書店", "筑摩書房", "講談社", "中央公論新社", "有斐閣", "東京大学出版会", "慶應義塾大学出版会", "千倉書房", "ミネルヴァ書房"];
const JA_JOURNALS = ["国際問題", "国際政治", "外交", "法学論叢", "ロシア・東欧研究", "スラヴ研究", "アジア研究", "年報政治学"];

interface GenEntry {
  key: string;
  bib: string;
  csl: Record<string, unknown>;
}

/** `n` entries, a third Japanese, keys in Better BibTeX's style (`family` + year + first title word). */
function generateLibrary(n: number): GenEntry[] {
  const r = rng(20_000);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const used = new Map<string, number>();
  const out: GenEntry[] = [];
  for (let i = 0; i < n; i++) {
    const ja = r() < 0.35;
    const year = 1990 + Math.floor(r() * 35);
    const kind = r();
    const type = kind < 0.5 ? "article" : kind < 0.75 ? "book" : kind < 0.9 ? "inproceedings" : "report";
    const nAuthors = 1 + Math.floor(r() * r() * 4);
    const authors = Array.from({ length: nAuthors }, () => (ja ? { family: pick(JA_FAMILY), given: pick(JA_GIVEN) } : { family: pick(EN_FAMILY), given: pick(EN_GIVEN) }));
    const words = Array.from({ length: 3 + Math.floor(r() * 5) }, () => pick(ja ? JA_WORDS : EN_WORDS));
    const title = ja ? words.slice(0, 3).join("と") + pick(JA_TAILS) : words.map((w, k) => (k === 0 ? w[0].toUpperCase() + w.slice(1) : w)).join(" ");
    const base = `${ja ? "ja" : authors[0].family.toLowerCase()}${year}${ja ? "" : words[0]}`;
    const seen = used.get(base) ?? 0;
    used.set(base, seen + 1);
    const key = seen ? `${base}${String.fromCharCode(96 + Math.min(26, seen))}${seen > 26 ? seen : ""}` : base;
    const container = type === "article" ? pick(ja ? JA_JOURNALS : JOURNALS) : type === "inproceedings" ? `Proceedings of the ${year} ${pick(EN_WORDS)} conference` : "";
    const publisher = type === "book" || type === "report" ? pick(ja ? JA_PUBLISHERS : PUBLISHERS) : "";
    const doi = r() < 0.45 ? `10.${1000 + Math.floor(r() * 9000)}/${key}` : "";
    const abstract = r() < 0.5 ? Array.from({ length: 40 + Math.floor(r() * 40) }, () => pick(ja ? JA_WORDS : EN_WORDS)).join(ja ? "、" : " ") + (ja ? "。" : ".") : "";
    const fields: [string, string][] = [
      ["title", title],
      ["author", authors.map((a) => `${a.family}, ${a.given}`).join(" and ")],
      ["date", `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, "0")}`],
    ];
    if (type === "article") fields.push(["journaltitle", container], ["volume", String(1 + Math.floor(r() * 90))], ["number", String(1 + Math.floor(r() * 6))], ["pages", `${1 + Math.floor(r() * 200)}--${201 + Math.floor(r() * 50)}`]);
    if (type === "inproceedings") fields.push(["booktitle", container]);
    if (publisher) fields.push(["publisher", publisher], ["location", ja ? "東京" : "London"]);
    if (doi) fields.push(["doi", doi]);
    if (r() < 0.3) fields.push(["url", `https://example.org/${key}`]);
    if (abstract) fields.push(["abstract", abstract]);
    if (r() < 0.4) fields.push(["keywords", words.slice(0, 3).join(", ")]);
    if (r() < 0.2) fields.push(["file", `/home/writer/Zotero/storage/${key}.pdf`]);
    if (ja) fields.push(["langid", "japanese"]);
    const bib = `@${type}{${key},\n${fields.map(([f, v]) => `  ${f} = {${v}}`).join(",\n")}\n}\n`;
    const csl: Record<string, unknown> = {
      id: key,
      type: type === "article" ? "article-journal" : type === "book" ? "book" : type === "inproceedings" ? "paper-conference" : "report",
      title,
      author: authors,
      issued: { "date-parts": [[year]] },
    };
    if (container) csl["container-title"] = container;
    if (publisher) csl.publisher = publisher;
    if (doi) csl.DOI = doi;
    if (abstract) csl.abstract = abstract;
    if (ja) csl.language = "ja";
    out.push({ key, bib, csl });
  }
  return out;
}

/** What a writer types after `[@`: key prefixes, family names, years, title words, Japanese words and kana. */
function queries(entries: GenEntry[], n: number): string[] {
  const r = rng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const out: string[] = [];
  const kana = ["さとう", "すずき", "たなか", "やまだ", "こいずみ", "むらかみ", "せんそう", "がいこう", "うくらいな", "ろしあ"];
  for (let i = 0; i < n; i++) {
    const e = pick(entries);
    const kind = i % 6;
    if (kind === 0) out.push(e.key.slice(0, 1 + Math.floor(r() * 6)));
    else if (kind === 1) out.push(pick(EN_FAMILY).slice(0, 2 + Math.floor(r() * 4)).toLowerCase());
    else if (kind === 2) out.push(String(1990 + Math.floor(r() * 35)));
    else if (kind === 3) out.push(pick(EN_WORDS).slice(0, 3 + Math.floor(r() * 3)));
    else if (kind === 4) out.push(pick([...JA_FAMILY, ...JA_WORDS]));
    else out.push(pick(kana));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The server

function rssOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

/**
 * A process's scheduler figures (ms): CPU time of all its threads, and the time its main thread
 * spent runnable but waiting for a CPU (the machine busy with other work). Wall time minus that wait
 * is what the main thread would have taken on an idle machine.
 */
/** CPU time (ms) the server's main thread has used so far. */
function mainCpu(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(/\s+/)[0]) / 1e6;
}

function schedOf(pid: number): { cpu: number; mainWait: number } {
  let cpu = 0;
  let mainWait = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").trim().split(/\s+/).map(Number);
      cpu += run / 1e6;
      if (Number(tid) === pid) mainWait = wait / 1e6;
    } catch {
      /* a thread that ended */
    }
  }
  return { cpu, mainWait };
}

interface ServerRun {
  load: number;
  /** Server CPU time (all threads) during the load, and the main thread's wait for a CPU. */
  loadCpu: number;
  loadWait: number;
  /** CPU time of the server's main thread during the load. */
  loadMainCpu: number;
  firstCompletion: number;
  /** From the draft naming the library to the first completion answered (every entry read): wall, server CPU. */
  fullyRead: number;
  fullyReadCpu: number;
  completion: number[];
  /** Server CPU time (main thread) per completion request. */
  completionCpu: number[];
  hover: number[];
  rssBefore: number;
  rssAfter: number;
  hwmGrowth: number;
  readings: number;
}

const BASE_DRAFT = "# メモ\n\n本文です[@nikkei-2025-04-12]。\n\n";

/**
 * One server on `ws`: `cacheDir` fresh (cold: every entry parsed) or already filled by an earlier
 * server on the same workspace (warm: the same library file, read again at the next start).
 */
async function serverRun(ws: ReturnType<typeof createWorkspace>, qs: string[], keys: string[], cacheDir: string): Promise<ServerRun> {
  const base = BASE_DRAFT;
  const client: LspClient = await startServer({ workspace: ws.dir, env: { SHUTTEN_CACHE_DIR: cacheDir } });
  try {
    const uri = ws.uri("draft.md");
    client.openDocument(uri, base);
    await client.waitForDiagnostics(uri, () => true, 120_000);
    // The server settled with the corpus and no library: the baseline.
    await client.completion(uri, positionOf(base, "[@nikkei", 2));
    await sleep(3_000);
    const pid = client.child.pid!;
    const before = rssOf(pid);

    // The draft names the library: load = until its diagnostics say the library's keys are known.
    const cited = keys.slice(0, 20);
    const withLib = `---\nbibliography: refs/library.bib\n---\n${base}${cited.map((k) => `[@${k}]`).join("")}。\n`;
    const s0 = schedOf(pid);
    const m0 = mainCpu(pid);
    const t0 = performance.now();
    client.changeDocument(uri, withLib); // version 2
    await client.waitForNotification<{ uri: string; version?: number; diagnostics: { code?: unknown }[] }>(
      "textDocument/publishDiagnostics",
      (p) => p.uri === uri && p.version === 2 && !p.diagnostics.some((x) => x.code === "unknown-source"),
      { timeoutMs: 120_000, includePast: false },
    );
    const load = performance.now() - t0;
    const s1 = schedOf(pid);
    const loadMainCpu = mainCpu(pid) - m0;

    const draftWith = (q: string) => `${withLib}\n続けて[@${q}`;
    let text = draftWith("a");
    client.changeDocument(uri, text);
    const tf = performance.now();
    await client.completion(uri, positionOf(text, "続けて[@", 5 + 1));
    const firstCompletion = performance.now() - tf;
    const fullyRead = performance.now() - t0;
    const fullyReadCpu = schedOf(pid).cpu - s0.cpu;

    // Readings are added in the background: wait until a kana query finds a Japanese name.
    const tr = performance.now();
    for (let i = 0; i < 600; i++) {
      text = draftWith("さとう");
      client.changeDocument(uri, text);
      const items = await client.completion(uri, positionOf(text, "[@さとう", 6));
      if (items.some((x) => String(x.detail ?? "").includes("佐藤"))) break;
      await sleep(100);
    }
    const readings = performance.now() - tr;

    const completion: number[] = [];
    const completionCpu: number[] = [];
    for (const q of qs) {
      text = draftWith(q);
      client.changeDocument(uri, text);
      await sleep(5); // the edit is applied before the request is timed
      const c0 = mainCpu(pid);
      const t = performance.now();
      await client.completion(uri, positionOf(text, `続けて[@${q}`, 5 + q.length));
      completion.push(performance.now() - t);
      completionCpu.push(mainCpu(pid) - c0);
    }
    client.changeDocument(uri, withLib);
    const hover: number[] = [];
    for (let i = 0; i < Math.min(100, qs.length); i++) {
      const k = cited[i % cited.length];
      const t = performance.now();
      await client.hover(uri, positionOf(withLib, `@${k}]`, 2));
      hover.push(performance.now() - t);
    }
    // Workers stop 5 s after their last job; garbage is collected once the server idles.
    await sleep(8_000);
    const after = rssOf(pid);
    return { load, loadCpu: s1.cpu - s0.cpu, loadWait: s1.mainWait - s0.mainWait, loadMainCpu, firstCompletion, fullyRead, fullyReadCpu, completion, completionCpu, hover, rssBefore: before.rss, rssAfter: after.rss, hwmGrowth: after.hwm - before.hwm, readings };
  } finally {
    await client.stop();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!argv.includes("--no-build")) spawnSync(process.execPath, [join(repoRoot, "esbuild.mjs")], { stdio: "inherit", cwd: repoRoot });
  const entries = generateLibrary(ENTRIES);
  const bibText = `% generated by bench/bibliography.ts\n@string{fa = {Foreign Affairs}}\n\n` + entries.map((e) => e.bib).join("\n");
  const jsonText = JSON.stringify(entries.map((e) => e.csl), null, 2);
  const dir = mkdtempSync(join(tmpdir(), "shutten-bib-bench-"));
  const bibPath = join(dir, "library.bib");
  const jsonPath = join(dir, "library.json");
  writeFileSync(bibPath, bibText);
  writeFileSync(jsonPath, jsonText);
  if (process.env.SHUTTEN_BENCH_DUMP) {
    writeFileSync(process.env.SHUTTEN_BENCH_DUMP, bibText);
    return;
  }
  const qs = queries(entries, REQUESTS);
  const load0 = loadavg()[0];
  console.log(`library: ${ENTRIES} entries, .bib ${mb(bibText.length)}, CSL-JSON ${mb(jsonText.length)}; load average ${load0.toFixed(2)}`);

  // Core: reading, on this thread and on the shipped workers.
  const core = { bibThread: [] as number[], bibThreadCpu: [] as number[], bibWorkers: [] as number[], bibWarm: [] as number[], bibWarmCpu: [] as number[], jsonThread: [] as number[], jsonWorkers: [] as number[], catalogue: [] as number[] };
  let lib: ReferenceLibrary | null = null;
  for (let run = 0; run < RUNS; run++) {
    let t = performance.now();
    let c = cpuMs();
    const bib = await parseLibraryFile(bibPath, readFileSync(bibPath), { workers: false });
    core.bibThread.push(performance.now() - t);
    core.bibThreadCpu.push(cpuMs() - c);
    if (bib.entries.length !== ENTRIES) throw new Error(`read ${bib.entries.length} of ${ENTRIES} entries: ${JSON.stringify(bib.problems.slice(0, 3))}`);
    t = performance.now();
    const viaWorkers = await parseLibraryFile(bibPath, readFileSync(bibPath), { workerScript });
    core.bibWorkers.push(performance.now() - t);
    if (viaWorkers.entries.length !== ENTRIES) throw new Error("workers lost entries");
    const cacheDir = mkdtempSync(join(tmpdir(), "shutten-bib-core-cache-"));
    await parseLibraryFile(bibPath, readFileSync(bibPath), { workerScript, cache: new LibraryItemCache(cacheDir) });
    t = performance.now();
    c = cpuMs();
    await parseLibraryFile(bibPath, readFileSync(bibPath), { workerScript, cache: new LibraryItemCache(cacheDir) });
    core.bibWarm.push(performance.now() - t);
    core.bibWarmCpu.push(cpuMs() - c);
    rmSync(cacheDir, { recursive: true, force: true });
    t = performance.now();
    await parseLibraryFile(jsonPath, readFileSync(jsonPath), { workers: false });
    core.jsonThread.push(performance.now() - t);
    t = performance.now();
    await parseLibraryFile(jsonPath, readFileSync(jsonPath), { workerScript });
    core.jsonWorkers.push(performance.now() - t);
    t = performance.now();
    lib = new ReferenceLibrary([viaWorkers]);
    fileCatalog(viaWorkers);
    core.catalogue.push(performance.now() - t);
  }
  const tokenizer = await loadTokenizer();
  let t = performance.now();
  addReadings(lib!.files[0], tokenizer);
  const readingsCore = performance.now() - t;
  const search: number[] = [];
  for (const q of qs) {
    t = performance.now();
    searchLibrary(lib!, q, 50);
    search.push(performance.now() - t);
  }
  const formatTimes: number[] = [];
  for (let i = 0; i < 100; i++) {
    const e = lib!.get(entries[(i * 197) % entries.length].key)!;
    t = performance.now();
    formatReference(e.csl);
    formatTimes.push(performance.now() - t);
  }
  console.log(`core: .bib ${ms(median(core.bibThread))} on one thread (${ms(median(core.bibThreadCpu))} CPU), ${ms(median(core.bibWorkers))} on workers; CSL-JSON ${ms(median(core.jsonThread))} / ${ms(median(core.jsonWorkers))}; catalogue ${ms(median(core.catalogue))}; readings ${ms(readingsCore)}`);

  // The shipped server.
  const runs: ServerRun[] = [];
  const warmRuns: ServerRun[] = [];
  for (let run = 0; run < RUNS; run++) {
    const cacheDir = mkdtempSync(join(tmpdir(), "shutten-bib-cache-"));
    const ws = createWorkspace({ "draft.md": BASE_DRAFT, "refs/library.bib": bibText });
    try {
      const r = await serverRun(ws, qs, entries.map((e) => e.key), cacheDir);
      runs.push(r);
      ws.write("draft.md", BASE_DRAFT);
      const w = await serverRun(ws, qs, entries.map((e) => e.key), cacheDir);
      warmRuns.push(w);
      console.log(`server run ${run + 1}: load cold ${ms(r.load)} / warm ${ms(w.load)}, completion p95 ${ms(quantile(r.completion, 0.95))}, RSS ${mb(r.rssBefore)} → ${mb(r.rssAfter)}`);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
      ws.dispose();
    }
  }
  const completionAll = [...runs, ...warmRuns].flatMap((r) => r.completion);
  const hoverAll = [...runs, ...warmRuns].flatMap((r) => r.hover);
  const growth = median(runs.map((r) => r.rssAfter - r.rssBefore));
  const load1 = loadavg()[0];

  const rows: [string, string, string][] = [
    ["library", "", `${ENTRIES.toLocaleString("en")} entries (${Math.round((entries.filter((e) => e.csl.language === "ja").length / ENTRIES) * 100)}% Japanese); .bib ${mb(bibText.length)}, CSL-JSON ${mb(jsonText.length)}`],
    ["load in the server, cold (nothing cached): draft names the library → its diagnostics know every key (median wall; wall less the main thread's wait for a CPU; server CPU time, all threads / main thread)", "≤ 2 s", loadFigures(runs)],
    ["library fully read in the server, cold: draft names the library → first completion answered with every entry's details (median wall; server CPU time)", "", `${sec(median(runs.map((r) => r.fullyRead)))}; ${sec(median(runs.map((r) => r.fullyReadCpu)))} CPU`],
    ["load in the server, warm (entries cached by an earlier start), the same figures", "≤ 2 s", loadFigures(warmRuns)],
    [".bib read on the server's two workers (core, median)", "", ms(median(core.bibWorkers))],
    [".bib read on one thread (core, median; CPU time)", "", `${ms(median(core.bibThread))} (${ms(median(core.bibThreadCpu))} CPU)`],
    [".bib read again from the item cache (core, median; CPU time)", "", `${ms(median(core.bibWarm))} (${ms(median(core.bibWarmCpu))} CPU)`],
    ["CSL-JSON read on workers / on one thread (core, median)", "", `${ms(median(core.jsonWorkers))} / ${ms(median(core.jsonThread))}`],
    ["completion catalogue built (core, median)", "", ms(median(core.catalogue))],
    ["kana readings of Japanese titles and names (background; core / in the server)", "", `${ms(readingsCore)} / ${sec(median(runs.map((r) => r.readings)))}`],
    [`\`[@\` completion over LSP p50 / p95 / p99 (${REQUESTS} requests × ${RUNS * 2} servers)`, "p95 ≤ 50 ms", pct(completionAll)],
    ["server CPU time per completion (main thread) p50 / p95 / p99", "", pct([...runs, ...warmRuns].flatMap((r) => r.completionCpu))],
    ["first completion after load (cold: waits for the entries' reading; warm)", "", `${ms(median(runs.map((r) => r.firstCompletion)))}; ${ms(median(warmRuns.map((r) => r.firstCompletion)))}`],
    ["search alone (core) p50 / p95 / p99", "", pct(search)],
    ["hover on a library key (citeproc) over LSP p50 / p95 / p99", "", pct(hoverAll)],
    ["citeproc formatting of one entry (core) p50 / p95", "", `${ms(quantile(formatTimes, 0.5))} / ${ms(quantile(formatTimes, 0.95))}`],
    ["server RSS growth once loaded and settled (median; peak growth while reading)", "≤ 150 MB", `${mb(growth)} (${mb(median(runs.map((r) => r.hwmGrowth)))} peak)`],
  ];
  function loadFigures(rs: ServerRun[]): string {
    return `${sec(median(rs.map((r) => r.load)))}; ${sec(median(rs.map((r) => r.load - r.loadWait)))} without waiting; ${sec(median(rs.map((r) => r.loadCpu)))} / ${sec(median(rs.map((r) => r.loadMainCpu)))} CPU`;
  }
  const section = [
    "## Bibliography",
    "",
    `Generated by \`bench/bibliography.ts\` (only this section) — command: \`node --import tsx bench/bibliography.ts --entries ${ENTRIES} --runs ${RUNS} --requests ${REQUESTS}\`.`,
    "",
    `Machine: \`nproc\` = ${cpus().length}, ${(totalmem() / 1024 ** 3).toFixed(1)} GB, Node ${process.version}; load average ${load0.toFixed(1)} at the start and ${load1.toFixed(1)} at the end (other work was running: wall times are upper bounds, CPU time is given where it matters).`,
    "",
    "The library is generated (seeded) as a reference manager exports it: Better BibTeX-style keys,",
    "one to four authors, titles, journals or publishers, DOIs and URLs, and the abstracts, keywords",
    "and file links real exports carry; a third of the entries are Japanese. The server measured is",
    "the shipped bundle (`dist/server.js --stdio`) with the sample corpus; a draft's front matter",
    "names the `.bib`. Completion queries mix key prefixes, family names, years, title words,",
    "Japanese words and kana readings. RSS growth compares the settled server before the draft names",
    "the library with the settled server after (the reading workers have stopped).",
    "",
    "A draft's diagnostics need only the library's keys: a large `.bib` is cut into its entries on the",
    "main thread and its keys serve the diagnostics at once (an entry the draft cites is parsed alone",
    "to know that it reads), while its entries are parsed on the two workers; completion, hover and",
    "the file's own problems wait for that reading, and the draft is checked again when it lands.",
    "",
    "| figure | budget | measured |",
    "| --- | --- | --- |",
    ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
    "",
  ].join("\n");
  console.log("\n" + section);
  if (!argv.includes("--no-write")) {
    const docPath = join(repoRoot, "docs", "benchmarks.md");
    const doc = readFileSync(docPath, "utf8");
    const start = doc.indexOf("## Bibliography");
    let next = start >= 0 ? doc.indexOf("\n## ", start + 1) : -1;
    if (next >= 0) next += 1;
    const updated = start < 0 ? doc.replace(/\s*$/, "\n\n") + section : doc.slice(0, start) + section + (next >= 0 ? "\n" + doc.slice(next) : "");
    writeFileSync(docPath, updated);
    console.log(`wrote the Bibliography section of ${docPath}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
