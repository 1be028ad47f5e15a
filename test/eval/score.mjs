#!/usr/bin/env node
// A copy of ../shared/eval/score.mjs, used when the shared folder is not beside the checkout.
// Scores the citation checker on a set of drafts with known problems.
//
//   node ../shared/eval/score.mjs --set ../shared/eval/dev [--cli "node dist/cli.js"] [--corpus corpus] [--min-f1 0.8]
//
// A set is a folder of Markdown drafts plus expected.json. Drafts name the seed
// sources as {{S000}} .. {{S003}}; the scorer asks the CLI which key each seed got
// (`sources --json`), fills the keys in, runs `check --format json`, and compares the
// diagnostics it prints with expected.json, line and code. Every scored code on a line
// where none is expected counts as a false positive.
import { execSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, basename } from "node:path";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const set = resolve(opt("set", "../shared/eval/dev"));
const cli = opt("cli", "node dist/cli.js");
const corpus = opt("corpus", "corpus");
const minF1 = Number(opt("min-f1", "0"));
const verbose = args.includes("--verbose");

// A phrase that only the given seed article contains.
const FINGERPRINTS = {
  S000: "あらゆる手だてを尽くす",
  S001: "米ロ首脳電話会談の詳細",
  S002: "ウィットコフ中東担当特使とロシア北西部サンクトペテルブルクで会談した",
  S003: "公表済みの2回の電話会談以外にも接触した可能性",
};

function run(cmd) {
  try {
    return execSync(cmd, { encoding: "utf8", maxBuffer: 64 << 20, stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    // `check` exits non-zero when it finds problems; its stdout still holds the report.
    if (e.stdout && e.stdout.trim()) return e.stdout;
    throw new Error(`command failed: ${cmd}\n${e.stderr || e.message}`);
  }
}

const sources = JSON.parse(run(`${cli} sources --corpus ${corpus} --json`));
const keyOf = {};
for (const s of sources) {
  const text = readFileSync(resolve(s.path), "utf8");
  for (const [seed, phrase] of Object.entries(FINGERPRINTS)) if (text.includes(phrase)) keyOf[seed] = s.key;
}
for (const seed of Object.keys(FINGERPRINTS)) {
  if (!keyOf[seed]) {
    console.log(`no source in '${corpus}' holds seed ${seed}; keys seen: ${sources.map((s) => s.key).join(", ")}`);
    console.log("precision 0.000 recall 0.000 F1 0.000");
    process.exit(1);
  }
}

const expected = JSON.parse(readFileSync(join(set, "expected.json"), "utf8"));
const scored = new Set(expected.scored_codes);
const work = mkdtempSync(join(tmpdir(), "eval-"));
const files = [];
for (const name of Object.keys(expected.drafts)) {
  const text = readFileSync(join(set, name), "utf8").replace(/\{\{(S\d{3})\}\}/g, (_, s) => keyOf[s]);
  writeFileSync(join(work, name), text);
  files.push(join(work, name));
}

const report = JSON.parse(run(`${cli} check --corpus ${corpus} --format json ${files.join(" ")}`));
const byCode = {};
const tally = (code, what) => {
  byCode[code] ??= { tp: 0, fp: 0, fn: 0 };
  byCode[code][what]++;
};
for (const name of Object.keys(expected.drafts)) {
  const emitted = new Map(); // "line:code" -> diagnostic
  for (const d of report) {
    if (basename(d.file) !== name || !scored.has(d.code)) continue;
    emitted.set(`${d.range.start.line + 1}:${d.code}`, d);
  }
  const used = new Set();
  for (const e of expected.drafts[name]) {
    let hit = null;
    for (const [k, d] of emitted) {
      const line = d.range.start.line + 1;
      if (!used.has(k) && d.code === e.code && line >= e.lines[0] && line <= e.lines[1]) { hit = k; break; }
    }
    if (hit) { used.add(hit); tally(e.code, "tp"); }
    else { tally(e.code, "fn"); if (verbose) console.log(`missed  ${name}:${e.lines[0]} ${e.code}`); }
  }
  for (const [k, d] of emitted) {
    if (used.has(k)) continue;
    tally(d.code, "fp");
    if (verbose) console.log(`extra   ${name}:${k} ${d.message}`);
  }
}

let tp = 0, fp = 0, fn = 0;
for (const [code, c] of Object.entries(byCode).sort()) {
  tp += c.tp; fp += c.fp; fn += c.fn;
  console.log(`${code.padEnd(20)} tp ${c.tp}  fp ${c.fp}  fn ${c.fn}`);
}
const p = tp + fp ? tp / (tp + fp) : 0;
const r = tp + fn ? tp / (tp + fn) : 0;
const f1 = p + r ? (2 * p * r) / (p + r) : 0;
console.log(`precision ${p.toFixed(3)} recall ${r.toFixed(3)} F1 ${f1.toFixed(3)}`);
process.exit(f1 >= minF1 ? 0 : 1);
