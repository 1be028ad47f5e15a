// Navigation in the core: definition targets, references, the metadata edit of a rename (catalogue
// in map or list form, front matter, an inferred key), links, symbols, inlay hints, semantic tokens.
import { strict as assert } from "node:assert";
import { before, describe, it } from "node:test";
import { parseDraft } from "../../server/src/core/draft/parseDraft";
import {
  checkNewKey,
  definitionAt,
  documentLinks,
  documentSymbols,
  inlayHints,
  metadataRenameEdit,
  referencesIn,
  semanticTokens,
  workspaceSymbols,
} from "../../server/src/core/features/navigation";
import type { IndexedSource } from "../../server/src/core/model";
import { cursor, sampleCorpus, type SampleCorpus } from "./featureFixture";

let corpus: SampleCorpus;
before(async () => {
  corpus = await sampleCorpus();
});

function apply(text: string, edits: { span: { start: number; end: number }; text: string }[]): string {
  return [...edits].sort((a, b) => b.span.start - a.span.start).reduce((t, e) => t.slice(0, e.span.start) + e.text + t.slice(e.span.end), text);
}

function fakeSource(key: string, provenance: string, text = "本文。"): IndexedSource {
  return { meta: { key, title: null, outlet: null, published: null, url: null, originals: [], path: "/c/a.txt", provenance: { key: provenance } }, text, body: [], encoding: "utf-8", hash: "", sentences: [], quotes: [], entities: [], events: [], numbers: [], dates: [] };
}

describe("navigation (core)", () => {
  it("definition: key → title of the source; quote → its passage", () => {
    const check = (input: string, file: RegExp, at: RegExp) => {
      const { text, offset } = cursor(input);
      const d = definitionAt(parseDraft(text), offset, corpus.index);
      assert.ok(d && file.test(d.path), JSON.stringify(d));
      assert.match(d.text, at);
    };
    check("本文[@nik|kei-2025-04-12]。", /002_a7bcb88a404c413b\.txt$/, /^プーチン氏、米特使と会談/);
    check("「検討|が必要」と述べた[@findgo-trump-putin-call]。", /001_ab86abc2cc8096fe\.txt$/, /^検討が必要$/);
  });

  it("references: every item citing the key", () => {
    const draft = parseDraft("a[@x; @y]。b @x によれば。c[-@x]。");
    assert.equal(referencesIn(draft, "x").length, 3);
    assert.deepEqual(referencesIn(draft, "x", true).map((s) => draft.text.slice(s.start, s.end)), ["x", "x", "x"]);
  });

  const cases: { name: string; provenance: string; catalogue: string | null; source?: string; expected: string }[] = [
    { name: "catalogue, map form", provenance: "catalogue", catalogue: "# c\na.txt:\n  key: old   # keep\n  outlet: X\n", expected: "# c\na.txt:\n  key: new   # keep\n  outlet: X\n" },
    { name: "catalogue, list form", provenance: "catalogue", catalogue: "- path: a.txt\n  key: old\n", expected: "- path: a.txt\n  key: new\n" },
    { name: "inferred, entry without key", provenance: "text", catalogue: "a.txt:\n  outlet: X\n", expected: "a.txt:\n  key: new\n  outlet: X\n" },
    { name: "inferred, no entry", provenance: "file-name", catalogue: "b.txt:\n  key: b\n", expected: "b.txt:\n  key: b\n\na.txt:\n  key: new\n" },
    { name: "inferred, no catalogue", provenance: "file-name", catalogue: null, expected: "a.txt:\n  key: new\n" },
  ];
  for (const c of cases)
    it(`rename metadata: ${c.name}`, () => {
      const edit = metadataRenameEdit(fakeSource("old", c.provenance), "new", { path: "/c/sources.yaml", text: c.catalogue }, "a.txt");
      assert.ok(edit);
      assert.equal(edit.path, "/c/sources.yaml");
      assert.equal(edit.create ?? false, c.catalogue === null);
      assert.equal(apply(c.catalogue ?? "", edit.edits), c.expected);
    });

  it("rename metadata: front matter of the source", () => {
    const text = "---\ntitle: T\nkey: \"old\"\n---\n本文。\n";
    const edit = metadataRenameEdit(fakeSource("old", "front-matter", text), "new", { path: "/c/sources.yaml", text: null }, "a.txt");
    assert.equal(edit?.path, "/c/a.txt");
    assert.equal(apply(text, edit!.edits), text.replace('"old"', '"new"'));
  });

  it("rename: new keys are checked", () => {
    assert.equal(checkNewKey(corpus.index, "nikkei-2025-04-12", "findgo-trump-putin-call"), "key-taken");
    assert.equal(checkNewKey(corpus.index, "nikkei-2025-04-12", "a b"), "invalid-key");
    assert.equal(checkNewKey(corpus.index, "nosuch", "x"), "unknown-key");
    assert.equal(checkNewKey(corpus.index, "nikkei-2025-04-12", "nikkei-witkoff"), null);
  });

  it("links, symbols, inlay hints and semantic tokens", () => {
    const text = "「検討が必要」と述べた[@findgo-trump-putin-call]。詳細 https://example.com/x 。[@nosuch]";
    const draft = parseDraft(text);
    const links = documentLinks(draft, corpus.index);
    assert.deepEqual(links.map((l) => l.kind), ["source", "url"]);
    assert.equal(links[1].target, "https://example.com/x");
    assert.deepEqual(documentSymbols(draft, corpus.index).map((s) => s.name), ["「検討が必要」", "@findgo-trump-putin-call", "@nosuch"]);
    assert.deepEqual(inlayHints(draft, corpus.index).map((h) => h.label), ["Find Go"]);
    assert.deepEqual(semanticTokens(draft, corpus.index).map((t) => [text.slice(t.span.start, t.span.end), t.modifiers]), [["@findgo-trump-putin-call", 0], ["@nosuch", 1]]);
  });

  it("workspace symbols: by date, by kana reading, capped", () => {
    assert.ok(workspaceSymbols(corpus.catalog, "2025-03-14").some((s) => s.kind === "event" && s.key === "findgo-trump-putin-call"));
    assert.ok(workspaceSymbols(corpus.catalog, "けんとう").some((s) => s.kind === "quote" && s.text === "検討が必要"));
    assert.equal(workspaceSymbols(corpus.catalog, "", 5).length, 5);
    // The cap keeps the first matches in catalogue order: events, then quotes.
    const all = workspaceSymbols(corpus.catalog, "", 10_000);
    assert.deepEqual(workspaceSymbols(corpus.catalog, "", 3), all.slice(0, 3));
    const firstQuote = all.findIndex((s) => s.kind === "quote");
    assert.ok(firstQuote > 0);
    assert.deepEqual(workspaceSymbols(corpus.catalog, "", firstQuote + 1).map((s) => s.kind).slice(-2), ["event", "quote"]);
  });
});
