#!/usr/bin/env node
// Diagnostic quality, measured like the held-out evaluation: the project's scorer format
// (../shared/eval/score.mjs) over the public dev set and over our own set in test/fixtures/eval,
// with the built CLI. Fails when F1 drops under the bar or anything is reported where nothing is
// expected (a false positive costs a writer's trust more than a miss).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const scorer = [join(root, "../shared/eval/score.mjs"), join(root, "test/eval/score.mjs")].find(existsSync);
const MIN_F1 = 0.95;
const sets = [
  { name: "shared dev set", dir: join(root, "../shared/eval/dev") },
  { name: "our eval set", dir: join(root, "test/fixtures/eval") },
].filter((s) => existsSync(join(s.dir, "expected.json")));

if (!scorer) {
  console.log("no scorer found (../shared/eval/score.mjs); skipped");
  process.exit(0);
}
let failed = 0;
for (const set of sets) {
  let out;
  try {
    out = execFileSync(process.execPath, [scorer, "--set", set.dir, "--cli", `node ${join(root, "dist/cli.js")}`, "--corpus", join(root, "corpus"), "--verbose"], { cwd: root, encoding: "utf8" });
  } catch (e) {
    out = e.stdout ?? String(e);
  }
  console.log(`--- ${set.name}\n${out.trim()}`);
  const m = /precision ([\d.]+) recall ([\d.]+) F1 ([\d.]+)/.exec(out);
  const fp = [...out.matchAll(/fp (\d+)/g)].reduce((n, x) => n + Number(x[1]), 0);
  if (!m || Number(m[3]) < MIN_F1 || fp > 0) {
    console.log(`FAIL ${set.name}: F1 ${m ? m[3] : "?"} (bar ${MIN_F1}), ${fp} false positives`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
