import { readFileSync } from "node:fs";
import { parseDraft } from "../../server/src/core/draft/parseDraft";
const para = readFileSync("/work/shared/eval/dev/dev-02.md", "utf8").replace(/^---[\s\S]*?---\n/, "");
let big = ""; while (big.length < 1_000_000) big += para + "\n";
let t = Date.now(); const d = parseDraft(big); console.log(big.length, Date.now() - t, "ms", d.sentences.length, d.citations.length);
const p20 = big.slice(0, 20000); t = Date.now(); for (let i = 0; i < 10; i++) parseDraft(p20); console.log("20k x10", Date.now() - t);
const one = "本文「あ」と述べた[@key]。本文@x ".repeat(30000); t = Date.now(); parseDraft(one); console.log("one para", one.length, Date.now() - t);
