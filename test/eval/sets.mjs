// The evaluation sets and how each is scored, shared by runEval.mjs (floors in npm test) and
// report.mjs (docs/accuracy.md). Every figure comes from the project's scorers in ../shared/eval,
// run on the built CLI exactly as the held-out evaluation runs them.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const shared = join(root, "../shared");
const ldcc = join(shared, "corpora/ldcc");
const cli = `node ${join(root, "dist/cli.js")}`;

/** Drafts over the sample corpus (score.mjs: drafts name the seed sources {{S000}}…). */
export const SAMPLE_SETS = [
  { name: "dev (shared)", dir: join(shared, "eval/dev") },
  { name: "eval (ours)", dir: join(root, "test/fixtures/eval") },
];

/** Real news: drafts (score-keyed.mjs) and extraction (score-extraction.mjs) over ldcc articles. */
export const REAL_SETS = [
  { name: "ldcc-dev (shared)", key: "ldcc-dev", dir: join(shared, "eval/ldcc-dev") },
  { name: "ldcc-own (ours)", key: "ldcc-own", dir: join(root, "test/fixtures/ldcc-own") },
];

function run(script, args, env) {
  try {
    return execFileSync(process.execPath, [script, ...args], { cwd: root, encoding: "utf8", env, maxBuffer: 64 << 20 });
  } catch (e) {
    return (e.stdout ?? "") + (e.stderr ?? String(e));
  }
}

/** Per-code counts and totals from a drafts scorer's output. */
function parseDrafts(out) {
  const codes = {};
  for (const m of out.matchAll(/^([a-z-]+)\s+tp (\d+)\s+fp (\d+)\s+fn (\d+)/gm)) codes[m[1]] = { tp: +m[2], fp: +m[3], fn: +m[4] };
  const t = /precision ([\d.]+) recall ([\d.]+) F1 ([\d.]+)/.exec(out);
  return t ? { codes, precision: +t[1], recall: +t[2], f1: +t[3], out } : { codes, out, error: true };
}

function parseExtraction(out) {
  const e = /speech recall ([\d.]+) speaker accuracy ([\d.]+) \(named ([\d.]+)\) speech precision ([\d.]+) event dates ([\d.]+) published ([\d.]+) title ([\d.]+)/.exec(out);
  if (!e) return { out, error: true };
  return { speechRecall: +e[1], speakerAccuracy: +e[2], namedSpeaker: +e[3], speechPrecision: +e[4], eventDates: +e[5], published: +e[6], title: +e[7], out };
}

/** Scores every set that is present; a missing one is returned with `skipped` and the reason. */
export function scoreAll() {
  const cacheDir = mkdtempSync(join(tmpdir(), "shutten-eval-cache-"));
  const env = { ...process.env, SHUTTEN_CACHE_DIR: cacheDir };
  const results = { sample: [], real: [] };
  try {
    const sampleScorer = [join(shared, "eval/score.mjs"), join(root, "test/eval/score.mjs")].find(existsSync);
    for (const set of SAMPLE_SETS) {
      if (!existsSync(join(set.dir, "expected.json"))) {
        results.sample.push({ ...set, skipped: "set not found" });
        continue;
      }
      const out = run(sampleScorer, ["--set", set.dir, "--cli", cli, "--corpus", join(root, "corpus"), "--verbose"], env);
      results.sample.push({ ...set, drafts: parseDrafts(out) });
    }
    const keyed = join(shared, "eval/score-keyed.mjs");
    const extraction = join(shared, "eval/score-extraction.mjs");
    for (const set of REAL_SETS) {
      if (![join(set.dir, "corpus.txt"), keyed, extraction, ldcc].every(existsSync)) {
        results.real.push({ ...set, skipped: "set, scorers or ../shared/corpora/ldcc not found" });
        continue;
      }
      const corpus = mkdtempSync(join(tmpdir(), `shutten-${set.key}-`));
      try {
        // The articles are read from ../shared and copied to a temporary folder only (CC BY-ND).
        for (const rel of readFileSync(join(set.dir, "corpus.txt"), "utf8").split("\n").filter(Boolean)) copyFileSync(join(ldcc, rel), join(corpus, basename(rel)));
        const drafts = parseDrafts(run(keyed, ["--set", set.dir, "--corpus", corpus, "--cli", cli, "--verbose"], env));
        const ex = parseExtraction(run(extraction, ["--gold", join(set.dir, "gold.json"), "--corpus", corpus, "--cli", cli, "--verbose"], env));
        results.real.push({ ...set, drafts, extraction: ex });
      } finally {
        rmSync(corpus, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  return results;
}
