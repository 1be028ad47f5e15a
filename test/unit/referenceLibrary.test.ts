// Reference libraries in the core: reading BibTeX/BibLaTeX, CSL-JSON and CSL YAML through
// citation-js with per-entry recovery, the library (precedence, duplicates), completion search in
// kanji, kana and Latin text, citeproc formatting in a chosen style, a draft's front matter.
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { parseBibtex, splitBibtex } from "../../server/src/core/bibliography/bibtex";
import { parseCslJson, parseCslYaml, splitJsonArray } from "../../server/src/core/bibliography/csl";
import { draftBibliography } from "../../server/src/core/bibliography/draftBibliography";
import { formatReference, registerStyleFile } from "../../server/src/core/bibliography/formatReference";
import { ReferenceLibrary } from "../../server/src/core/bibliography/library";
import { addReadings, searchLibrary } from "../../server/src/core/bibliography/libraryCatalog";
import { joinParts, parseLibraryFile } from "../../server/src/core/bibliography/libraryParser";
import { LibraryItemCache } from "../../server/src/core/bibliography/libraryCache";
import { LibraryStore } from "../../server/src/core/bibliography/libraryStore";
import { problemMessage } from "../../server/src/core/bibliography/messages";
import type { LibraryFileData } from "../../server/src/core/bibliography/model";
import { parseLibraryBytes, parseLibraryText } from "../../server/src/core/bibliography/parseLibrary";
import { sampleCorpus, type SampleCorpus } from "./featureFixture";

const FIXTURES = join(__dirname, "..", "fixtures", "bibliography");
const fixture = (name: string) => parseLibraryBytes(readFileSync(join(FIXTURES, name)), join(FIXTURES, name));

/** A `.bib` of `n` well-formed entries, `key0`…, the i-th starting at a known line. */
function bibOf(n: number, broken?: { at: number; body: string }): { text: string; lineOf: (i: number) => number } {
  const parts: string[] = [];
  const starts: number[] = [];
  let line = 0;
  for (let i = 0; i < n; i++) {
    const body =
      broken && broken.at === i
        ? broken.body
        : `@article{key${i},\n  author = {Author${i}, Ann},\n  title = {Title number ${i}},\n  journal = {Journal},\n  year = {${2000 + (i % 20)}}\n}\n`;
    starts.push(line);
    parts.push(body + "\n");
    line += (body + "\n").split("\n").length - 1;
  }
  return { text: parts.join(""), lineOf: (i) => starts[i] };
}

describe("BibTeX through citation-js, entry by entry", () => {
  it("a .bib with one broken entry among 100 loads the other 99 and reports the broken one with its line", () => {
    const { text, lineOf } = bibOf(100, { at: 57, body: `@article{key57,\n  author = {Broken, Bob},\n  title {no equals sign},\n  year = {2001}\n}\n` });
    const data = parseBibtex(text, "/lib/refs.bib");
    assert.equal(data.entries.length, 99);
    assert.ok(!data.entries.some((e) => e.key === "key57"));
    const errors = data.problems.filter((p) => p.severity === "error");
    assert.equal(errors.length, 1);
    assert.equal(errors[0].key, "key57");
    assert.equal(errors[0].line, lineOf(57) + 2, "the line of the field without '='");
    assert.match(problemMessage(errors[0]), /key57.*"="/);
    assert.match(problemMessage(errors[0], "ja"), /key57.*「=」/);
  });

  it("a missing comma between two fields loads the entry and says where the comma belongs", () => {
    const { text, lineOf } = bibOf(5, { at: 2, body: `@book{key2,\n  author = {Missing, Comma}\n  title = {Still Here},\n  year = {1999}\n}\n` });
    const data = parseBibtex(text, "/lib/refs.bib");
    assert.equal(data.entries.length, 5);
    const entry = data.entries.find((e) => e.key === "key2")!;
    assert.equal(entry.csl.title, "Still Here");
    const warning = data.problems.find((p) => p.key === "key2")!;
    assert.equal(warning.severity, "warning");
    assert.equal(warning.reason, "missing-comma-fixed");
    assert.equal(warning.line, lineOf(2) + 1, "the author line, which lacks its comma");
  });

  it("an entry missing its closing brace does not swallow the entries after it", () => {
    const { text } = bibOf(4, { at: 1, body: `@book{key1,\n  title = {Open},\n  year = {2000},\n` });
    const data = parseBibtex(text, "/lib/refs.bib");
    assert.deepEqual(
      data.entries.map((e) => e.key),
      ["key0", "key1", "key2", "key3"],
    );
    const p = data.problems.find((x) => x.key === "key1")!;
    assert.equal(p.reason, "unclosed-fixed");
  });

  it("@string macros still apply when another entry forces reading entry by entry", () => {
    const text = `@string{pub = {筑摩書房}}\n@book{a,\n  title = {A},\n  publisher = pub,\n  year = 2020\n}\n@book{b,\n  title {B}\n}\n`;
    const data = parseBibtex(text, "/lib/refs.bib");
    assert.equal(data.entries.length, 1);
    assert.equal(data.entries[0].csl.publisher, "筑摩書房");
  });

  it("a Japanese name without a comma is read as Pandoc reads it, and reported with the fix", () => {
    const text = `@book{k,\n  author = {村上 春樹 and 山田, 太郎 and Smith, John and {日本経済新聞社}},\n  title = {X},\n  year = 2009\n}\n`;
    const data = parseBibtex(text, "/x.bib");
    assert.deepEqual(data.entries[0].csl.author, [
      { given: "村上", family: "春樹" },
      { family: "山田", given: "太郎" },
      { given: "John", family: "Smith" },
      { family: "日本経済新聞社" },
    ]);
    assert.equal(data.problems.length, 1);
    const p = data.problems[0];
    assert.equal(p.severity, "warning");
    assert.equal(text.slice(p.span.start, p.span.end), "村上 春樹");
    assert.match(problemMessage(p), /"春樹" as the family name\. Write "村上, 春樹"/);
    assert.match(problemMessage(p, "ja"), /「村上, 春樹」（姓, 名）/);
  });

  it("entries keep their place: the key's span and line in the file", () => {
    const data = fixture("refs.bib");
    const text = readFileSync(join(FIXTURES, "refs.bib"), "utf8");
    for (const e of data.entries) {
      assert.equal(text.slice(e.keySpan.start, e.keySpan.end), e.key);
      assert.equal(text.split("\n")[e.keyPosition.line].slice(e.keyPosition.character, e.keyPosition.character + e.key.length), e.key);
    }
    assert.deepEqual(data.problems, []);
    assert.equal(data.entries.find((e) => e.key === "koizumi2022")!.csl.publisher, "筑摩書房", "@string expanded");
  });

  it("read in parts (as workers do), the file gives the same entries and problems as read whole", () => {
    const { text } = bibOf(30, { at: 11, body: `@misc{key11,\n  title {x}\n}\n` });
    const whole = parseBibtex(`@string{j = {J}}\n` + text, "/x.bib");
    const parts = joinParts("/x.bib", [0, 10, 20].map((from) => parseLibraryText(`@string{j = {J}}\n` + text, "/x.bib", "bibtex", { from, to: from + 10 })));
    assert.deepEqual(parts.entries, whole.entries);
    assert.deepEqual(parts.problems, whole.problems);
  });

  it("property: the cutting finds every entry of any file, whatever junk lies between them", () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9:_-]{0,12}$/);
    const junk = fc.stringMatching(/^[^@{}]{0,30}$/);
    const value = fc.stringMatching(/^[^{}\\]{0,20}$/);
    fc.assert(
      fc.property(fc.uniqueArray(key, { minLength: 1, maxLength: 8 }), fc.array(junk, { minLength: 9, maxLength: 9 }), fc.array(value, { minLength: 8, maxLength: 8 }), (keys, junks, values) => {
        let text = junks[0];
        const spans: [number, number][] = [];
        keys.forEach((k, i) => {
          const entry = `@article{${k},\n  title = {${values[i]}}\n}`;
          spans.push([text.length, text.length + entry.length]);
          text += entry + "\n" + junks[i + 1];
        });
        const chunks = splitBibtex(text);
        assert.deepEqual(
          chunks.map((c) => c.key),
          keys,
        );
        assert.deepEqual(
          chunks.map((c) => [c.span.start, c.span.end]),
          spans,
        );
      }),
    );
  });

  it("property: reading never throws, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const data = parseBibtex("@book{a, title={x}}\n" + s, "/x.bib");
        assert.ok(Array.isArray(data.entries));
      }),
      { numRuns: 200 },
    );
  });
});

describe("CSL-JSON and CSL YAML", () => {
  it("one broken CSL-JSON item is reported with its line; the items around it load", () => {
    const text = `[\n  {"id": "a", "type": "book", "title": "A"},\n  {"id": "b", "type": "book", "title": "B",, "x": 1},\n  {"id": "c", "type": "book", "title": "C"}\n]\n`;
    const data = parseCslJson(text, "/lib/refs.json");
    assert.deepEqual(
      data.entries.map((e) => e.key),
      ["a", "c"],
    );
    assert.equal(data.problems.length, 1);
    assert.equal(data.problems[0].line, 2);
    assert.equal(data.problems[0].key, "b");
  });

  it("a missing comma between two CSL-JSON items loads both, with a warning", () => {
    const data = parseCslJson(`[{"id": "a", "title": "A"}\n {"id": "b", "title": "B"}]`, "/x.json");
    assert.deepEqual(
      data.entries.map((e) => e.key),
      ["a", "b"],
    );
    assert.equal(data.problems[0].severity, "warning");
  });

  it("CSL YAML as Pandoc writes it: dates and names in short forms become CSL's; an item without id is reported", () => {
    const data = parseCslYaml(`references:\n- id: a\n  type: book\n  title: A\n  issued: 2009-05-29\n  author:\n  - 村上 春樹\n  - Smith, John\n- type: book\n  title: No id\n`, "/x.yaml");
    assert.equal(data.entries.length, 1);
    assert.deepEqual(data.entries[0].csl.issued, { "date-parts": [[2009, 5, 29]] });
    assert.deepEqual(data.entries[0].csl.author, [{ literal: "村上 春樹" }, { literal: "Smith, John" }], "one string: a literal name, as Pandoc reads it");
    assert.equal(data.problems.length, 1);
    assert.equal(data.problems[0].reason, "no-id");
    assert.equal(data.problems[0].line, 8);
  });

  it("the fixtures load whole: CSL-JSON and CSL YAML", () => {
    assert.deepEqual(
      fixture("refs.json").entries.map((e) => e.key),
      ["sakwa2015", "shimotomai2016"],
    );
    assert.deepEqual(
      fixture("refs.yaml").entries.map((e) => e.key),
      ["trenin2016", "hakamada2022"],
    );
  });

  it("property: the JSON array cutting returns the elements of any array of items", () => {
    const item = fc.record({ id: fc.string({ maxLength: 8 }), title: fc.string({ maxLength: 12 }), n: fc.integer() });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), fc.boolean(), (items, pretty) => {
        const text = JSON.stringify(items, null, pretty ? 2 : 0);
        const split = splitJsonArray(text)!;
        assert.deepEqual(
          split.elements.map((e) => JSON.parse(text.slice(e.span.start, e.span.end))),
          JSON.parse(text),
        );
      }),
    );
  });

  it("a file in no known format, or not text, is reported, not thrown", () => {
    assert.equal(parseLibraryBytes(Buffer.from("x"), "/refs.txt").problems[0].reason, "unknown-format");
    assert.equal(parseLibraryBytes(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0, 1, 2]), "/refs.bib").problems[0].reason, "binary");
  });
});

describe("the library and its completion search", () => {
  let corpus: SampleCorpus;
  before(async () => {
    corpus = await sampleCorpus();
  });

  const library = () => new ReferenceLibrary([fixture("refs.bib"), fixture("refs.json"), fixture("refs.yaml")]);

  it("finds entries by key prefix, author, year and title words", () => {
    const lib = library();
    const keys = (q: string) => searchLibrary(lib, q).hits.map((h) => h.entry.key);
    assert.deepEqual(keys("mear"), ["mearsheimer2014"]);
    assert.ok(keys("plokhy").includes("plokhy2015"));
    assert.ok(keys("sakwa").includes("sakwa2015"));
    assert.ok(keys("2016").includes("trenin2016") && keys("2016").includes("shimotomai2016"));
    assert.ok(keys("gates").includes("plokhy2015"), "a title word");
    assert.ok(keys("borderl").includes("sakwa2015"), "a title word's prefix");
    assert.ok(keys("小泉").includes("koizumi2022"), "a Japanese name");
    assert.ok(keys("ウクライナ").includes("koizumi2022"), "a Japanese title");
    assert.ok(keys("戦争").includes("koizumi2022"), "inside a Japanese title");
    assert.equal(searchLibrary(lib, "zzzz").hits.length, 0);
  });

  it("finds Japanese titles and names by their kana reading once read", () => {
    const files = [fixture("refs.bib"), fixture("refs.json")];
    const lib = new ReferenceLibrary(files);
    assert.ok(!searchLibrary(lib, "こいずみ").hits.some((h) => h.entry.key === "koizumi2022"), "not before the readings");
    for (const f of files) addReadings(f, corpus.tokenizer);
    assert.ok(searchLibrary(lib, "こいずみ").hits.some((h) => h.entry.key === "koizumi2022"), "小泉 read as こいずみ");
    assert.ok(searchLibrary(lib, "ひろせ").hits.some((h) => h.entry.key === "hirose2021"), "廣瀬 read as ひろせ");
    assert.ok(searchLibrary(lib, "うくらいなせんそう").hits.some((h) => h.entry.key === "koizumi2022"), "the title read in hiragana");
  });

  it("key prefixes rank first; a capped result says more would match", () => {
    const { text } = bibOf(120);
    const lib = new ReferenceLibrary([parseBibtex(text, "/big.bib")]);
    const r = searchLibrary(lib, "key1", 10);
    assert.equal(r.hits.length, 10);
    assert.ok(r.truncated);
    assert.ok(r.hits.every((h) => h.rank === 0 && h.entry.key.startsWith("key1")));
  });

  it("inline references win over a file's entry silently; two files defining a key are reported", () => {
    const inline = parseCslYaml(`references:\n- id: plokhy2015\n  title: Mine\n`, "/draft.md");
    const lib = new ReferenceLibrary([inline, fixture("refs.bib")], inline);
    assert.equal(lib.get("plokhy2015")!.csl.title, "Mine");
    assert.equal(lib.duplicates.length, 0);
    const other = parseCslJson(`[{"id": "plokhy2015", "title": "Other"}]`, "/other.json");
    const both = new ReferenceLibrary([fixture("refs.bib"), other]);
    assert.equal(both.duplicates.length, 1);
    assert.equal(both.duplicates[0].path, "/other.json");
    assert.match(problemMessage(both.duplicates[0]), /plokhy2015.*refs\.bib:\d+/);
  });

  it("suggests the nearest library keys for a typo", () => {
    assert.equal(library().nearestKeys("koizumi2021", 1)[0], "koizumi2022");
  });
});

describe("formatting with citeproc", () => {
  it("Chicago author-date by default, Japanese entries with the Japanese locale", () => {
    const bib = fixture("refs.bib");
    const plokhy = formatReference(bib.entries.find((e) => e.key === "plokhy2015")!.csl)!;
    assert.equal(plokhy.entry, "Plokhy, Serhii. 2015. *The Gates of Europe: A History of Ukraine*. New York: Basic Books.");
    assert.equal(plokhy.citation, "(Plokhy 2015)");
    const hakamada = formatReference(fixture("refs.yaml").entries.find((e) => e.key === "hakamada2022")!.csl)!;
    assert.match(hakamada.entry, /^袴田 茂樹\. 2022\. 「ロシアのウクライナ侵攻と国際秩序」\. 国際問題, 6月/);
  });

  it("another bundled style, and a style file; a file that is no CSL style is refused", () => {
    const csl = fixture("refs.json").entries[0].csl;
    assert.match(formatReference(csl, "apa")!.entry, /^Sakwa, R\. \(2015\)/);
    const dir = mkdtempSync(join(tmpdir(), "shutten-csl-"));
    try {
      const style = join(dir, "mine.csl");
      writeFileSync(style, `<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0"><info><title>Mine</title><id>mine</id><updated>2024-01-01T00:00:00+00:00</updated></info><citation><layout><text variable="title"/></layout></citation><bibliography><layout><text value="MINE: "/><text variable="title"/></layout></bibliography></style>`);
      const r = registerStyleFile(style, "1", readFileSync(style, "utf8"));
      assert.ok("name" in r);
      assert.equal(formatReference(csl, r.name)!.entry, "MINE: Frontline Ukraine: Crisis in the Borderlands");
      assert.ok("error" in registerStyleFile(join(dir, "x.csl"), "1", "<html></html>"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a draft's front matter and the store", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "shutten-lib-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads bibliography: (one path or a list), inline references: and csl:, with the values' spans", () => {
    const text = `---\ntitle: x\nbibliography:\n  - refs.bib\n  - "refs.json"\ncsl: style.csl\nreferences:\n- id: inline1\n  title: Inline\n---\nBody [@inline1].\n`;
    const fm = draftBibliography(text, "/d/draft.md");
    assert.deepEqual(
      fm.files.map((f) => [f.value, text.slice(f.span.start, f.span.end)]),
      [
        ["refs.bib", "refs.bib"],
        ["refs.json", "refs.json"],
      ],
    );
    assert.equal(fm.csl?.value, "style.csl");
    assert.equal(fm.inline?.entries[0].key, "inline1");
    assert.equal(text.slice(fm.inline!.entries[0].keySpan.start, fm.inline!.entries[0].keySpan.end), "inline1");
    assert.deepEqual(draftBibliography(`---\nbibliography: one.bib\n---\n`, "/d.md").files.map((f) => f.value), ["one.bib"]);
  });

  it("resolves a draft's files beside it, else in the project folder; reports the missing; the setting's globs", async () => {
    writeFileSync(join(dir, "shared.bib"), `@book{shared1, title={Shared}, year=2001}\n`);
    const sub = join(dir, "drafts");
    require("node:fs").mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, "local.json"), `[{"id": "local1", "title": "Local"}]`);
    require("node:fs").mkdirSync(join(dir, "lib"), { recursive: true });
    writeFileSync(join(dir, "lib", "a.yaml"), `- id: glob1\n  title: Glob\n`);
    const store = new LibraryStore();
    const view = await store.libraryFor({
      draftPath: join(sub, "draft.md"),
      draftText: `---\nbibliography: [local.json, shared.bib, nowhere.bib]\n---\n`,
      root: dir,
      settingPaths: ["lib/**/*.yaml"],
    });
    assert.deepEqual(view.library.keys().sort(), ["glob1", "local1", "shared1"]);
    assert.deepEqual(
      view.missing.map((m) => m.value),
      ["nowhere.bib"],
    );
  });

  it("a changed file is read again after a watcher's event, and only then", async () => {
    const file = join(dir, "watched.bib");
    writeFileSync(file, `@book{before1, title={B}, year=2001}\n`);
    const store = new LibraryStore({ statIntervalMs: 60_000 });
    const req = { draftPath: join(dir, "d.md"), draftText: `---\nbibliography: watched.bib\n---\n`, root: dir };
    assert.deepEqual((await store.libraryFor(req)).library.keys(), ["before1"]);
    writeFileSync(file, `@book{after1, title={A}, year=2002}\n@book{after2, title={A}, year=2002}\n`);
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    assert.deepEqual((await store.libraryFor(req)).library.keys(), ["before1"], "trusted until told");
    assert.ok(store.invalidate([file]));
    assert.deepEqual((await store.libraryFor(req)).library.keys(), ["after1", "after2"]);
  });
});

describe("a large library's keys first", () => {
  it("a draft's keys are known before a large .bib is parsed, an entry that does not read is not, and the full reading is unchanged", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shutten-keysfirst-"));
    try {
      const path = join(dir, "refs.bib");
      const { text } = bibOf(3_200, { at: 57, body: `@article{key57,\n  author = {Broken, Bob},\n  title {no equals sign},\n  year = {2001}\n}\n` });
      const workerScript = join(__dirname, "..", "..", "dist", "libraryWorker.js");
      let keys: LibraryFileData | null = null;
      const full = await parseLibraryFile(path, Buffer.from(text), { workerScript, cache: new LibraryItemCache(dir), early: (k) => (keys = k) });
      assert.ok(keys, "the keys were told before the entries were parsed");
      const early = keys as LibraryFileData;
      assert.equal(early.keysOnly, true);
      const library = new ReferenceLibrary([early]);
      assert.ok(library.has("key0") && library.has("key3199"));
      assert.ok(!library.has("key57"), "a cited entry that does not read is unknown, as after the full reading");
      assert.ok(!library.has("key3200"));
      assert.deepEqual(library.nearestKeys("key319", 1), ["key319"]);
      assert.deepEqual(full, parseBibtex(text, path), "the full reading, on workers, is the plain one");
      let told = false;
      await parseLibraryFile(path, Buffer.from(text), { workerScript, cache: new LibraryItemCache(dir), early: () => (told = true) });
      assert.ok(!told, "a library read from the cache is read at once: no keys first");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the store gives a draft's diagnostics the keys of a file still being read, and everything else its full reading", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shutten-keysfirst-store-"));
    try {
      const file = join(dir, "big.bib");
      writeFileSync(file, `@book{big1, title={B}, year=2001}\n`);
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      const store = new LibraryStore({
        parse: async (p, bytes, early) => {
          early({ path: p, format: "bibtex", entries: parseBibtex(Buffer.from(bytes).toString(), p).entries.map((e) => ({ ...e, csl: { id: e.key } })), problems: [], keysOnly: true });
          await gate;
          return parseBibtex(Buffer.from(bytes).toString(), p);
        },
      });
      const req = { draftPath: join(dir, "d.md"), draftText: `---\nbibliography: big.bib\n---\n`, root: dir };
      const full = store.libraryFor(req);
      const keys = await store.libraryFor(req, { keysFirst: true });
      assert.deepEqual(keys.library.keys(), ["big1"]);
      assert.deepEqual(keys.missing, [], "a file being read is not missing");
      assert.ok(keys.reading, "says the file is still being read");
      open();
      await keys.reading;
      const done = await full;
      assert.equal(done.reading, undefined);
      assert.equal(done.library.get("big1")?.csl.title, "B");
      const after = await store.libraryFor(req, { keysFirst: true });
      assert.equal(after.reading, undefined, "once read, the keys view is the full library");
      assert.equal(after.library.get("big1")?.csl.title, "B");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the item cache", () => {
  it("a library read from the cache, or after one entry changed, reads exactly as a fresh parse", async () => {
    const dir = mkdtempSync(join(tmpdir(), "shutten-libcache-"));
    try {
      const path = join(dir, "refs.bib");
      const { text } = bibOf(40, { at: 9, body: `@misc{key9,\n  title {x}\n}\n` });
      const withExtras = `@string{j = {Journal of Things}}\n@string{broken = }\n` + text.replace("@article{key3,\n  author = {Author3, Ann},", "@article{key3,\n  author = {山田 太郎}") + `@book{key40,\n  author = {Comma, Missing}\n  title = {X},\n  journal = j\n}\n`;
      const fresh = (t: string) => parseBibtex(t, path);
      const read = (t: string, cache: LibraryItemCache) => parseLibraryFile(path, Buffer.from(t), { workers: false, cache });
      const cold = await read(withExtras, new LibraryItemCache(dir));
      assert.deepEqual(cold, fresh(withExtras));
      assert.ok(cold.problems.some((p) => p.reason === "cjk-name-order") && cold.problems.some((p) => p.reason === "missing-comma-fixed"));
      const warm = await read(withExtras, new LibraryItemCache(dir));
      assert.deepEqual(warm, fresh(withExtras), "from the cache folder");
      const edited = withExtras.replace("Title number 20}", "Title number twenty}").replace("@string{j = {Journal of Things}}", "@string{j = {Journal of Other Things}}");
      assert.deepEqual(await read(edited, new LibraryItemCache(dir)), fresh(edited), "a changed entry and a changed macro");
      const json = join(dir, "refs.json");
      const jsonText = `[{"id": "a", "title": "A"},\n {"id": "b", "title": "B",, "x": 1},\n {"id": "c", "title": "C"}\n {"id": "d"}]`;
      const jsonRead = () => parseLibraryFile(json, Buffer.from(jsonText), { workers: false, cache: new LibraryItemCache(dir) });
      const jsonCold = await jsonRead();
      assert.deepEqual(jsonCold, parseCslJson(jsonText, json));
      assert.deepEqual(await jsonRead(), jsonCold);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

