#!/usr/bin/env node
// Quality, measured the way the held-out evaluation measures it, through the built CLI (sets.mjs):
//  - drafts over the sample corpus (../shared/eval/dev and our test/fixtures/eval): F1 floor and no
//    false positive at all;
//  - drafts and extraction over real news (../shared/eval/ldcc-dev and our test/fixtures/ldcc-own):
//    every figure against its floor in floors.json.
// Fails when any figure falls below its floor. Sets whose files are missing are skipped and said so.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root, scoreAll } from "./sets.mjs";

const floors = JSON.parse(readFileSync(join(root, "test/eval/floors.json"), "utf8"));
let failed = 0;
const fail = (what) => {
  console.log(`FAIL ${what}`);
  failed++;
};

const results = scoreAll();
for (const set of results.sample) {
  if (set.skipped) {
    console.log(`--- ${set.name}: ${set.skipped}, skipped`);
    continue;
  }
  console.log(`--- ${set.name}\n${set.drafts.out.trim()}`);
  const fp = Object.values(set.drafts.codes).reduce((n, c) => n + c.fp, 0);
  if (set.drafts.error || set.drafts.f1 < floors.sample.f1 || fp > 0) fail(`${set.name}: F1 ${set.drafts.f1 ?? "?"} (floor ${floors.sample.f1}), ${fp} false positives`);
}
for (const set of results.real) {
  if (set.skipped) {
    console.log(`--- ${set.name}: ${set.skipped}, skipped`);
    continue;
  }
  const f = floors[set.key];
  console.log(`--- ${set.name} drafts\n${set.drafts.out.trim()}`);
  if (set.drafts.error || set.drafts.f1 < f.draftsF1) fail(`${set.name} drafts: F1 ${set.drafts.f1 ?? "?"} (floor ${f.draftsF1})`);
  console.log(`--- ${set.name} extraction\n${set.extraction.out.trim()}`);
  if (set.extraction.error) fail(`${set.name} extraction: no figures`);
  else for (const k of ["speechRecall", "namedSpeaker", "speechPrecision", "eventDates", "published", "title"]) if (set.extraction[k] < f[k]) fail(`${set.name} extraction: ${k} ${set.extraction[k]} (floor ${f[k]})`);
}
process.exit(failed ? 1 : 0);
