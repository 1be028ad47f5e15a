/**
 * The CPU cost of building the search index (trigram postings + BM25, `SegmentBuilder`) from the
 * sources of an index snapshot, without re-analysing them: each source's `SegmentInput` (normalised
 * sentences, their starts and spans) is cut back out of the snapshot's segment, the segment is
 * rebuilt as a cold `shutten index` builds it (one `addInput` per source, then the trigram table's
 * last pass and the BM25 postings), and the rebuilt arrays are compared with the snapshot's — a
 * faster builder must build the same index, byte for byte (the trigram table's slots aside: every
 * trigram must find the same row, in no more slots).
 *
 *   SHUTTEN_CACHE_DIR=DIR shutten index --corpus CORPUS     # writes the snapshot once
 *   node --expose-gc --import tsx bench/indexBuild.ts [--runs N] [--parts] [SNAPSHOT.snap]
 *
 * The snapshot defaults to the newest under $SHUTTEN_CACHE_DIR; `--parts` also times the trigram
 * postings and BM25 alone; `--expect` gives the builder a cold build's size hint;
 * `--no-postings` finishes as the CLI does (BM25's postings left to the first search).
 * Times are this process's CPU time (user + system) per run; the best and the median are printed.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { SegmentBuilder, TrigramPostings, type SegmentData, type SegmentInput } from "../server/src/core/index/corpusIndex";
import { readSnapshot } from "../server/src/core/index/snapshot";
import { Bm25 } from "../server/src/core/index/textSearch";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const runs = Number(opt("runs") ?? "3");
const file = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--runs")[0] ?? newestSnapshot();

function newestSnapshot(): string {
  const dir = process.env.SHUTTEN_CACHE_DIR;
  if (!dir) throw new Error("give a snapshot file or set SHUTTEN_CACHE_DIR");
  const found: string[] = [];
  for (const d of readdirSync(dir)) if (d.startsWith("snapshot-")) for (const f of readdirSync(join(dir, d))) if (f.endsWith(".snap")) found.push(join(dir, d, f));
  if (!found.length) throw new Error(`no snapshot under ${dir}: run shutten index first`);
  return found.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
}

/** The header's version fields, so `readSnapshot` accepts the file whatever wrote it. */
function versionOf(path: string): { tool: string; analysis: string; optionsKey: string } {
  const fd = openSync(path, "r");
  try {
    const prefix = Buffer.alloc(24);
    readSync(fd, prefix, 0, 24, 0);
    const header = Buffer.alloc(prefix.readUInt32LE(16));
    readSync(fd, header, 0, header.length, prefix.readDoubleLE(8));
    const h = JSON.parse(header.toString("utf16le")) as { tool: string; analysis: string; optionsKey: string };
    return { tool: h.tool, analysis: h.analysis, optionsKey: h.optionsKey };
  } finally {
    closeSync(fd);
  }
}

function inputsOf(seg: SegmentData): SegmentInput[] {
  const out: SegmentInput[] = [];
  for (let i = 0; i + 1 < seg.normStart.length; i++) {
    const a = seg.firstSentence[i];
    const b = seg.firstSentence[i + 1];
    out.push({
      norm: seg.norms.slice(seg.normStart[i], seg.normStart[i + 1]),
      starts: seg.sentenceStarts.slice(a, b),
      spans: seg.sentenceSpans.slice(2 * a, 2 * b),
    });
  }
  return out;
}

function digest(seg: SegmentData): string {
  const h = createHash("sha256");
  const arrays = [seg.normStart, seg.sentenceStarts, seg.sentenceSpans, seg.firstSentence, seg.trigrams.start, seg.trigrams.docs, seg.bm25.df, seg.bm25.docStart, seg.bm25.docTerm, seg.bm25.docTf, seg.bm25.lengths];
  for (const a of arrays) {
    h.update(String(a.length));
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  h.update(seg.norms);
  h.update(JSON.stringify([seg.trigrams.count, seg.bm25.totalLength, seg.bm25.terms]));
  return h.digest("hex").slice(0, 16);
}

/**
 * Whether `got`'s trigram table answers as `want`'s (same row for every trigram, no more trigrams)
 * in no more slots: a snapshot from a build that filled the table otherwise still compares.
 */
function sameLookups(got: SegmentData, want: SegmentData): boolean {
  const g = got.trigrams;
  const w = want.trigrams;
  if (g.count !== w.count || g.keys.length > w.keys.length) return false;
  const t = TrigramPostings.fromData(g);
  for (let slot = 0; slot < w.keys.length; slot++) {
    const k = w.keys[slot];
    if (k < 0) continue;
    const s = String.fromCharCode(Math.floor(k / 4294967296), Math.floor(k / 65536) & 0xffff, k & 0xffff);
    if (t.rowOf(s, 0) !== w.rows[slot]) return false;
  }
  return true;
}

/** This process's minor page faults so far (Linux; 0 elsewhere). */
const faults = () => {
  try {
    const st = readFileSync("/proc/self/stat", "utf8");
    return Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[7]);
  } catch {
    return 0;
  }
};

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main() {
  const snap = await readSnapshot(file, versionOf(file));
  if (!snap) throw new Error(`${file}: not a readable snapshot`);
  const stored = snap.segment;
  const inputs = inputsOf(stored);
  const chars = inputs.reduce((n, x) => n + x.norm.length, 0);
  const want = digest(stored);
  console.log(`${file}: ${inputs.length} sources, ${stored.sentenceStarts.length} sentences, ${chars} normalised characters, ${stored.trigrams.count} trigrams, ${stored.bm25.terms.length} terms`);
  const times: { add: number; finish: number; total: number }[] = [];
  for (let r = 0; r < runs; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    const f0 = faults();
    const t0 = cpu();
    const b = new SegmentBuilder();
    // `--expect`: the size hint a cold build gives (half its files' bytes).
    if (argv.includes("--expect")) b.expect(snap.header.files.reduce((n, f) => n + f.size, 0) / 2);
    for (const x of inputs) b.addInput(x);
    const t1 = cpu();
    const seg = await b.finishInSlices(async () => {}, !argv.includes("--no-postings"));
    const t2 = cpu();
    const f2 = faults();
    const data = seg.toData();
    const got = digest(data) + (sameLookups(data, stored) ? "" : " (trigram lookups differ)");
    times.push({ add: t1 - t0, finish: t2 - t1, total: t2 - t0 });
    if (argv.includes("--parts")) {
      // The two structures alone: trigram postings over the normalised texts, BM25 over the sentences.
      (globalThis as { gc?: () => void }).gc?.();
      const u0 = cpu();
      const tri = new TrigramPostings();
      for (const x of inputs) tri.addDocument(x.norm);
      const u1 = cpu();
      tri.finish();
      const u2 = cpu();
      const bm = new Bm25();
      for (const x of inputs)
        for (let k = 0; k < x.starts.length; k++) bm.addText(x.norm, x.starts[k], k + 1 < x.starts.length ? x.starts[k + 1] - 1 : x.norm.length);
      const u3 = cpu();
      await bm.preparePostings(async () => {});
      const u4 = cpu();
      console.log(`  trigrams add ${(u1 - u0).toFixed(0)} ms, finish ${(u2 - u1).toFixed(0)} ms; bm25 add ${(u3 - u2).toFixed(0)} ms, postings ${(u4 - u3).toFixed(0)} ms CPU`);
    }
    console.log(`run ${r + 1}: add ${(t1 - t0).toFixed(0)} ms, finish ${(t2 - t1).toFixed(0)} ms, total ${(t2 - t0).toFixed(0)} ms CPU, ${f2 - f0} page faults; ${got === want ? "identical to the snapshot" : `DIFFERS from the snapshot (${got} ≠ ${want})`}`);
    if (got !== want) process.exitCode = 1;
  }
  const totals = times.map((t) => t.total).sort((a, b) => a - b);
  console.log(`best ${totals[0].toFixed(0)} ms, median ${totals[Math.floor(totals.length / 2)].toFixed(0)} ms CPU`);
  snap.records.closeLater(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
