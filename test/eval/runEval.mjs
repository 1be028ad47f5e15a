#!/usr/bin/env node
// Quality, measured the way the held-out evaluation measures it, through the built CLI:
//  - drafts over the sample corpus (../shared/eval/dev and our test/fixtures/eval), scored by
//    score.mjs: F1 bar and no false positive at all;
//  - drafts and extraction over real news (../shared/eval/ldcc-dev and our test/fixtures/ldcc-own,
//    articles read from ../shared/corpora/ldcc into a temporary folder, never copied into the repo),
//    scored by score-keyed.mjs and score-extraction.mjs against the floors in floors.json.
// Fails when any figure falls below its floor. Sets whose files are missing are skipped and said so.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const shared = join(root, "../shared");
const cli = `node ${join(root, "dist/cli.js")}`;
const floors = JSON.parse(readFileSync(join(root, "test/eval/floors.json"), "utf8"));
const cacheDir = mkdtempSync(join(tmpdir(), "shutten-eval-cache-"));
const env = { ...process.env, SHUTTEN_CACHE_DIR: cacheDir };
let failed = 0;

function run(script, args) {
  try {
    return execFileSync(process.execPath, [script, ...args], { cwd: root, encoding: "utf8", env, maxBuffer: 64 << 20 });
  } catch (e) {
    return (e.stdout ?? "") + (e.stderr ?? String(e));
  }
}

function fail(what) {
  console.log(`FAIL ${what}`);
  failed++;
}

// --- drafts over the sample corpus: F1 bar, no false positive ---------------------------------
const sampleScorer = [join(shared, "eval/score.mjs"), join(root, "test/eval/score.mjs")].find(existsSync);
for (const set of [
  { name: "shared dev set", dir: join(shared, "eval/dev") },
  { name: "our eval set", dir: join(root, "test/fixtures/eval") },
]) {
  if (!existsSync(join(set.dir, "expected.json"))) {
    console.log(`--- ${set.name}: not found, skipped`);
    continue;
  }
  const out = run(sampleScorer, ["--set", set.dir, "--cli", cli, "--corpus", join(root, "corpus"), "--verbose"]);
  console.log(`--- ${set.name}\n${out.trim()}`);
  const m = /precision ([\d.]+) recall ([\d.]+) F1 ([\d.]+)/.exec(out);
  const fp = [...out.matchAll(/fp (\d+)/g)].reduce((n, x) => n + Number(x[1]), 0);
  if (!m || Number(m[3]) < floors.sample.f1 || fp > 0) fail(`${set.name}: F1 ${m ? m[3] : "?"} (floor ${floors.sample.f1}), ${fp} false positives`);
}

// --- real news: drafts and extraction --------------------------------------------------------
const ldcc = join(shared, "corpora/ldcc");
for (const set of [
  { name: "ldcc-dev", dir: join(shared, "eval/ldcc-dev"), floors: floors["ldcc-dev"] },
  { name: "ldcc-own", dir: join(root, "test/fixtures/ldcc-own"), floors: floors["ldcc-own"] },
]) {
  const keyed = join(shared, "eval/score-keyed.mjs");
  const extraction = join(shared, "eval/score-extraction.mjs");
  if (![join(set.dir, "corpus.txt"), keyed, extraction, ldcc].every(existsSync)) {
    console.log(`--- ${set.name}: set, scorers or ../shared/corpora/ldcc not found, skipped`);
    continue;
  }
  const corpus = mkdtempSync(join(tmpdir(), `shutten-${set.name}-`));
  try {
    for (const rel of readFileSync(join(set.dir, "corpus.txt"), "utf8").split("\n").filter(Boolean)) copyFileSync(join(ldcc, rel), join(corpus, basename(rel)));
    const drafts = run(keyed, ["--set", set.dir, "--corpus", corpus, "--cli", cli, "--verbose"]);
    console.log(`--- ${set.name} drafts\n${drafts.trim()}`);
    const m = /precision ([\d.]+) recall ([\d.]+) F1 ([\d.]+)/.exec(drafts);
    if (!m || Number(m[3]) < set.floors.draftsF1) fail(`${set.name} drafts: F1 ${m ? m[3] : "?"} (floor ${set.floors.draftsF1})`);
    const ex = run(extraction, ["--gold", join(set.dir, "gold.json"), "--corpus", corpus, "--cli", cli, "--verbose"]);
    console.log(`--- ${set.name} extraction\n${ex.trim()}`);
    const e = /speech recall ([\d.]+) speaker accuracy ([\d.]+) \(named ([\d.]+)\) speech precision ([\d.]+) event dates ([\d.]+) published ([\d.]+) title ([\d.]+)/.exec(ex);
    if (!e) fail(`${set.name} extraction: no figures`);
    else {
      const got = { speechRecall: e[1], namedSpeaker: e[3], speechPrecision: e[4], eventDates: e[5], published: e[6], title: e[7] };
      for (const [k, v] of Object.entries(got)) if (Number(v) < set.floors[k]) fail(`${set.name} extraction: ${k} ${v} (floor ${set.floors[k]})`);
    }
  } finally {
    rmSync(corpus, { recursive: true, force: true });
  }
}
rmSync(cacheDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
