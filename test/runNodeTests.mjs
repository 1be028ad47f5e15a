#!/usr/bin/env node
// Runs the node:test files (*.test.ts, through tsx) under the given folders or files. Node 20's
// `--test` takes no glob patterns (they arrived in Node 21), so the files are listed here.
//   node test/runNodeTests.mjs test/unit test/protocol [-- extra node --test flags]
import { spawnSync } from "node:child_process";
import { readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
const dashdash = args.indexOf("--");
const targets = dashdash < 0 ? args : args.slice(0, dashdash);
const extra = dashdash < 0 ? [] : args.slice(dashdash + 1);

function collect(path, out) {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) return void out.push(path);
  for (const name of readdirSync(path).sort()) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(path, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (/\.test\.[cm]?ts$/.test(name)) out.push(p);
  }
}

const files = [];
for (const t of targets) collect(t, files);
if (files.length === 0) {
  console.log(`no test files under ${targets.join(", ")}`);
  process.exit(0);
}
const reporter = extra.some((a) => a.startsWith("--test-reporter")) ? [] : ["--test-reporter=spec"];
// A test that waits for an answer that never comes fails after 30 minutes instead of holding CI
// until its own limit. The limit also applies to each file as a whole: the slowest file
// (reliability.test.ts, huge and hostile inputs) took over 10 minutes on a 2-core machine shared
// with other work.
const timeout = extra.some((a) => a.startsWith("--test-timeout")) ? [] : ["--test-timeout=1800000"];
// Once a file's tests are done its process exits, whatever handle is still open (seen on a loaded
// machine: every test of a file passed, then its process lingered until the limit above).
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-force-exit", ...reporter, ...timeout, ...extra, ...files], { stdio: "inherit" });
process.exit(r.status ?? 1);
