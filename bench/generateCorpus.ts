/**
 * Deterministic synthetic corpora for the benchmark, built from the sample articles in corpus/:
 * body sentences recombined into new articles, with varied names (katakana names of general
 * knowledge), numbers, dates and quotes, wrapped in realistic page noise (share bars, rankings,
 * newsletter prompts) taken from the samples' own boilerplate lines. Plus drafts that cite them
 * with known problems, and a ~20,000-character draft.
 *
 *   node --import tsx bench/generateCorpus.ts [--sizes 100,1000,10000] [--force]
 *
 * Output: bench/out/ws-<N>/corpus/*.txt (front matter: key, title, outlet, published),
 *         bench/out/ws-<N>/drafts/{draft.md,draft-20k.md,expected.json}, bench/out/ws-<N>/.done
 * The same seed and size always give the same bytes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { assignKeys } from "../server/src/core/corpus/citationKeys";
import { loadSource } from "../server/src/core/corpus/loadCorpus";
import { inferKey } from "../server/src/core/corpus/metadata";
import { splitSentences } from "../server/src/core/text/sentences";
import { prng } from "./prng";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "..");
export const outRoot = join(here, "out");
const GENERATOR_VERSION = "4";


/** Katakana names of public figures (general knowledge). */
const NAMES = [
  "トランプ", "プーチン", "ゼレンスキー", "マクロン", "ショルツ", "メルツ", "スターマー", "メローニ", "エルドアン", "モディ",
  "ルラ", "ネタニヤフ", "バイデン", "ハリス", "ルッテ", "グテレス", "ラブロフ", "ルビオ", "ヘグセス", "ウィトコフ",
  "ペスコフ", "レビット", "シビハ", "イエルマーク", "ドミトリエフ", "ウシャコフ", "ケロッグ", "バンス", "ストルテンベルグ",
  "フォンデアライエン", "ボレル", "カラス", "トゥスク", "オルバン", "フィツォ", "ルカシェンコ", "ショイグ", "メドベージェフ",
  "ブリンケン", "オースティン", "サリバン", "ウォルツ", "ベッセント", "ラトニック", "グロッシ", "ゲオルギエバ", "アルバニージー",
  "カーニー", "トルドー", "シュタインマイヤー", "ブラウン", "ハメネイ", "ペゼシュキアン", "アラグチ", "サルマン", "タミム",
];
const TITLES = ["大統領", "首相", "外相", "報道官", "大統領報道官", "特使", "国防相", "長官", "氏", "大使", "事務総長", "議長"];
/**
 * Outlets named in the articles' front matter. Real news outlets (general knowledge), so their keys
 * are inferred as `<outlet>-<date>` — and, as in any newsroom archive, many articles share an outlet
 * and a day: their keys clash and are told apart by suffixes (corpus/citationKeys.ts).
 */
const OUTLETS = ["ロイター", "共同通信", "時事通信", "NHK", "日本経済新聞", "朝日新聞", "読売新聞", "毎日新聞", "産経新聞", "AFP"];
/** Days the articles fall on: a season of coverage, so each outlet has many articles a day. */
const DAYS = 45;

interface Pool {
  /** Body sentences (no line breaks), with and without quotes. */
  sentences: string[];
  quoteSentences: string[];
  headlines: string[];
  /** Runs of consecutive boilerplate lines (as they appear in the samples). */
  noise: string[][];
}

function buildPool(): Pool {
  const dir = join(repoRoot, "corpus");
  const sentences: string[] = [];
  const headlines: string[] = [];
  const noise: string[][] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".txt")).sort()) {
    const bytes = readFileSync(join(dir, f));
    const { source } = loadSource(bytes, { path: join(dir, f), relPath: f, catalogue: null });
    if (!source) continue;
    const text = source.text;
    for (const s of splitSentences(text, source.body)) {
      const t = s.text.replace(/\s+/g, "");
      if (t.length < 12) continue;
      if (t.length < 60 && !/。$/.test(t)) headlines.push(t);
      else sentences.push(/[。！？」]$/.test(t) ? t : t + "。");
    }
    // Boilerplate: lines outside every body span, grouped into runs.
    let run: string[] = [];
    let pos = 0;
    const inBody = (at: number) => source.body.some((b) => at >= b.start && at < b.end);
    for (const line of text.split("\n")) {
      const start = pos;
      pos += line.length + 1;
      if (line.trim() === "") continue;
      if (!inBody(start) && !inBody(start + Math.max(0, line.length - 1))) run.push(line);
      else if (run.length) {
        if (run.length >= 2) noise.push(run);
        run = [];
      }
    }
    if (run.length >= 2) noise.push(run);
  }
  // Keep noise blocks page-sized: at most 10 lines and 500 characters each.
  for (let k = 0; k < noise.length; k++) {
    const b = noise[k].slice(0, 10);
    while (b.length > 2 && b.join("").length > 500) b.pop();
    noise[k] = b;
  }
  const quoteSentences = sentences.filter((s) => /「[^」]{6,}」/.test(s));
  return { sentences, quoteSentences, headlines, noise };
}

const KATAKANA_TITLED = new RegExp(`([ァ-ヴー]{2,})(?=(?:前|元|米|露|ロ)?(?:${TITLES.concat(["中東担当特使", "大統領"]).join("|")}))`, "gu");

/** Varies names, numbers and dates of one sentence. */
function vary(s: string, rnd: () => number): string {
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  let out = s.replace(KATAKANA_TITLED, (m) => (rnd() < 0.6 ? pick(NAMES) : m));
  out = out.replace(/(\d{1,2})月(\d{1,2})日/g, (m) => (rnd() < 0.7 ? `${1 + Math.floor(rnd() * 12)}月${1 + Math.floor(rnd() * 28)}日` : m));
  out = out.replace(/(?<![\d月年/])(\d{1,3})(?=(?:日間|時間|回|人|カ国|か国|億|万|%|％|件|年ぶり|カ月))/g, (m) => (rnd() < 0.7 ? String(1 + Math.floor(rnd() * 99)) : m));
  return out;
}

export interface GeneratedArticle {
  key: string;
  file: string;
  published: string;
  /** Body sentences as written (after variation). */
  sentences: string[];
}

function article(i: number, pool: Pool, rnd: () => number): { text: string; meta: GeneratedArticle } {
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  const file = `gen-${String(i).padStart(5, "0")}.txt`;
  const date = new Date(Date.UTC(2025, 2, 1) + Math.floor(rnd() * DAYS) * 86_400_000);
  const month = date.getUTCMonth() + 1;
  const day = date.getUTCDate();
  const hh = String(6 + Math.floor(rnd() * 16)).padStart(2, "0");
  const mm = String(Math.floor(rnd() * 60)).padStart(2, "0");
  const published = `2025-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}T${hh}:${mm}:00+09:00`;
  const outlet = pick(OUTLETS);
  const title = vary(pick(pool.headlines), rnd);
  // No key: it is inferred from the outlet and the date (and clashes with the outlet's other stories of the day).
  const lines: string[] = ["---", `title: "${title.replace(/"/g, "'")}"`, `outlet: ${outlet}`, `published: ${published}`, "---", ""];
  // Page noise at the top (menus, share bars).
  lines.push(...pick(pool.noise), "");
  lines.push(title, "", `${2025}年${month}月${day}日`, "");
  const target = 700 + Math.floor(rnd() * 800);
  let chars = 0;
  const sentences: string[] = [];
  while (chars < target) {
    const n = 1 + Math.floor(rnd() * 3);
    const para: string[] = [];
    for (let k = 0; k < n; k++) {
      const s = vary(rnd() < 0.35 ? pick(pool.quoteSentences) : pick(pool.sentences), rnd);
      para.push(s);
      sentences.push(s);
      chars += s.length;
    }
    lines.push(para.join(""), "");
    // Mid-article noise now and then (related links, prompts).
    if (rnd() < 0.05) lines.push(...pick(pool.noise), "");
  }
  // Footer noise: rankings, newsletter prompts.
  lines.push(...pick(pool.noise), "", ...pick(pool.noise), "");
  return { text: lines.join("\n"), meta: { key: inferKey(outlet, published, file), file, published, sentences } };
}

interface ExpectedFinding {
  line: number;
  code: string;
}

/** Drafts citing the generated articles with known problems (and exact citations in between). */
export function drafts(arts: GeneratedArticle[], rnd: () => number): { draft: string; draft20k: string; expected: ExpectedFinding[] } {
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  const withQuote = (a: GeneratedArticle) => a.sentences.find((s) => /「[^」]{8,}」/.test(s));
  const lines: string[] = ["---", "title: ベンチマーク用の下書き", "---", "", "# 停戦交渉をめぐる報道のまとめ", ""];
  const expected: ExpectedFinding[] = [];
  const add = (text: string, code?: string) => {
    lines.push(text, "");
    if (code) expected.push({ line: lines.length - 1, code });
  };
  const cite = (s: string, key: string) => s.replace(/。$/, "") + `[@${key}]。`;
  const quoted = arts.filter((a) => withQuote(a));
  for (let k = 0; k < 6 && quoted.length > 1; k++) {
    const a = pick(quoted);
    const s = withQuote(a)!;
    add(cite(s, a.key)); // exact
    const m = /「([^」]{8,})」/.exec(s)!;
    const inner = m[1];
    const at = 2 + Math.floor(rnd() * (inner.length - 4));
    const changed = inner.slice(0, at) + (inner[at] === "は" ? "が" : "は") + inner.slice(at + 1);
    add(cite(s.replace(inner, changed), a.key), "quote-mismatch");
    const other = pick(arts.filter((x) => x.key !== a.key && !x.sentences.some((t) => t.includes(inner))));
    if (other) add(cite(s, other.key), "quote-wrong-source");
    add(cite(`${pick(NAMES)}大統領は「${"まったく根拠のない発言であり断じて受け入れられない".slice(0, 14 + k)}」と述べた。`, a.key), "quote-not-found");
  }
  add(cite("この点は別の報道でも確認されている。", "gen-missing-key"), "unknown-source");
  const draft = lines.join("\n");

  // A ~20,000-character draft: many paragraphs, each a lifted sentence with its citation.
  const big: string[] = ["---", "title: 長い下書き", "---", "", "# 長い下書き", ""];
  let n = 0;
  while (n < 20_000) {
    const a = pick(arts);
    const para: string[] = [];
    for (let k = 0; k < 3; k++) {
      let s = pick(a.sentences);
      if (rnd() < 0.2) s = s.replace(/(\d+)/, (d) => String(Number(d) + 1));
      para.push(cite(s, a.key));
    }
    const p = para.join("");
    big.push(p, "");
    n += p.length + 2;
  }
  return { draft, draft20k: big.join("\n"), expected };
}

export interface Workspace {
  dir: string;
  corpus: string;
  draft: string;
  draft20k: string;
  size: number;
}

/** Generates (or reuses) the workspace for `size` articles. */
export function ensureWorkspace(size: number, force = false): Workspace {
  const dir = join(outRoot, `ws-${size}`);
  const ws: Workspace = { dir, corpus: join(dir, "corpus"), draft: join(dir, "drafts", "draft.md"), draft20k: join(dir, "drafts", "draft-20k.md"), size };
  const stamp = join(dir, ".done");
  if (!force && existsSync(stamp) && readFileSync(stamp, "utf8") === GENERATOR_VERSION) return ws;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(ws.corpus, { recursive: true });
  mkdirSync(join(dir, "drafts"), { recursive: true });
  const pool = buildPool();
  const rnd = prng(0x5eed + size);
  const metas: GeneratedArticle[] = [];
  for (let i = 0; i < size; i++) {
    const { text, meta } = article(i, pool, rnd);
    writeFileSync(join(ws.corpus, meta.file), text);
    metas.push(meta);
  }
  // The keys the corpus gives them (clashing inferred keys told apart), for the drafts to cite.
  const claimed = new Set(metas.map((m) => m.key)).size;
  const { keys } = assignKeys(metas.map((m) => ({ key: m.key, provenance: "text", published: m.published, rel: m.file, path: m.file })));
  metas.forEach((m, i) => (m.key = keys[i]));
  // How many files share an inferred key with another (the benchmark checks none is left out).
  writeFileSync(join(dir, "keys.json"), JSON.stringify({ files: size, distinctClaimedKeys: claimed, filesWithClashingKeys: size - claimed }));
  const d = drafts(metas, rnd);
  writeFileSync(ws.draft, d.draft);
  writeFileSync(ws.draft20k, d.draft20k);
  writeFileSync(join(dir, "drafts", "expected.json"), JSON.stringify(d.expected, null, 2));
  writeFileSync(stamp, GENERATOR_VERSION);
  return ws;
}

/**
 * A workspace over the livedoor news corpus (real text, `../shared/corpora/ldcc`): its articles
 * (`<category>/<name>-NNN.txt`, the first `limit` of each category when given) linked — never copied — into
 * bench/out, and drafts citing them made the same way as for the synthetic corpora.
 */
export async function ensureLdccWorkspace(limit?: number): Promise<Workspace | null> {
  const ldcc = resolve(repoRoot, "..", "shared", "corpora", "ldcc");
  if (!existsSync(ldcc)) return null;
  const name = limit ? `ws-ldcc-${limit}` : "ws-ldcc";
  const dir = join(outRoot, name);
  const ws: Workspace = { dir, corpus: join(dir, "corpus"), draft: join(dir, "drafts", "draft.md"), draft20k: join(dir, "drafts", "draft-20k.md"), size: 0 };
  const stamp = join(dir, ".done");
  const { loadCorpus } = await import("../server/src/core/corpus/loadCorpus");
  if (!(existsSync(stamp) && readFileSync(stamp, "utf8") === GENERATOR_VERSION)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, "drafts"), { recursive: true });
    for (const cat of readdirSync(ldcc).sort()) {
      const from = join(ldcc, cat);
      let files: string[];
      try {
        files = readdirSync(from).filter((f) => /-\d+\.txt$/.test(f)).sort();
      } catch {
        continue;
      }
      if (!files.length) continue;
      mkdirSync(join(ws.corpus, cat), { recursive: true });
      for (const f of limit ? files.slice(0, limit) : files) symlinkSync(join(from, f), join(ws.corpus, cat, f));
    }
    const { sources } = await loadCorpus({ dir: ws.corpus });
    const arts: GeneratedArticle[] = sources.map((s) => ({
      key: s.meta.key,
      file: s.relPath,
      published: s.meta.published ?? "",
      sentences: splitSentences(s.text, s.body).map((x) => x.text.replace(/\s+/g, "")).filter((x) => x.length >= 12),
    }));
    const d = drafts(arts.filter((a) => a.sentences.length > 0), prng(0x1dcc));
    writeFileSync(ws.draft, d.draft);
    writeFileSync(ws.draft20k, d.draft20k);
    writeFileSync(stamp, GENERATOR_VERSION);
  }
  ws.size = (await loadCorpus({ dir: ws.corpus })).sources.length;
  return ws;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--sizes");
  const sizes = (i >= 0 ? process.argv[i + 1] : "100").split(",").map(Number);
  for (const s of sizes) {
    const t0 = performance.now();
    const ws = ensureWorkspace(s, process.argv.includes("--force"));
    console.log(`${ws.dir}: ${s} articles in ${Math.round(performance.now() - t0)} ms`);
  }
}
