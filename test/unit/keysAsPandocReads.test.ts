/**
 * Citation keys as Pandoc reads them, wherever Shutten reads or writes one. A front-matter or
 * catalogue key keeps the characters typed (`001`, `2024.10`, `1e3`, `0x1F`, `no` are not numbers
 * or booleans); any key Pandoc can cite is accepted (`yamada2024:` with braces); and every key
 * Shutten writes — completion, quick fixes, rename, the exported bibliography — is written so that
 * Pandoc reads it back as the same key (`@{yamada--2024}`: bare, Pandoc stops at `--`).
 * Replays `../shared/cases/06-key-shapes` and `15-yaml-implicit-types`, with variants; checked
 * against the `pandoc` binary where it is installed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { citeOf, isCitableKey, isCitationKey, writtenKey } from "../../server/src/core/draft/citations";
import { parseDraft } from "../../server/src/core/draft/parseDraft";
import { exportBibliography } from "../../server/src/core/export/bibliography";
import { complete } from "../../server/src/core/features/completion";
import { catalogFor } from "../../server/src/core/features/corpusCatalog";
import { checkNewKey, metadataRenameEdit, renameEditsIn } from "../../server/src/core/features/navigation";
import { parseCatalogue } from "../../server/src/core/corpus/metadata";
import { applyFix, tinyCorpus, type TinyCorpus } from "../helpers/tinyCorpus";

const PANDOC = spawnSync("pandoc", ["--version"]).status === 0 ? "pandoc" : null;
const ARTICLE = "港市の山田一郎市長は10日の定例記者会見で、来年4月から市立図書館の利用料を無料にする方針を明らかにした。山田市長は「子どもたちが気軽に本に触れられる街にしたい」と述べた。\n";
const fm = (key: string, title: string) => `---\nkey: ${key}\ntitle: ${title}\noutlet: 架空日報\npublished: 2024-05-10\n---\n${ARTICLE}`;

/** Keys as writers type them in front matter, and the key each must be. */
const TYPED: Array<[typed: string, key: string]> = [
  ["yamada--2024", "yamada--2024"],
  ['"yamada2024:"', "yamada2024:"],
  ["港市2024図書館", "港市2024図書館"],
  ["001", "001"],
  ["2024.10", "2024.10"],
  ["1e3", "1e3"],
  ["0x1F", "0x1F"],
  ["no", "no"],
  ["2024-05-10", "2024-05-10"],
  ["'a/b.c'", "a/b.c"],
];

let corpus: TinyCorpus;
before(async () => {
  corpus = await tinyCorpus(Object.fromEntries(TYPED.map(([typed], i) => [`s${i}.md`, fm(typed, `記事${i}`)])));
});

describe("keys read as typed", () => {
  it("front-matter keys keep their characters and are all cited as written", () => {
    assert.deepEqual(corpus.built.sources.map((s) => s.meta.key).sort(), TYPED.map(([, k]) => k).sort());
    assert.deepEqual(corpus.built.problems, []);
    for (const [, key] of TYPED) assert.deepEqual(corpus.codes(`無料化の方針を明らかにした[${citeOf(key)}]。`), [], key);
  });

  it("a catalogue (sources.yaml) reads keys as typed too", () => {
    const cat = parseCatalogue("a.txt:\n  key: 001\nb.txt:\n  key: 2024.10\nc.txt:\n  key: no\n  published: 2024-05-10\n");
    assert.deepEqual([...cat.entries.values()].map((e) => e.key), ["001", "2024.10", "no"]);
    assert.equal(cat.entries.get("c.txt")?.published, "2024-05-10");
  });

  it("a key Pandoc cannot cite at all (a space, unbalanced braces) is refused with the reason", () => {
    for (const k of ["a b", "a}b", "{a", "", "{}\\", "a\\b"]) assert.equal(isCitableKey(k), false, k);
    const cat = parseCatalogue('a.txt:\n  key: "yamada 2024"\n');
    assert.equal(cat.entries.get("a.txt")?.key, undefined);
    assert.match(cat.problems[0].message, /cannot be cited.*space/);
  });
});

describe("keys written so Pandoc reads them back", () => {
  it("bare when Pandoc reads the whole key, else in braces", () => {
    assert.equal(citeOf("nikkei-2025-04-12"), "@nikkei-2025-04-12");
    assert.equal(citeOf("港市2024図書館"), "@港市2024図書館");
    assert.equal(citeOf("yamada--2024"), "@{yamada--2024}");
    assert.equal(citeOf("yamada2024:"), "@{yamada2024:}");
    assert.equal(citeOf("a."), "@{a.}");
    assert.equal(citeOf("-a"), "@{-a}");
  });

  it("a braced key with nested braces and emphasis marks is read whole, not as emphasis", () => {
    for (const draft of ["本文[@{{}_a_>}]。", "本文 @{{}_a_>} は述べた。", "本文[@{x{_y_}z}]。"])
      assert.deepEqual(parseDraft(draft).citations.flatMap((c) => c.items.map((i) => i.key)), [draft.includes("x{") ? "x{_y_}z" : "{}_a_>"], draft);
  });

  it("property: any citable key, written by Shutten, is read back as that key (bracketed and in text)", () => {
    const keyText = fc.string({ unit: fc.constantFrom(..."ab1_港:.#$%&-+?<>~/{}@;,'\"!=()[]^|`*\\"), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(keyText.filter(isCitableKey), (key) => {
        for (const draft of [`本文[${citeOf(key)}]。`, `本文[see ${citeOf(key)}, p. 3]。`, `本文 ${citeOf(key)} は述べた。`]) {
          const d = parseDraft(draft);
          assert.deepEqual(d.citations.flatMap((c) => c.items.map((i) => i.key)), [key], draft);
        }
        assert.equal(isCitationKey(writtenKey(key)) || writtenKey(key) === `{${key}}`, true);
      }),
      { numRuns: 500 },
    );
  });

  it("the quick fix for a key Pandoc cut short writes it whole, in braces (not @yamada--2024--2024)", () => {
    const draft = "無料化は来年4月から[@yamada--2024]。";
    const [f] = corpus.check(draft);
    assert.equal(f.code, "unknown-source");
    assert.match(f.message, /Pandoc reads '@yamada--2024' as the key 'yamada'.*@\{yamada--2024\}/);
    const fixed = applyFix(draft, f.fixes[0]);
    assert.equal(fixed, "無料化は来年4月から[@{yamada--2024}]。");
    assert.deepEqual(corpus.codes(fixed), []);
    // In text, with a suppressed author, and among several items.
    for (const [before, after] of [
      ["@yamada--2024 によれば無料化は来年4月から。", "@{yamada--2024} によれば無料化は来年4月から。"],
      ["無料化は来年4月から[-@yamada--2024]。", "無料化は来年4月から[-@{yamada--2024}]。"],
      ["無料化は来年4月から[@001; @yamada--2024, p. 2]。", "無料化は来年4月から[@001; @{yamada--2024}, p. 2]。"],
    ]) {
      const found = corpus.check(before).find((x) => x.code === "unknown-source");
      assert.ok(found, before);
      assert.equal(applyFix(before, found.fixes[0]), after);
    }
  });

  it("a suggested key that needs braces is inserted with them", () => {
    const draft = "無料化は来年4月から[@yamada2024]。";
    const f = corpus.check(draft).find((x) => x.code === "unknown-source")!;
    const fix = f.fixes.find((x) => x.text.includes("yamada2024:"));
    assert.ok(fix, JSON.stringify(f.fixes));
    assert.equal(applyFix(draft, fix), "無料化は来年4月から[@{yamada2024:}]。");
  });

  it("completion inserts each key so that Pandoc reads it back", () => {
    const catalog = catalogFor(corpus.index, corpus.tokenizer);
    const insertAt = (text: string) => complete(text, text.length, corpus.index, catalog)!.items.filter((i) => i.kind === "source");
    const inserted = (text: string, key: string) => {
      const item = insertAt(text).find((i) => i.label === key)!;
      return text.slice(0, item.span.start) + item.insertText + text.slice(item.span.end);
    };
    assert.equal(inserted("無料化は[@", "yamada--2024"), "無料化は[@{yamada--2024}");
    assert.equal(inserted("無料化は[@", "yamada2024:"), "無料化は[@{yamada2024:}");
    assert.equal(inserted("無料化は[@", "港市2024図書館"), "無料化は[@港市2024図書館");
    assert.equal(inserted("無料化は[@yam", "yamada--2024"), "無料化は[@{yamada--2024}");
    assert.equal(inserted("無料化は[@{yam", "yamada--2024"), "無料化は[@{yamada--2024}");
    assert.equal(inserted("無料化は[@{", "001"), "無料化は[@{001}");
    assert.equal(inserted("無料化は@", "yamada--2024"), "無料化は[@{yamada--2024}]");
    assert.equal(inserted("無料化は ＠", "001"), "無料化は @001");
    assert.equal(inserted("無料化は[＠", "yamada--2024"), "無料化は[@{yamada--2024}");
    assert.equal(inserted("無料化は［＠", "001"), "無料化は[@001");
    // `］` auto-closed by the editor right after the cursor becomes `]` too.
    const text = "無料化は［＠］。";
    const item = complete(text, text.indexOf("］"), corpus.index, catalog)!.items.find((i) => i.label === "001")!;
    assert.equal(text.slice(0, item.span.start) + item.insertText + text.slice(item.span.end), "無料化は[@001]。");
  });

  it("rename writes the new key in braces where needed, in every draft and in the metadata, quoted for YAML", () => {
    const draft = parseDraft("本文[@001]と @001 と [-@001, p. 3]。");
    const edited = renameEditsIn(draft, "001", "yamada--2025").reduceRight((t, e) => t.slice(0, e.span.start) + e.text + t.slice(e.span.end), draft.text);
    assert.equal(edited, "本文[@{yamada--2025}]と @{yamada--2025} と [-@{yamada--2025}, p. 3]。");
    assert.equal(checkNewKey(corpus.index, "001", "yamada2025:"), null);
    assert.equal(checkNewKey(corpus.index, "001", "a b"), "invalid-key");
    const source = corpus.index.get("yamada--2024")!;
    for (const [newKey, written] of [["002", '"002"'], ["no-2", "no-2"], ["off", '"off"'], ["yamada2025:", '"yamada2025:"']]) {
      const e = metadataRenameEdit(source, newKey, { path: "sources.yaml", text: null }, "s0.md")!;
      const text = e.path === source.meta.path ? source.text : "";
      const after = text.slice(0, e.edits[0].span.start) + e.edits[0].text + text.slice(e.edits[0].span.end);
      assert.match(after, new RegExp(`^---\\nkey: ${written.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`), newKey);
    }
    const viaCatalogue = metadataRenameEdit({ ...source, meta: { ...source.meta, provenance: { key: "catalogue" } } } as typeof source, "001", { path: "sources.yaml", text: "s0.md:\n  key: 'yamada--2024'\n" }, "s0.md")!;
    assert.equal(viaCatalogue.edits[0].text, "'001'");
  });
});

describe("exported bibliographies", () => {
  const KEYS = ["yamada--2024", "yamada2024:", "001", "2024.10", "1e3", "no", "港市2024図書館", "a/b", "a{b}c", "a,b", 'a"b', "a'b", "a~b", "_x", "a;b"];
  const sources = KEYS.map((key, i) => ({ meta: { key, title: `記事${i}`, outlet: "架空日報", published: "2024-05-10", url: null, originals: [], path: "x" } })) as never[];

  it("BibTeX leaves out, and lists, only the keys an entry key cannot hold", () => {
    const out = exportBibliography(sources, "bibtex");
    assert.deepEqual(out.skipped, ["a{b}c", "a,b", 'a"b', "a~b"]);
    assert.match(out.text, /^% Left out: BibTeX cannot hold these keys/);
    assert.deepEqual(exportBibliography(sources, "csl-json").skipped, []);
  });

  it("pandoc --citeproc resolves every citation Shutten writes against every exported format", { skip: !PANDOC && "pandoc is not installed" }, () => {
    const dir = mkdtempSync(join(tmpdir(), "shutten-bib-"));
    const draft = join(dir, "draft.md");
    writeFileSync(draft, KEYS.map((k) => `本文[${citeOf(k)}]。`).join("\n\n") + "\n");
    // The draft's citations are read back as the keys.
    const json = spawnSync(PANDOC!, ["-t", "json", draft], { encoding: "utf8" });
    const ids = [...json.stdout.matchAll(/"citationId":("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]));
    assert.deepEqual(ids, KEYS);
    for (const format of ["csl-json", "bibtex", "pandoc-yaml"] as const) {
      const out = exportBibliography(sources, format);
      const file = join(dir, `references.${out.extension}`);
      writeFileSync(file, out.text);
      // The YAML is a `references:` block for front matter or --metadata-file (Pandoc reads it as Markdown).
      const r = spawnSync(PANDOC!, ["--citeproc", format === "pandoc-yaml" ? "--metadata-file" : "--bibliography", file, "-t", "plain", draft], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const missing = [...r.stderr.matchAll(/citation (.*) not found/g)].map((m) => m[1]).sort();
      assert.deepEqual(missing, [...out.skipped].sort(), `${format}: ${r.stderr}`);
    }
  });
});

