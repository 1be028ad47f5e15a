import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { buildCorpus } from "../../server/src/core/ingest/buildCorpus";
import { CorpusHost } from "../../server/src/core/corpusHost";
import { CorpusIndex, SegmentBuilder, TrigramPostings } from "../../server/src/core/index/corpusIndex";
import { decodeEvents, encodeEvents, jsonParts, StoredSource } from "../../server/src/core/index/snapshot";
import { assignKeys, assignKeysSteps } from "../../server/src/core/corpus/citationKeys";
import type { EventUnit } from "../../server/src/core/model";
import fc from "fast-check";
import { loadTokenizer } from "../../server/src/core/text/tokenizer";

// These tests give each host its own cache folder (the `cacheDir` setting); the environment's would win.
delete process.env.SHUTTEN_CACHE_DIR;
const work = mkdtempSync(join(tmpdir(), "shutten-host-"));
const corpus = join(work, "corpus");
const cacheDir = join(work, "cache");
cpSync(resolve(__dirname, "../../corpus"), corpus, { recursive: true });
after(() => rmSync(work, { recursive: true, force: true }));

function hostFor(): CorpusHost {
  return new CorpusHost({ log: () => undefined, options: async () => ({ corpusDir: corpus, cacheDir }) });
}

/** Everything a check reads from an index, as plain data. */
function lookups(index: CorpusIndex, phrases: string[]): unknown {
  return {
    keys: index.keys(),
    problems: index.problems.map((p) => `${p.path}:${p.message}`).sort(),
    sources: index.sources.map((s) => ({ meta: s.meta, text: s.text, body: s.body, sentences: s.sentences, quotes: s.quotes, entities: s.entities, events: s.events, numbers: s.numbers, dates: s.dates })),
    found: phrases.map((p) => ({
      exact: index.findExact(p).map((m) => [m.source.meta.key, m.span, m.sentence]),
      near: index.findNear(p, 0.7).map((m) => [m.source.meta.key, m.span, m.distance]),
      similar: index.similarSentences(p, 8).map((h) => [h.source.meta.key, h.index, h.score]),
      cited: index.similarSentences(p, 8, [index.keys()[0]]).map((h) => [h.source.meta.key, h.index, h.score]),
    })),
  };
}

async function fullRebuild(): Promise<CorpusIndex> {
  const built = await buildCorpus({ corpusDir: corpus, tokenizer: await loadTokenizer(), cache: null });
  return new CorpusIndex(built.sources, built.problems);
}

describe("corpus host: snapshot and incremental re-index", () => {
  it("a warm start from the snapshot and an overlay after a change answer as a full rebuild does", async () => {
    const cold = hostFor();
    const first = await cold.load();
    await cold.flush();
    const phrases = first.index.sources.flatMap((s) => s.quotes.slice(0, 3).map((q) => q.normalized)).filter((p) => p.length >= 4);
    assert.ok(phrases.length > 3);

    const warm = hostFor();
    const loaded = await warm.load();
    assert.ok(loaded.index.sources.every((s) => s instanceof StoredSource), "sources come from the snapshot");
    assert.deepEqual(lookups(loaded.index, phrases), lookups(await fullRebuild(), phrases));
    const eventsOf = (i: CorpusIndex) => i.sources.map((s) => [s.meta.key, s.events]);
    assert.ok(first.index.sources.some((s) => s.events.length > 0));
    assert.deepEqual(eventsOf(loaded.index), eventsOf(first.index), "events read back from the snapshot's columns as they were analysed");

    // Change one article (a sentence added) and add a new one: an overlay over the snapshot's base.
    const files = loaded.index.sources.map((s) => s.meta.path);
    const original = readFileSync(files[1], "utf8");
    try {
      writeFileSync(files[1], original.replace("。", "。ロシア側は協議の継続を表明した。"));
      writeFileSync(join(corpus, "zz_added.txt"), "追加の記事\n\n2025年4月1日\n\n両国の代表は「協議を続ける」と述べた。会談は3時間に及んだ。\n");
      const changed = await warm.invalidate([files[1], join(corpus, "zz_added.txt")]);
      assert.equal(changed.index.size, loaded.index.size + 1);
      assert.ok(changed.index.overlaySize >= 2);
      assert.deepEqual(lookups(changed.index, [...phrases, "協議を続ける"]), lookups(await fullRebuild(), [...phrases, "協議を続ける"]));
    } finally {
      writeFileSync(files[1], original);
      rmSync(join(corpus, "zz_added.txt"), { force: true });
    }
    const back = await warm.invalidate();
    assert.deepEqual(lookups(back.index, phrases), lookups(await fullRebuild(), phrases));
  });

  it("one change after another — more than the overlays an index keeps — answers as a full rebuild does", async () => {
    const host = hostFor();
    const loaded = await host.load();
    await host.flush();
    const phrases = loaded.index.sources.flatMap((s) => s.quotes.slice(0, 2).map((q) => q.normalized)).filter((p) => p.length >= 4);
    const edited = loaded.index.sources[0].meta.path;
    const original = readFileSync(edited, "utf8");
    const added: string[] = [];
    try {
      for (let step = 0; step < 12; step++) {
        // Each change touches one file: a new article, or the same article edited again.
        let file: string;
        if (step % 3 === 2) {
          file = edited;
          writeFileSync(file, original.replace("。", `。第${step}回の協議は延期された。`));
        } else {
          file = join(corpus, `zz_step${String(step).padStart(2, "0")}.txt`);
          added.push(file);
          writeFileSync(file, `続報${step}\n\n2025年4月${step + 1}日\n\n代表は「協議を${step}回続ける」と述べた。会談は${step + 1}時間に及んだ。\n`);
        }
        const now = await host.invalidate([file]);
        assert.ok(now.index.overlaySize > 0, `step ${step}: the change is an overlay, not a full build`);
        if (step % 4 === 3 || step === 11) {
          const asked = [...phrases, `協議を${step}回続ける`, `第${step - 1}回の協議は延期`];
          assert.deepEqual(lookups(now.index, asked), lookups(await fullRebuild(), asked), `step ${step}`);
        }
      }
    } finally {
      writeFileSync(edited, original);
      for (const f of added) rmSync(f, { force: true });
    }
    const back = await host.invalidate();
    assert.deepEqual(lookups(back.index, phrases), lookups(await fullRebuild(), phrases));
  });
});

/** A fresh copy of the sample corpus and its own cache folder. */
function freshProject(name: string): { corpus: string; cacheDir: string; host: () => CorpusHost } {
  const dir = join(work, name);
  const c = join(dir, "corpus");
  cpSync(resolve(__dirname, "../../corpus"), c, { recursive: true });
  const cd = join(dir, "cache");
  return { corpus: c, cacheDir: cd, host: () => new CorpusHost({ log: () => undefined, options: async () => ({ corpusDir: c, cacheDir: cd }) }) };
}

function snapshotFiles(cacheDir: string): string[] {
  const dir = join(cacheDir, readdirSync(cacheDir).find((d) => d.startsWith("snapshot-"))!);
  return readdirSync(dir).map((f) => join(dir, f));
}

describe("corpus host: the snapshot survives what happens around it", () => {
  it("a reindex asked for during the first build keeps the snapshot, and no temp file is left", async () => {
    const p = freshProject("reindex");
    const host = p.host();
    const first = host.load();
    // As `shutten/reindex` right after start: while the first build runs.
    await new Promise((r) => setTimeout(r, 5));
    const again = host.invalidate();
    await Promise.all([first, again]);
    await host.flush();
    host.dispose();
    const files = snapshotFiles(p.cacheDir);
    assert.equal(files.filter((f) => f.endsWith(".snap")).length, 1);
    assert.deepEqual(files.filter((f) => f.endsWith(".tmp")), []);
    const warm = p.host();
    const loaded = await warm.load();
    assert.equal(loaded.stats.full, false, "a new host starts from the snapshot");
    assert.ok(loaded.index.sources.every((s) => s instanceof StoredSource));
    warm.dispose();
  });

  it("temp files of a crashed writer are removed by the next one; a running writer's are kept", async () => {
    const p = freshProject("orphans");
    const host = p.host();
    await host.load();
    host.dispose();
    const snap = snapshotFiles(p.cacheDir).find((f) => f.endsWith(".snap"))!;
    // A process that has exited: its pid is free (it may be reused much later; temp files older than a day go anyway).
    const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
    const orphan = `${snap}.${hostname().replace(/[^A-Za-z0-9-]/g, "_")}.${dead}.abc123.tmp`;
    const oldStyle = `${snap}.${dead}.def456.tmp`;
    const live = `${snap}.${hostname().replace(/[^A-Za-z0-9-]/g, "_")}.${process.pid}.ghi789.tmp`;
    for (const f of [orphan, oldStyle, live]) writeFileSync(f, "partial snapshot");
    // The next full build (a damaged or outdated snapshot, or `shutten index` after changes) writes anew.
    rmSync(snap);
    const next = p.host();
    await next.load();
    next.dispose();
    const left = snapshotFiles(p.cacheDir);
    assert.ok(!left.includes(orphan) && !left.includes(oldStyle), "orphans removed");
    assert.ok(left.includes(live), "a live writer's temp file is kept");
    rmSync(live);
  });

  it("a same-length edit inside a snapshot record or section is detected: the snapshot is rebuilt and the answers do not change", async () => {
    const p = freshProject("damage");
    const host = p.host();
    const cold = await host.load();
    host.dispose();
    const phrases = cold.index.sources.flatMap((s) => s.quotes.slice(0, 2).map((q) => q.normalized)).filter((x) => x.length >= 4);
    const expected = lookups(cold.index, phrases);
    const snap = snapshotFiles(p.cacheDir).find((f) => f.endsWith(".snap"))!;
    const bytes = readFileSync(snap);

    // In a record: one UTF-16 character of a source's text becomes another (same length).
    const needle = Buffer.from("大統領", "utf16le");
    const at = bytes.indexOf(needle);
    assert.ok(at > 0);
    const damaged = Buffer.from(bytes);
    Buffer.from("首相", "utf16le").copy(damaged, at);
    writeFileSync(snap, damaged);
    const warm = p.host();
    const loaded = await warm.load();
    assert.equal(loaded.stats.full, false, "the header and sections are intact: a warm start");
    assert.deepEqual(lookups(loaded.index, phrases), expected, "the damaged source comes from its file");
    await new Promise((r) => setTimeout(r, 20));
    await warm.flush();
    warm.dispose();
    const rebuilt = readFileSync(snap);
    assert.ok(rebuilt.indexOf(needle) >= 0 && !rebuilt.equals(damaged), "the snapshot was written again");

    // In a section (the normalised sentences the index searches): one character changed, the same length.
    const section = Buffer.from(rebuilt);
    const header = JSON.parse(section.toString("utf16le", section.readDoubleLE(8), section.readDoubleLE(8) + section.readUInt32LE(16)));
    const [normsAt, normsLength] = header.sections.norms;
    section[normsAt + Math.floor(normsLength / 4) * 2] ^= 0x01;
    writeFileSync(snap, section);
    const again = p.host();
    const reloaded = await again.load();
    again.dispose();
    assert.equal(reloaded.stats.full, true, "a damaged section makes the snapshot absent: built again from the per-file cache");
    assert.equal(reloaded.stats.analysed, 0);
    assert.deepEqual(lookups(reloaded.index, phrases), expected);
  });

  it("a file whose mtime moved but whose bytes did not is not re-indexed", async () => {
    const p = freshProject("touch");
    const host = p.host();
    await host.load();
    host.dispose();
    const file = join(p.corpus, "003_da387fb42327dcfe.txt");
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    const warm = p.host();
    const loaded = await warm.load();
    warm.dispose();
    assert.equal(loaded.stats.analysed, 0);
    assert.equal(loaded.index.overlaySize, 0, "nothing was reloaded");
  });

  it("a new story of the same outlet and day gets the next suffix; every other key stays", async () => {
    const p = freshProject("keys");
    const story = (hour: number, n: number) =>
      `ロイターニュース\n\n続報その${n}\n\n2025年5月26日(月)${hour}時00分\n\n両国の外相は電話で協議し、停戦の条件について意見を交わしたと明らかにした。協議は${n}時間に及んだという。\n\n[ロイター]\n`;
    writeFileSync(join(p.corpus, "wire-1.txt"), story(9, 1));
    writeFileSync(join(p.corpus, "wire-2.txt"), story(12, 2));
    const host = p.host();
    const first = await host.load();
    const keysOf = (index: CorpusIndex) => Object.fromEntries(index.sources.map((s) => [s.meta.path.slice(p.corpus.length + 1), s.meta.key]));
    const before = keysOf(first.index);
    assert.equal(before["wire-1.txt"], "reuters-2025-05-26");
    assert.equal(before["wire-2.txt"], "reuters-2025-05-26a");
    writeFileSync(join(p.corpus, "wire-0.txt"), story(15, 3));
    const changed = await host.invalidate([join(p.corpus, "wire-0.txt")]);
    host.dispose();
    const now = keysOf(changed.index);
    assert.equal(now["wire-0.txt"], "reuters-2025-05-26b");
    for (const [file, key] of Object.entries(before)) assert.equal(now[file], key, file);
    assert.equal(changed.index.get("reuters-2025-05-26b")?.meta.path, join(p.corpus, "wire-0.txt"));
  });
});

describe("the snapshot's event columns", () => {
  it("property: any events, with nulls, names, unknown fields and odd numbers, read back exactly, per file", () => {
    const str = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("会談", "合意", "東京", "ロシア"));
    const int = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.integer(), fc.constant(-0x80000000));
    const event = fc.record(
      {
        start: int,
        end: int,
        date: fc.record({ year: fc.option(int), month: fc.option(int), day: fc.option(int) }, { noNullPrototype: true }),
        dateSpan: fc.record({ start: int, end: int }, { noNullPrototype: true }),
        predicate: str,
        participants: fc.array(str, { maxLength: 4 }),
        place: fc.option(str),
        sentence: int,
        name: str,
        other: fc.oneof(fc.double(), str),
      },
      { requiredKeys: ["start", "end", "date", "dateSpan", "predicate", "participants", "place", "sentence"], noNullPrototype: true },
    );
    fc.assert(
      fc.property(fc.array(fc.array(event, { maxLength: 5 }), { maxLength: 6 }), (files) => {
        const { columns, ranges } = encodeEvents(files as unknown as EventUnit[][]);
        assert.deepEqual(
          ranges.map(([a, b]) => decodeEvents(columns, a, b)),
          files,
        );
      }),
    );
  });
});

describe("rebuilds in steps give what a full rebuild gives", () => {
  /** Every entity spelling of the index with its cluster's display name, and every key. */
  function clusters(loaded: { index: CorpusIndex; aliases: { canonical(n: string): string } }, names: string[]): unknown {
    return { keys: loaded.index.keys(), canonical: names.map((n) => [n, loaded.aliases.canonical(n)]) };
  }
  const article = (title: string, body: string) => `${title}\n\n2025年6月2日\n\n${body}\n`;

  it("a warm start's alias clusters, and those after an article is added after the others, equal a full rebuild's", async () => {
    const p = freshProject("aliases");
    writeFileSync(join(p.corpus, "m1.txt"), article("特使の訪問", "米国のスティーブ・ウィトコフ特使は2日、モスクワを訪れた。映画監督の三池崇史氏も同行したという。"));
    writeFileSync(join(p.corpus, "m2.txt"), article("協議の続報", "ウィトコフ氏は「協議は前進した」と述べた。三池氏は記者団の質問に答えなかった。"));
    const cold = p.host();
    const first = await cold.load();
    await cold.flush();
    cold.dispose();
    const names = () => [...new Set(first.index.sources.flatMap((s) => s.entities.map((e) => e.text)))];
    assert.equal(first.aliases.canonical("ウィトコフ"), first.aliases.canonical("スティーブ・ウィトコフ"), "the full name joins the family name");
    assert.equal(first.aliases.canonical("三池"), "三池崇史", "the family name joins the full name");

    const warm = p.host();
    const loaded = await warm.load();
    assert.ok(loaded.index.sources.every((s) => s instanceof StoredSource), "sources come from the snapshot");
    assert.deepEqual(clusters(loaded, names()), clusters(first, names()));

    // An article sorted after every other: the old clusters copied, only its mentions observed.
    writeFileSync(join(p.corpus, "zz-m3.txt"), article("会談の終了", "スティーブ・ウィトコフ氏と三池崇史氏は会談を終えた。"));
    const added = await warm.invalidate([join(p.corpus, "zz-m3.txt")]);
    assert.ok(added.index.overlaySize > 0, "the change is an overlay, not a full build");
    const full = p.host();
    const rebuilt = await full.invalidate();
    await full.refreshSnapshot();
    const all = [...names(), ...added.index.sources.flatMap((s) => s.entities.map((e) => e.text))];
    assert.deepEqual(clusters(added, all), clusters(rebuilt, all));
    assert.deepEqual(lookups(added.index, ["協議は前進した"]), lookups(await (async () => {
      const built = await buildCorpus({ corpusDir: p.corpus, tokenizer: await loadTokenizer(), cache: null });
      return new CorpusIndex(built.sources, built.problems);
    })(), ["協議は前進した"]));

    // An article sorted before the others: every mention is replayed, with the same result.
    writeFileSync(join(p.corpus, "a-m0.txt"), article("前日の動き", "三池氏とウィトコフ氏は前日に到着した。"));
    const before = await warm.invalidate([join(p.corpus, "a-m0.txt")]);
    warm.dispose();
    full.dispose();
    const again = p.host();
    const rebuiltAgain = await again.invalidate();
    again.dispose();
    const all2 = [...all, ...before.index.sources.flatMap((s) => s.entities.map((e) => e.text))];
    assert.deepEqual(clusters(before, all2), clusters(rebuiltAgain, all2));
  });

  it("a trigram table grown in steps is the one grown at once", () => {
    let seed = 7;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const texts = Array.from({ length: 250 }, () => Array.from({ length: 2500 }, () => String.fromCharCode(rnd() < 0.5 ? 0x3041 + Math.floor(rnd() * 80) : 0x4e00 + Math.floor(rnd() * 3000))).join(""));
    const builder = new SegmentBuilder();
    let yields = 0;
    for (const norm of texts) for (const _ of builder.addInputSteps({ norm, starts: Int32Array.of(0), spans: Int32Array.of(0, norm.length) })) yields++;
    const stepped = builder.finish().toData().trigrams;
    const atOnce = new TrigramPostings(texts).toData();
    assert.ok(stepped.keys.length >= 1 << 20, "the table doubled several times");
    assert.ok(yields >= 4, "its growth was stepped");
    assert.deepEqual(stepped, atOnce);
    // A size hint (a cold build's file sizes) changes where the table grows, not what it holds:
    // room for all of it, room for part of it, and more room than it needs.
    for (const chars of [300_000, 1_000_000, 4_000_000, 40_000_000]) {
      const hinted = new SegmentBuilder();
      hinted.expect(chars);
      for (const norm of texts) for (const _ of hinted.addInputSteps({ norm, starts: Int32Array.of(0), spans: Int32Array.of(0, norm.length) }));
      assert.deepEqual(hinted.finish().toData().trigrams, atOnce, `hint ${chars}`);
    }
  });

  it("keys assigned in steps equal keys assigned at once, for many clashing claims", () => {
    const claims = Array.from({ length: 5000 }, (_, i) => ({
      key: i % 7 === 0 ? `explicit-${i % 3}` : `wire-2025-05-${String(1 + (i % 9)).padStart(2, "0")}`,
      provenance: i % 7 === 0 ? (i % 2 ? "catalogue" : "front-matter") : "text",
      published: i % 5 === 0 ? null : `2025-05-01T${String(i % 24).padStart(2, "0")}:00`,
      rel: `d${i % 4}/f${i}.txt`,
      path: `/c/d${i % 4}/f${i}.txt`,
    }));
    const steps = assignKeysSteps(claims);
    let yields = 0;
    let r = steps.next();
    while (!r.done) {
      yields++;
      r = steps.next();
    }
    assert.ok(yields > 4, "the work is split");
    assert.deepEqual(r.value, assignKeys(claims));
    assert.equal(new Set(r.value.keys).size, claims.length, "every key unique");
  });
});

describe("the snapshot header written in pieces", () => {
  it("property: the pieces joined are JSON.stringify's text", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (value, depth) => {
        const parts = [...jsonParts(value, depth)].filter((p) => p !== null);
        assert.equal(parts.join(""), JSON.stringify(value));
      }),
    );
    const header = { files: Array.from({ length: 600 }, (_, i) => ({ rel: `f${i}`, source: i % 3 ? { meta: { key: `k${i}`, title: "題" }, events: [i, i + 1] } : undefined, problems: [] })), aliases: { counts: [["a", [["A", 2]]]] }, n: 1 };
    const pieces = [...jsonParts(header, 3)];
    assert.ok(pieces.filter((p) => p === null).length >= 2, "there are places to breathe");
    assert.equal(pieces.filter((p) => p !== null).join(""), JSON.stringify(header));
  });
});
