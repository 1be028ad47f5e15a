// Scores the Japanese analysis against a hand-written gold annotation of the four sample articles
// (test/fixtures/gold/*.json): speech quotes with their speaker, dated events, entity clusters.
// The articles go through the real pipeline (decoding, boilerplate cleaning, metadata, analysis:
// what `shutten inspect` prints); the line ranges below are page chrome that must yield nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { formatPartialDate } from "../../server/src/core/text/dates";
import { aliasKey } from "../../server/src/core/text/entities";
import { normalizeForMatch } from "../../server/src/core/text/normalize";
import type { AnalyzedText } from "../../server/src/core/model";
import { sampleCorpus } from "../helpers/sampleCorpus";

interface GoldQuote { line: number; text: string; speaker: string | null; optional?: boolean }
interface GoldEvent { line: number; date: string; predicate: string; optional?: boolean }
interface GoldEntity { canonical: string; type: string; aliases: string[]; optional?: boolean }
interface Gold { file: string; published: string | null; speechQuotes: GoldQuote[]; events: GoldEvent[]; entities: GoldEntity[]; notEvents?: { line: number; date: string }[] }

const root = path.join(__dirname, "..", "..");
const goldDir = path.join(root, "test", "fixtures", "gold");

/** 1-based inclusive line ranges that are page chrome, not article body. */
const BOILERPLATE: Record<string, [number, number][]> = {
  "000_18e08435f6f2fa29.txt": [[1, 1]],
  "001_ab86abc2cc8096fe.txt": [[1, 1]],
  "002_a7bcb88a404c413b.txt": [[3, 11], [45, 200]],
  "003_da387fb42327dcfe.txt": [[1, 2], [28, 200]],
};
/** Sidebar and promotion text that must never surface as a quote or event. */
const SIDEBAR_WORDS = ["円安", "ネズミ人間", "カンボジア", "Myニュース", "ニュース5本", "日本、美のるつぼ"];

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

const sameSpeaker = (a: string | null, b: string | null): boolean => (a === null || b === null ? a === b : aliasKey(a) === aliasKey(b));

interface Tally { tp: number; fp: number; fn: number }
const tally = (): Tally => ({ tp: 0, fp: 0, fn: 0 });
const precision = (t: Tally): number => (t.tp + t.fp === 0 ? 1 : t.tp / (t.tp + t.fp));
const recall = (t: Tally): number => (t.tp + t.fn === 0 ? 1 : t.tp / (t.tp + t.fn));

function scoreQuotes(text: string, a: AnalyzedText, gold: GoldQuote[], t: Tally, misses: string[]): void {
  const used = new Set<number>();
  for (const q of a.quotes.filter((x) => x.kind === "speech")) {
    const line = lineOf(text, q.start);
    const gi = gold.findIndex((g, i) => !used.has(i) && g.line === line && normalizeForMatch(g.text) === q.normalized);
    if (gi < 0) { t.fp++; misses.push(`unexpected speech quote line ${line}: ${q.text}`); continue; }
    used.add(gi);
    if (gold[gi].optional) continue;
    if (sameSpeaker(q.speaker, gold[gi].speaker)) t.tp++;
    else { t.fp++; t.fn++; misses.push(`speaker line ${line}: got ${q.speaker}, gold ${gold[gi].speaker}`); }
  }
  gold.forEach((g, i) => { if (!used.has(i) && !g.optional) { t.fn++; misses.push(`missed quote line ${g.line}: ${g.text}`); } });
}

function scoreEvents(text: string, a: AnalyzedText, gold: GoldEvent[], t: Tally, misses: string[]): void {
  const used = new Set<number>();
  for (const e of a.events) {
    const line = lineOf(text, e.dateSpan.start);
    const date = formatPartialDate(e.date);
    const gi = gold.findIndex((g, i) => !used.has(i) && g.line === line && g.date === date);
    if (gi < 0) { t.fp++; misses.push(`unexpected event line ${line}: ${date} ${e.predicate}`); continue; }
    used.add(gi);
    if (!gold[gi].optional) t.tp++;
  }
  gold.forEach((g, i) => { if (!used.has(i) && !g.optional) { t.fn++; misses.push(`missed event line ${g.line}: ${g.date} ${g.predicate}`); } });
}

test("the analysis matches the gold annotation of the sample articles (precision and recall at least 0.9)", async () => {
  const corpus = await sampleCorpus();
  const quotes = tally();
  const events = tally();
  const entities = tally();
  let predicatesRight = 0;
  let predicatesTotal = 0;
  const misses: string[] = [];
  for (const f of fs.readdirSync(goldDir).filter((x) => x.endsWith(".json")).sort()) {
    const gold = JSON.parse(fs.readFileSync(path.join(goldDir, f), "utf8")) as Gold;
    const text = fs.readFileSync(path.join(root, "corpus", gold.file), "utf8");
    const skip = BOILERPLATE[gold.file] ?? [];
    const a: AnalyzedText | undefined = corpus.built.sources.find((x) => path.basename(x.meta.path) === gold.file);
    assert.ok(a, `${gold.file} was not loaded`);
    scoreQuotes(text, a, gold.speechQuotes, quotes, misses);
    scoreEvents(text, a, gold.events, events, misses);
    for (const g of gold.events.filter((x) => !x.optional)) {
      const e = a.events.find((x) => lineOf(text, x.dateSpan.start) === g.line && formatPartialDate(x.date) === g.date);
      if (e) { predicatesTotal++; if (e.predicate === g.predicate) predicatesRight++; }
    }
    for (const g of gold.entities) {
      const hit = a.entities.some((e) => e.type === g.type && (g.type === "person" ? aliasKey(e.canonical) === aliasKey(g.canonical) : e.canonical === g.canonical));
      if (hit) entities.tp++;
      else if (!g.optional) { entities.fn++; misses.push(`missed entity ${g.type} ${g.canonical} in ${gold.file}`); }
    }
    // Nothing from the sidebar or the promotions, nothing on a boilerplate line.
    for (const q of a.quotes) {
      assert.ok(!skip.some(([s, e]) => lineOf(text, q.start) >= s && lineOf(text, q.start) <= e), `quote from boilerplate: ${q.text}`);
      assert.ok(!SIDEBAR_WORDS.some((w) => q.text.includes(w)), `sidebar quote: ${q.text}`);
    }
    for (const ev of a.events) assert.ok(!skip.some(([s, e]) => lineOf(text, ev.start) >= s && lineOf(text, ev.start) <= e), "event from boilerplate");
    for (const n of gold.notEvents ?? []) {
      assert.ok(!a.events.some((e) => lineOf(text, e.dateSpan.start) === n.line && formatPartialDate(e.date) === n.date), `not an event: ${n.date} line ${n.line}`);
    }
  }
  const fmt = (x: number): string => x.toFixed(3);
  console.log(`speech quotes with speaker: precision ${fmt(precision(quotes))} recall ${fmt(recall(quotes))} (tp ${quotes.tp}, fp ${quotes.fp}, fn ${quotes.fn})`);
  console.log(`event dates:                precision ${fmt(precision(events))} recall ${fmt(recall(events))} (tp ${events.tp}, fp ${events.fp}, fn ${events.fn})`);
  console.log(`event predicates right on matched events: ${predicatesRight}/${predicatesTotal}`);
  console.log(`entity clusters found: recall ${fmt(recall(entities))} (${entities.tp}/${entities.tp + entities.fn})`);
  for (const m of misses) console.log("  - " + m);
  assert.ok(precision(quotes) >= 0.9 && recall(quotes) >= 0.9, "speech quotes below 0.9");
  assert.ok(precision(events) >= 0.9 && recall(events) >= 0.9, "event dates below 0.9");
});
